import Foundation
import GoodwillCore
import PolicyEngine

/// A goodwill decision as printed and served: what the policy decided, why (the trace), on
/// which facts, and what was applied.
public struct DecisionView: Sendable, Codable, Equatable {
    public struct PolicyRef: Sendable, Codable, Equatable {
        public var id: String
        public var version: Int
        public var hash: String
    }

    /// Stored decision id; nil for a dry run.
    public var id: Int64?
    public var voucherID: String
    public var policy: PolicyRef
    public var requester: String
    /// grant, refer, deny or no_rule: what the policy said.
    public var outcome: String
    public var rule: String?
    /// Days the policy grants (grant) or suggests (refer).
    public var days: Int?
    public var newLastValidDay: String?
    public var messageKey: String?
    public var alternative: Alternative?
    public var limitApplied: LimitBreach?
    public var explanation: String
    public var trace: [String]
    public var facts: PolicyFacts
    /// What was done: days actually granted (0 when nothing was applied), by whom, why.
    public var applied: Applied?
    /// Beside a refer or deny on an expired voucher, where the law still gives the holder the right
    /// to take the balance out as money: the amount, and the last day (nil: no end, a balance
    /// under a threshold). The explanation says it in words. Absent elsewhere.
    public var payoutClaimable: Money?
    public var payoutClaimableUntil: String?

    public struct Applied: Sendable, Codable, Equatable {
        public var days: Int
        public var newLastValidDay: String
        public var actor: String
        public var isOverride: Bool
        public var overrideBecause: String?
        public var reason: String?

        enum CodingKeys: String, CodingKey {
            case days, newLastValidDay = "new_last_valid_day", actor, isOverride = "override", overrideBecause = "override_because", reason
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, voucherID = "voucher_id", policy, requester, outcome, rule, days, newLastValidDay = "new_last_valid_day",
             messageKey = "message_key", alternative, limitApplied = "limit_applied", explanation, trace, facts, applied,
             payoutClaimable = "payout_claimable", payoutClaimableUntil = "payout_claimable_until"
    }

    public var isGrant: Bool { outcome == "grant" }

    public init(_ d: PolicyDecision, voucherID: VoucherID, id: Int64? = nil, applied: Applied? = nil) {
        self.id = id
        self.voucherID = voucherID.rawValue
        policy = PolicyRef(id: d.policyID, version: d.policyVersion, hash: d.policyHash)
        requester = d.facts.requester.rawValue
        rule = d.ruleName
        limitApplied = d.limitApplied
        explanation = d.explanation
        trace = d.trace.map(\.line)
        facts = d.facts
        self.applied = applied
        if let right = d.payoutRight, let claimable = right.claimable {
            payoutClaimable = claimable
            payoutClaimableUntil = right.until?.isoString
        }
        switch d.outcome {
        case .grant(let days, let day, let key):
            outcome = "grant"; self.days = days; newLastValidDay = day.isoString; messageKey = key
        case .refer(let days, let key):
            outcome = "refer"; self.days = days; messageKey = key
        case .deny(let key, let alt):
            outcome = "deny"; messageKey = key; alternative = alt
        case .noRuleMatched:
            outcome = "no_rule"
        }
    }
}

/// A policy version known to the database.
public struct PolicyInfo: Sendable, Codable, Equatable {
    public var id: String
    public var version: Int
    public var hash: String
    public var fileName: String
    public var description: String
    public var jurisdiction: String
    public var rules: Int
    public var active: Bool
    public var addedAt: String

    enum CodingKeys: String, CodingKey {
        case id, version, hash, fileName = "file_name", description, jurisdiction, rules, active, addedAt = "added_at"
    }
}

/// What an extension request asks for. `days` nil: let the policy decide.
public struct ExtensionRequest: Sendable, Codable, Equatable {
    public var days: Int?
    public var reason: String
    public var override: Bool
    /// holder (asking through support or the API) or agent (support on their own initiative).
    public var requester: Requester
    /// The role of whoever asks: only support and admin may grant by hand.
    public var role: String

    public init(days: Int? = nil, reason: String, override: Bool = false, requester: Requester = .holder, role: String = "admin") {
        self.days = days; self.reason = reason; self.override = override; self.requester = requester; self.role = role
    }
}
