import Foundation
import Testing
@testable import PolicyEngine

@Suite struct PolicyEvaluationTests {
    /// The story: issued 2025-04-02 (Europe/Stockholm), valid 12 months, last valid day
    /// 2026-04-02; the holder asks on 2026-04-16, first time, balance left.
    @Test func theStory_defaultPolicyGrants30DaysAutomaticallyAndNamesTheRule() throws {
        let policy = try shippedPolicy("default.json")
        let lastValidDay = try #require(date("2025-04-02").adding(months: 12))
        #expect(lastValidDay == date("2026-04-02"))
        let facts = PolicyFacts(lastValidDay: lastValidDay, asOf: date("2026-04-16"),
                                remainingBalance: 60_000, originalValue: 100_000, currency: "SEK",
                                requester: .holder, jurisdiction: "SE")
        #expect(facts.daysSinceExpiry == 14)

        let decision = policy.evaluate(facts)

        #expect(decision.outcome == .grant(days: 30, newLastValidDay: date("2026-05-16"), messageKey: "grant.courtesy"))
        #expect(decision.ruleName == "recently expired, first time")
        #expect(decision.limitApplied == nil)
        #expect(decision.policyID == "default")
        #expect(decision.policyVersion == 1)
        #expect(decision.policyHash == fakeHasher(policy.sourceBytes))
        #expect(decision.facts == facts)
        let matched = decision.trace.filter { $0.result == .matched }
        #expect(matched.map(\.ruleName) == ["recently expired, first time"])
        #expect(decision.trace.count == policy.rules.count)
        #expect(decision.explanation.contains("rule 7 \"recently expired, first time\""))
        #expect(decision.explanation.contains("Extended by 30 days"))
        #expect(decision.explanation.contains("2026-05-16"))
    }

