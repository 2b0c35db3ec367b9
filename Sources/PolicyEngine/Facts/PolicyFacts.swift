import GoodwillCore
/// Who asks for a decision. Rules restrict themselves to requesters with a condition on the
/// `requester` fact: `system` rules run in the expiry sweep, `redemption` rules decide soft
/// expiry when an expired voucher is presented.
public enum Requester: String, Sendable, Codable, CaseIterable {
    case holder, agent, system, redemption
}

/// Everything a policy may look at, gathered by the ledger before it asks for a decision.
/// The facts are stored with every decision, so they include the dates they were computed
/// from: the decision is a pure function of these values and can be replayed later.
public struct PolicyFacts: Sendable, Codable, Equatable {
    /// The voucher's current last valid day (the expiry), in the issuer's zone.
    public var lastValidDay: LocalDate
    /// The day the question is asked, in the same zone.
    public var asOf: LocalDate
    /// Minor units of `currency`.
    public var remainingBalance: Int64
    public var originalValue: Int64
    /// ISO 4217 code of both amounts above and of `goodwillThisMonthValue`.
    public var currency: String
    public var priorExtensionCount: Int
    public var priorExtensionDays: Int
    /// Days since the holder was first seen.
    public var holderTenureDays: Int
    public var vouchersHeld: Int
    public var vouchersBought: Int
    public var hasOpenSupportCase: Bool
    public var voucherKind: String
    public var tags: [String]
    public var requester: Requester
    /// Code of the issuing jurisdiction (`SE`, `US-CA`, …).
    public var jurisdiction: String
    /// Goodwill extensions granted this calendar month across all vouchers in every currency,
    /// and the balance covered by those in `currency`, in its minor units (money of different
    /// currencies cannot be added). The month is counted in the issuer's default time zone (one
    /// budget, one month), not the voucher's.
    public var goodwillThisMonthCount: Int
    public var goodwillThisMonthValue: Int64

    public init(
        lastValidDay: LocalDate, asOf: LocalDate,
        remainingBalance: Int64, originalValue: Int64, currency: String,
        priorExtensionCount: Int = 0, priorExtensionDays: Int = 0,
        holderTenureDays: Int = 0, vouchersHeld: Int = 1, vouchersBought: Int = 0,
        hasOpenSupportCase: Bool = false, voucherKind: String = "experience", tags: [String] = [],
        requester: Requester, jurisdiction: String,
        goodwillThisMonthCount: Int = 0, goodwillThisMonthValue: Int64 = 0
    ) {
        self.lastValidDay = lastValidDay
        self.asOf = asOf
        self.remainingBalance = remainingBalance
        self.originalValue = originalValue
        self.currency = currency
        self.priorExtensionCount = priorExtensionCount
        self.priorExtensionDays = priorExtensionDays
        self.holderTenureDays = holderTenureDays
        self.vouchersHeld = vouchersHeld
        self.vouchersBought = vouchersBought
        self.hasOpenSupportCase = hasOpenSupportCase
        self.voucherKind = voucherKind
        self.tags = tags
        self.requester = requester
        self.jurisdiction = jurisdiction
        self.goodwillThisMonthCount = goodwillThisMonthCount
        self.goodwillThisMonthValue = goodwillThisMonthValue
    }

    /// Negative before expiry, 0 on the last valid day, 1 the day after.
    public var daysSinceExpiry: Int { lastValidDay.days(until: asOf) }

    /// Whole percent of the original value already used, 0...100, rounded down.
    /// Integer arithmetic: no floating point near money.
    public var fractionUsedPercent: Int {
        guard originalValue > 0 else { return 0 }
        let used = max(0, min(originalValue, originalValue - remainingBalance))
        // Scale down huge amounts first so `* 100` cannot overflow.
        let (u, o) = originalValue > Int64.max / 100 ? (used / 100, originalValue / 100) : (used, originalValue)
        guard o > 0 else { return 0 }
        return Int(u * 100 / o)
    }
}
