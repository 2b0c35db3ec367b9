import GoodwillCore

/// The holder's right to take an expired voucher's remaining balance out as money, as the
/// jurisdiction in force still gives it (Denmark: a year after expiry; a small balance under a
/// threshold: at any time). Decided by `cashOutAllowed`, the rule closing an account refunds by and
/// the liability report keeps balances by. Information beside a goodwill answer, never part of it:
/// a support agent who reads "expired" or "no" must also read that the money is not gone.
public struct PayoutRight: Sendable, Codable, Equatable {
    /// The balance the holder may claim, in minor units of `currency`.
    public let balance: Int64
    public let currency: String
    /// The last day the holder may claim it, in the voucher's zone; nil when the right has no end
    /// (a balance under a cash-out threshold).
    public let until: LocalDate?
    /// Why, with the source cited: the cash-out rule's own words.
    public let reason: String

    public init(balance: Int64, currency: String, until: LocalDate?, reason: String) {
        self.balance = balance; self.currency = currency; self.until = until; self.reason = reason
    }

    /// How to pay it out, as each front end names it. The stored explanation names both, since
    /// either may read it back later.
    public static let howCLI = "Pay it out as a refund with the payout reference: 'goodwill refund CODE --reference REF' (or 'goodwill holder close HOLDER --payout-reference REF' when the holder leaves)."
    public static let howAPI = "Pay it out as a refund with the payout reference: POST /v1/vouchers/{id}/refunds with {\"reference\": …} (or POST /v1/holders/{id}/close with a payout_reference when the holder leaves)."
    public static let howAny = "Pay it out as a refund with the payout reference ('goodwill refund CODE --reference REF', or POST /v1/vouchers/{id}/refunds)."

    /// The balance as money; nil for a currency code this build does not know.
    public var claimable: Money? {
        Currency(code: currency).map { Money(minorUnits: balance, currency: $0) }
    }

    /// The amount, like "400.00 DKK".
    public var amount: String {
        claimable?.description ?? "\(balance) \(currency) minor units"
    }

    /// What the holder reads in the public balance check: plain words, none of staff's tools, nothing
    /// personal. The holder asks the seller; the seller pays it out as above.
    public var toHolder: String {
        let when = until.map { "until \($0) (the last day)" } ?? "at any time"
        return "This voucher has expired, but the law still gives you the right to have the remaining \(amount) paid out as money \(when). Ask the seller for the payout."
    }

    /// What a support agent tells the holder, and how to do it: `how` is one of the three above.
    public func sentence(_ how: String) -> String {
        let when = until.map { "until \($0) (the last day)" } ?? "at any time"
        return "Payout right: the law still lets the holder claim the remaining \(amount) as money \(when). \(reason) \(how)"
    }
}

extension PolicyDecision {
    /// The decision with the payout right said beside it: stored with it, so a replay or a later
    /// explain says the same. The outcome does not change. A grant is left as it is: the voucher is
    /// valid again, and any right then runs from its new expiry.
    public func noting(_ right: PayoutRight?) -> PolicyDecision {
        guard let right, !outcome.isGrant, payoutRight == nil else { return self }
        return PolicyDecision(policyID: policyID, policyVersion: policyVersion, policyHash: policyHash, facts: facts, outcome: outcome,
                              ruleName: ruleName, ruleNumber: ruleNumber, limitApplied: limitApplied, trace: trace,
                              explanation: explanation + " " + right.sentence(PayoutRight.howAny), payoutRight: right)
    }
}
