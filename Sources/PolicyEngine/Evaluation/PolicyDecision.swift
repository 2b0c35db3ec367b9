import GoodwillCore
/// What the policy decided for one set of facts, with everything needed to store, explain
/// and audit it: the policy's identity and content hash, the facts, the trace of every rule.
public struct PolicyDecision: Sendable, Codable, Equatable {
    public let policyID: String
    public let policyVersion: Int
    public let policyHash: String
    public let facts: PolicyFacts
    public let outcome: PolicyOutcome
    /// The rule that decided, or nil when none matched.
    public let ruleName: String?
    public let ruleNumber: Int?
    /// Set when the chosen rule's grant hit a limit and was turned into a refer or deny.
    public let limitApplied: LimitBreach?
    /// One entry per rule, in file order.
    public let trace: [RuleTrace]
    /// Plain English for a support agent; ends with the payout right when there is one.
    public let explanation: String
    /// The payout right the law still gives beside a refer or deny on an expired voucher (`noting`);
    /// nil otherwise, and in decisions stored before it existed.
    public var payoutRight: PayoutRight? = nil
}

public enum PolicyOutcome: Sendable, Codable, Equatable {
    /// Apply automatically: `days` of validity counted from the later of the current last
    /// valid day and the day asked (so a late holder still gets the full `days`).
    case grant(days: Int, newLastValidDay: LocalDate, messageKey: String)
    /// A person decides; the policy suggests `suggestedDays`.
    case refer(suggestedDays: Int, reasonKey: String)
    case deny(messageKey: String, alternative: Alternative?)
    /// No rule covers the case. For a holder or agent, a person decides; for the expiry
    /// sweep (`system`) nothing happens; at `redemption` the expired voucher is refused.
    case noRuleMatched

    public var isGrant: Bool {
        if case .grant = self { return true }
        return false
    }

    public var isRefer: Bool {
        if case .refer = self { return true }
        return false
    }
}

/// How one rule fared.
public struct RuleTrace: Sendable, Codable, Equatable {
    public enum Result: Sendable, Codable, Equatable {
        case matched
        /// The first condition that did not hold, with what it wanted and what it found.
        case conditionFailed(fact: String, expected: String, actual: String)
        /// All conditions held but the outcome cannot apply (a grant `until` a date that is
        /// not after the current expiry); evaluation moves on to the next rule.
        case notApplicable(reason: String)
        /// An earlier rule decided.
        case notReached
    }

    public let ruleNumber: Int
    public let ruleName: String
    public let result: Result

    public var line: String {
        let head = "rule \(ruleNumber) \"\(ruleName)\": "
        switch result {
        case .matched: return head + "matched"
        case .conditionFailed(let fact, let expected, let actual):
            return head + "\(fact) is \(actual), needs \(expected)"
        case .notApplicable(let reason): return head + "not applicable: " + reason
        case .notReached: return head + "not reached"
        }
    }
}

/// A limit that stopped a grant, named by its field in the policy file.
public struct LimitBreach: Sendable, Codable, Equatable {
    /// `max_extensions_per_voucher`, `max_total_extension_days` or `monthly_goodwill_budget`.
    public let limit: String
    public let detail: String

    /// True for the budget shared by all vouchers this month; false for the voucher's own limits.
    public var isMonthlyBudget: Bool { limit == "monthly_goodwill_budget" }

    /// Why, in words for a refused redemption's hint.
    public var summary: String {
        isMonthlyBudget ? "this month's goodwill budget cannot cover it (\(detail))"
            : "it would go beyond the policy's limit for one voucher (\(limit): \(detail))"
    }
}
