import Foundation
import GoodwillCore

/// A staff role, spelled as the API spells it. Open so the API can add roles without
/// changing this module; only `support` and `admin` may decide for the policy.
public struct ActorRole: RawRepresentable, Hashable, Sendable, Codable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let admin = ActorRole(rawValue: "admin")
    public static let support = ActorRole(rawValue: "support")
    public static let issuer = ActorRole(rawValue: "issuer")
    public static let redeemer = ActorRole(rawValue: "redeemer")
    public static let auditor = ActorRole(rawValue: "auditor")

    public static let mayDecide: Set<ActorRole> = [.admin, .support]
}

/// A person's extension on top of a policy decision: acting on a referral, granting less
/// than the policy offered, or overriding it (more than offered, past a limit, or what was
/// denied). Stored with the decision it answers.
public struct PersonalDecision: Sendable, Codable, Equatable {
    /// The days a person may grant by hand, the policy's limits aside (the API's `days` says the same).
    public static let daysRange = 1...3660

    public let decision: PolicyDecision
    public let actor: String
    public let role: ActorRole
    public let reason: String
    public let grantedDays: Int
    public let newLastValidDay: LocalDate
    /// True when the person went beyond what the policy allowed; recorded as an override.
    public let isOverride: Bool
    /// Why it counts as an override, for the audit view.
    public let overrideBecause: String?
}

public struct PersonalDecisionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable { case policyMismatch, roleNotAllowed, reasonMissing, overrideNotConfirmed, invalidDays }
    public let kind: Kind
    public let description: String
}

extension Policy {
    /// Checks and records a person's grant of `days` on a decision of this policy. Going
    /// beyond the policy (more than offered or suggested, past a limit, or what it denied)
    /// needs the support or admin role, a reason, and `override: true`; the result says so.
    public func personalDecision(on decision: PolicyDecision, actor: String, role: ActorRole, days: Int,
                                 reason: String, override: Bool) throws(PersonalDecisionError) -> PersonalDecision {
        guard decision.policyID == id, decision.policyVersion == version else {
            throw PersonalDecisionError(kind: .policyMismatch,
                                        description: "The decision came from policy \(decision.policyID) v\(decision.policyVersion), not \(id) v\(version); ask the policy again before deciding.")
        }
        guard ActorRole.mayDecide.contains(role) else {
            throw PersonalDecisionError(kind: .roleNotAllowed,
                                        description: "Only support or admin staff can grant an extension by hand; \(actor) has the \(role.rawValue) role.")
        }
        guard PersonalDecision.daysRange.contains(days) else {
            throw PersonalDecisionError(kind: .invalidDays, description: "Grant between \(PersonalDecision.daysRange.lowerBound) and \(PersonalDecision.daysRange.upperBound) days; \(days) was asked.")
        }
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw PersonalDecisionError(kind: .reasonMissing,
                                        description: "Write the reason for this decision; it is kept with the voucher and shown in audits.")
        }
        let because = overrideReason(decision, days: days)
        if let because, !override {
            throw PersonalDecisionError(kind: .overrideNotConfirmed,
                                        description: "This goes beyond the policy (\(because)). Confirm it as an override to continue.")
        }
        let start = max(decision.facts.lastValidDay, decision.facts.asOf)
        let newLastValidDay = start.adding(days: days)
        guard newLastValidDay.isStorable else {
            throw PersonalDecisionError(kind: .invalidDays,
                                        description: "\(Plural.count(days, "day")) from \(start) ends after \(LocalDate.latest), the last day Goodwill can store; grant at most \(Plural.count(start.days(until: LocalDate.latest), "day")).")
        }
        return PersonalDecision(decision: decision, actor: actor, role: role, reason: trimmed, grantedDays: days,
                                newLastValidDay: newLastValidDay, isOverride: because != nil,
                                overrideBecause: because)
    }

    /// Nil when `days` is within what the policy offered or suggested and within its limits.
    private func overrideReason(_ decision: PolicyDecision, days: Int) -> String? {
        switch decision.outcome {
        case .deny: return "the policy denied an extension"
        case .grant(let offered, _, _) where days > offered:
            return "the policy granted \(Plural.count(offered, "day")), \(days) asked"
        case .refer(let suggested, _) where days > suggested:
            return "the policy suggested \(Plural.count(suggested, "day")), \(days) asked"
        default:
            return limits.breach(facts: decision.facts, days: days).map { "limit \($0.limit): \($0.detail)" }
        }
    }
}