    @Test func theTrace_saysWhichConditionFailedWithActualAndExpectedValues() throws {
        let decision = try shippedPolicy("default.json").evaluate(.make(daysSinceExpiry: 14))
        #expect(decision.trace[0] == RuleTrace(ruleNumber: 1, ruleName: "soft expiry at redemption",
                                               result: .conditionFailed(fact: "requester", expected: "\"redemption\"", actual: "\"holder\"")))
        #expect(decision.trace[5] == RuleTrace(ruleNumber: 6, ruleName: "long-standing holders",
                                               result: .conditionFailed(fact: "holder_tenure_days", expected: "at least 730", actual: "0")))
        #expect(decision.trace[7].result == .notReached)
        #expect(decision.trace[5].line == "rule 6 \"long-standing holders\": holder_tenure_days is 0, needs at least 730")
    }

    enum Expect: Equatable {
        case grant(Int, String)
        case refer(Int, String)
        case deny(String)
        case none
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        let facts: PolicyFacts
        let rule: String?
        let expect: Expect
        var testDescription: String { label }
    }

    static let defaultCases: [Case] = [
        Case(label: "first time, 14 days late", facts: .make(daysSinceExpiry: 14),
             rule: "recently expired, first time", expect: .grant(30, "grant.courtesy")),
        Case(label: "first time, 30 days late", facts: .make(daysSinceExpiry: 30),
             rule: "recently expired, first time", expect: .grant(30, "grant.courtesy")),
        Case(label: "first time, 31 days late", facts: .make(daysSinceExpiry: 31),
             rule: "expired up to 90 days", expect: .refer(30, "refer.needs_review")),
        Case(label: "second time, 10 days late", facts: .make(daysSinceExpiry: 10, priorExtensions: 1, priorDays: 30),
             rule: "expired up to 90 days", expect: .refer(30, "refer.needs_review")),
        Case(label: "long-standing holder, 60 days late", facts: .make(daysSinceExpiry: 60, tenure: 1000),
             rule: "long-standing holders", expect: .grant(60, "grant.loyal_holder")),
        Case(label: "200 days late", facts: .make(daysSinceExpiry: 200),
             rule: "expired up to a year", expect: .refer(30, "refer.long_overdue")),
        Case(label: "over a year late", facts: .make(daysSinceExpiry: 400),
             rule: "over a year", expect: .deny("deny.too_late")),
        Case(label: "nothing left", facts: .make(daysSinceExpiry: 5, remaining: 0),
             rule: "nothing left to extend", expect: .deny("deny.fully_used")),
        Case(label: "not expired", facts: .make(daysSinceExpiry: -3),
             rule: "not expired yet", expect: .deny("deny.not_expired")),
        Case(label: "open support case", facts: .make(daysSinceExpiry: 5, openCase: true),
             rule: "open support case", expect: .refer(30, "refer.open_support_case")),
        Case(label: "redemption 5 days late", facts: .make(daysSinceExpiry: 5, requester: .redemption),
             rule: "soft expiry at redemption", expect: .grant(7, "grant.soft_expiry")),
        Case(label: "redemption 20 days late", facts: .make(daysSinceExpiry: 20, requester: .redemption),
             rule: nil, expect: .none),
        Case(label: "sweep, loyal holder, mostly unused", facts: .make(daysSinceExpiry: 1, tenure: 800, requester: .system),
             rule: "quiet goodwill at expiry", expect: .grant(30, "grant.proactive")),
        Case(label: "sweep, new holder", facts: .make(daysSinceExpiry: 1, requester: .system),
             rule: nil, expect: .none),
        Case(label: "sweep, loyal holder, mostly used", facts: .make(daysSinceExpiry: 1, remaining: 10_000, tenure: 800, requester: .system),
             rule: nil, expect: .none),
    ]

    @Test(arguments: defaultCases)
    func defaultPolicyDecisions(_ example: Case) throws {
        let decision = try shippedPolicy("default.json").evaluate(example.facts)
        #expect(decision.ruleName == example.rule)
        #expect(Self.summary(decision.outcome) == example.expect)
        #expect(decision.trace.filter { $0.result == .matched }.map(\.ruleName) == (example.rule.map { [$0] } ?? []))
    }

    static let contrastCases: [(policy: String, facts: PolicyFacts, expect: Expect)] = [
        ("strict.json", .make(daysSinceExpiry: 5), .grant(14, "grant.courtesy")),
        ("strict.json", .make(daysSinceExpiry: 5, remaining: 20_000), .refer(14, "refer.needs_review")),
        ("strict.json", .make(daysSinceExpiry: 14), .refer(14, "refer.needs_review")),
        ("strict.json", .make(daysSinceExpiry: 45), .deny("deny.too_late")),
        ("strict.json", .make(daysSinceExpiry: 5, requester: .redemption), .none),
        ("generous.json", .make(daysSinceExpiry: 14), .grant(90, "grant.courtesy")),
        ("generous.json", .make(daysSinceExpiry: 400), .refer(90, "refer.long_overdue")),
        ("generous.json", .make(daysSinceExpiry: 800), .deny("deny.too_late")),
        ("generous.json", .make(daysSinceExpiry: 45, requester: .redemption), .grant(30, "grant.soft_expiry")),
        ("generous.json", .make(daysSinceExpiry: 0, requester: .system), .grant(90, "grant.proactive")),
    ]

    @Test func strictAndGenerousPoliciesDecideDifferently() throws {
        for example in Self.contrastCases {
            let decision = try shippedPolicy(example.policy).evaluate(example.facts)
            #expect(Self.summary(decision.outcome) == example.expect,
                    "\(example.policy) at \(example.facts.daysSinceExpiry) days: \(decision.explanation)")
        }
    }

    @Test func aGrant_countsFromTheDayAskedWhenLateAndFromExpiryWhenEarly() throws {
        let late = try shippedPolicy("default.json").evaluate(.make(daysSinceExpiry: 14))
        #expect(late.outcome == .grant(days: 30, newLastValidDay: date("2026-05-16"), messageKey: "grant.courtesy"))
        let early = try shippedPolicy("generous.json").evaluate(.make(daysSinceExpiry: 0, requester: .system))
        #expect(early.outcome == .grant(days: 90, newLastValidDay: date("2026-07-01"), messageKey: "grant.proactive"))
    }

    @Test func aDenial_explainsKindlyWithTheAlternative() throws {
        let decision = try shippedPolicy("default.json").evaluate(.make(daysSinceExpiry: 400))
        #expect(decision.outcome == .deny(messageKey: "deny.too_late",
                                          alternative: Alternative(messageKey: "alternative.rebooking_discount", percent: 20)))
        #expect(decision.explanation.contains("expired 400 days ago"))
        #expect(decision.explanation.contains("Alternative: Offer 20% off a new voucher."))
    }

    @Test func aGrantUntilADate_resolvesToDaysOrStepsAsideWhenAlreadyPast() throws {
        let json = """
        {"id": "until", "version": 1, "description": "d", "jurisdiction": "any",
         "limits": {"max_extensions_per_voucher": 1, "max_total_extension_days": 365, "monthly_goodwill_budget": {"SEK": 10000000}},
         "rules": [{"name": "to end of summer", "conditions": [{"fact": "voucher_kind", "equals": "experience"}],
                    "outcome": {"kind": "grant", "until": "2026-08-31"}},
                   {"name": "otherwise", "outcome": {"kind": "refer", "suggested_days": 0, "reason": "refer.needs_review"}}]}
        """
        let policy = try PolicyLoader.load(data: Data(json.utf8), fileName: "until.json", hasher: fakeHasher)
        let summer = policy.evaluate(.make(daysSinceExpiry: 14))
        #expect(summer.outcome == .grant(days: 137, newLastValidDay: date("2026-08-31"), messageKey: "grant.courtesy"))

        var late = PolicyFacts.make(daysSinceExpiry: 0)
        late.lastValidDay = date("2026-09-30")
        late.asOf = date("2026-09-30")
        let decision = policy.evaluate(late)
        #expect(decision.ruleName == "otherwise")
        #expect(decision.trace[0].result == .notApplicable(reason: "grants until 2026-08-31, which is not after 2026-09-30"))
    }

    @Test func aDecision_roundTripsThroughJSONForStorage() throws {
        let decision = try shippedPolicy("default.json").evaluate(.make(daysSinceExpiry: 400))
        let data = try JSONEncoder().encode(decision)
        #expect(try JSONDecoder().decode(PolicyDecision.self, from: data) == decision)
    }

    @Test func simulation_totalsOutcomesByRule() throws {
        let summary = try shippedPolicy("default.json").simulate(Self.defaultCases.map(\.facts))
        #expect(summary.cases == 15)
        #expect(summary.grants == 5)
        #expect(summary.refers == 4)
        #expect(summary.denials == 3)
        #expect(summary.noRuleMatched == 3)
        #expect(summary.daysGranted == 30 + 30 + 60 + 7 + 30)
        #expect(summary.decisionsByRule["recently expired, first time"] == 2)
        let extended: Int64? = summary.valueExtended["SEK"]
        #expect(extended == Int64(5 * 60_000))
    }

    @Test(arguments: [(100_000 as Int64, 100_000 as Int64, 0), (60_000, 100_000, 40), (0, 100_000, 100),
                      (1, 3, 66), (5, 0, 0), (Int64.max / 2, Int64.max, 50)])
    func fractionUsed_isWholePercentRoundedDown(remaining: Int64, original: Int64, percent: Int) {
        #expect(PolicyFacts.make(remaining: remaining, original: original).fractionUsedPercent == percent)
    }

    static func summary(_ outcome: PolicyOutcome) -> Expect {
        switch outcome {
        case .grant(let days, _, let key): return .grant(days, key)
        case .refer(let days, let key): return .refer(days, key)
        case .deny(let key, _): return .deny(key)
        case .noRuleMatched: return .none
        }
    }
}
