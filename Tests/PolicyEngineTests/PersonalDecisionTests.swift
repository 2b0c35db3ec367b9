import GoodwillCore
import Testing
@testable import PolicyEngine

@Suite struct PersonalDecisionTests {
    @Test func actingOnAReferralWithinTheSuggestion_isNotAnOverride() throws {
        let policy = try shippedPolicy("default.json")
        let decision = policy.evaluate(.make(daysSinceExpiry: 60))
        #expect(decision.outcome == .refer(suggestedDays: 30, reasonKey: "refer.needs_review"))
        let personal = try policy.personalDecision(on: decision, actor: "anna", role: .support, days: 30,
                                                   reason: "Was abroad", override: false)
        #expect(!personal.isOverride)
        #expect(personal.newLastValidDay == date("2026-06-01").adding(days: 30))
        #expect(personal.reason == "Was abroad")
    }

    @Test func grantingWhatThePolicyDenied_needsTheOverrideFlag() throws {
        let policy = try shippedPolicy("default.json")
        let decision = policy.evaluate(.make(daysSinceExpiry: 400))
        let error = #expect(throws: PersonalDecisionError.self) {
            try policy.personalDecision(on: decision, actor: "anna", role: .support, days: 30, reason: "Hospital stay", override: false)
        }
        #expect(error?.kind == .overrideNotConfirmed)
        let personal = try policy.personalDecision(on: decision, actor: "anna", role: .support, days: 30,
                                                   reason: "Hospital stay", override: true)
        #expect(personal.isOverride)
        #expect(personal.overrideBecause == "the policy denied an extension")
        #expect(personal.decision == decision)
    }

    @Test func grantingMoreThanThePolicy_isAnOverride() throws {
        let policy = try shippedPolicy("default.json")
        let decision = policy.evaluate(.make(daysSinceExpiry: 14))
        let personal = try policy.personalDecision(on: decision, actor: "root", role: .admin, days: 45, reason: "VIP", override: true)
        #expect(personal.isOverride)
        #expect(personal.overrideBecause == "the policy granted 30 days, 45 asked")
    }

    @Test func aReferralTurnedByALimit_staysAnOverrideEvenWithinTheSuggestion() throws {
        let policy = try shippedPolicy("default.json")
        let decision = policy.evaluate(.make(daysSinceExpiry: 20, priorExtensions: 2, tenure: 1000))
        let error = #expect(throws: PersonalDecisionError.self) {
            try policy.personalDecision(on: decision, actor: "anna", role: .support, days: 30, reason: "Loyal", override: false)
        }
        #expect(error?.kind == .overrideNotConfirmed)
        #expect(error?.description.contains("max_extensions_per_voucher") == true)
    }

    @Test(arguments: [ActorRole.redeemer, .issuer, .auditor, ActorRole(rawValue: "agent")])
    func rolesOtherThanSupportOrAdmin_areRefused(role: ActorRole) throws {
        let policy = try shippedPolicy("default.json")
        let decision = policy.evaluate(.make(daysSinceExpiry: 60))
        let error = #expect(throws: PersonalDecisionError.self) {
            try policy.personalDecision(on: decision, actor: "bo", role: role, days: 10, reason: "r", override: true)
        }
        #expect(error?.kind == .roleNotAllowed)
    }

    @Test func aBlankReason_isRefused() throws {
        let policy = try shippedPolicy("default.json")
        let decision = policy.evaluate(.make(daysSinceExpiry: 400))
        let error = #expect(throws: PersonalDecisionError.self) {
            try policy.personalDecision(on: decision, actor: "anna", role: .admin, days: 10, reason: "  \n", override: true)
        }
        #expect(error?.kind == .reasonMissing)
    }

    @Test func aDecisionFromAnotherPolicy_isRefused() throws {
        let decision = try shippedPolicy("strict.json").evaluate(.make(daysSinceExpiry: 5))
        let error = #expect(throws: PersonalDecisionError.self) {
            try shippedPolicy("default.json").personalDecision(on: decision, actor: "anna", role: .admin, days: 5, reason: "r", override: true)
        }
        #expect(error?.kind == .policyMismatch)
    }
}

/// 9999-12-31 is the last day a LocalDate is written and read back as YYYY-MM-DD; a grant past it
/// would store "10000-…" and leave the voucher unreadable.
@Suite struct LastStorableDayTests {
    func factsNearTheEnd() -> PolicyFacts {
        var facts = PolicyFacts.make(daysSinceExpiry: 14)
        facts.lastValidDay = date("9999-12-01")
        facts.asOf = date("9999-12-15")
        return facts
    }

    @Test func aPersonalGrantPastTheLastDay_isRefused_sayingHowManyDaysFit() throws {
        let policy = try shippedPolicy("default.json")
        let decision = policy.evaluate(factsNearTheEnd())
        let error = #expect(throws: PersonalDecisionError.self) {
            try policy.personalDecision(on: decision, actor: "root", role: .admin, days: 30, reason: "VIP", override: true)
        }
        #expect(error?.kind == .invalidDays)
        #expect(error?.description.contains("grant at most 16 days") == true, "\(String(describing: error))")
        let fits = try policy.personalDecision(on: decision, actor: "root", role: .admin, days: 16, reason: "VIP", override: true)
        #expect(fits.newLastValidDay == LocalDate.latest)
    }

    @Test func aRuleGrantingPastTheLastDay_doesNotGrant() throws {
        let policy = try shippedPolicy("default.json")
        let ordinary = policy.evaluate(.make(daysSinceExpiry: 14))
        guard case .grant = ordinary.outcome else { Issue.record("the shipped policy should grant at 14 days: \(ordinary.outcome)"); return }
        let decision = policy.evaluate(factsNearTheEnd())
        if case .grant(_, let day, _) = decision.outcome { Issue.record("granted through \(day)") }
    }

    @Test func aDayPastTheCalendar_isNotStorable() {
        #expect(LocalDate.latest.isStorable)
        #expect(!LocalDate.latest.adding(days: 1).isStorable)
        #expect(LocalDate(iso: LocalDate.latest.adding(days: 1).isoString) == nil)
    }
}
