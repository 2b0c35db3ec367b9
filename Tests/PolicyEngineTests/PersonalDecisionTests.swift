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
