import Foundation
import Testing
@testable import PolicyEngine

/// Every test a condition can make is worded for what it tests, wherever a rule is explained:
/// the decision trace and the loader's refusals.
@Suite struct ConditionWordingTests {
    static func policy(_ conditions: String) throws -> Policy {
        try PolicyLoader.load(data: Data("""
            {"id": "words", "version": 1, "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 365, "monthly_goodwill_budget": {"SEK": 1000000}},
             "rules": [{"name": "tested", "conditions": [\(conditions)], "outcome": {"kind": "refer", "suggested_days": 30, "reason": "refer.needs_review"}}]}
            """.utf8), fileName: "words.json", hasher: fakeHasher)
    }

    /// `equals` on a number was read as min and max, so the trace said "at least 3" for a voucher
    /// with 1 earlier extension, and "at most 3" for one with 5, when the rule wants exactly 3.
    @Test(arguments: [1, 5])
    func aNumberEquals_isExplainedAsExactly(priorExtensions: Int) throws {
        let policy = try Self.policy(#"{"fact": "prior_extension_count", "equals": 3}"#)
        let trace = policy.evaluate(.make(priorExtensions: priorExtensions)).trace[0]
        #expect(trace.result == .conditionFailed(fact: "prior_extension_count", expected: "exactly 3", actual: "\(priorExtensions)"))
        #expect(trace.line == "rule 1 \"tested\": prior_extension_count is \(priorExtensions), needs exactly 3")
        #expect(policy.evaluate(.make(priorExtensions: 3)).trace[0].result == .matched)
    }

    /// One wording per test the language has, as the trace line shows it.
    @Test(arguments: [
        (#"{"fact": "days_since_expiry", "min": 30}"#, "days_since_expiry is 14, needs at least 30"),
        (#"{"fact": "days_since_expiry", "max": 7}"#, "days_since_expiry is 14, needs at most 7"),
        (#"{"fact": "days_since_expiry", "equals": 0}"#, "days_since_expiry is 14, needs exactly 0"),
        (#"{"fact": "requester", "equals": "agent"}"#, #"requester is "holder", needs "agent""#),
        (#"{"fact": "requester", "one_of": ["agent", "system"]}"#, #"requester is "holder", needs one of "agent", "system""#),
        (#"{"fact": "has_open_support_case", "equals": true}"#, "has_open_support_case is false, needs true"),
    ])
    func everyTest_isWordedForWhatItTests(condition: String, line: String) throws {
        let trace = try Self.policy(condition).evaluate(.make(daysSinceExpiry: 14)).trace[0]
        #expect(trace.line == "rule 1 \"tested\": " + line)
    }

    /// A number's `equals` beside `min` or `max` that can never hold together is refused, naming
    /// the tests the file gives (it said "max 5" of a file that has no max).
    @Test(arguments: [
        (#""equals": 5, "min": 7"#, "equals 5 is below min 7, so the condition can never hold"),
        (#""equals": 9, "max": 7"#, "equals 9 is above max 7, so the condition can never hold"),
        (#""min": 8, "max": 7"#, "min 8 is greater than max 7, so the condition can never hold"),
    ])
    func contradictoryNumberTests_areRefusedNamingTheTestsGiven(tests: String, problem: String) throws {
        let error = #expect(throws: PolicyLoadError.self) { try Self.policy(#"{"fact": "days_since_expiry", \#(tests)}"#) }
        #expect(error?.kind == .invalidRange)
        #expect(error?.description == #"words.json: rule 1 "tested": condition "days_since_expiry": "# + problem)
        _ = try Self.policy(#"{"fact": "days_since_expiry", "equals": 7, "min": 7, "max": 7}"#)
    }
}
