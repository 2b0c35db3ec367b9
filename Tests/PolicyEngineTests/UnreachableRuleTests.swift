import Foundation
import Testing
@testable import PolicyEngine

/// A rule that comes after one deciding every case it covers can never decide. Support staff
/// writing a policy are told, naming both rules, as for a condition that can never hold.
@Suite struct UnreachableRuleTests {
    static func data(_ rules: [String]) -> Data {
        Data("""
            {"id": "order", "version": 1, "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 365, "monthly_goodwill_budget": {"SEK": 1000000}},
             "rules": [\(rules.joined(separator: ", "))]}
            """.utf8)
    }

    static func load(_ rules: [String]) throws(PolicyLoadError) -> Policy {
        try PolicyLoader.load(data: data(rules), fileName: "order.json", hasher: fakeHasher)
    }

    static func rule(_ name: String, _ conditions: String = "", _ outcome: String = refer) -> String {
        #"{"name": "\#(name)", "conditions": [\#(conditions)], "outcome": \#(outcome)}"#
    }

    static let refer = #"{"kind": "refer", "suggested_days": 30, "reason": "refer.needs_review"}"#
    static let deny = #"{"kind": "deny", "message": "deny.too_late"}"#
    static let grant = #"{"kind": "grant", "days": 30}"#
    static let holderOrAgent = #"{"fact": "requester", "one_of": ["holder", "agent"]}"#

    @Test func aRuleAfterACatchAll_isRefused_namingBothRules() throws {
        let error = #expect(throws: PolicyLoadError.self) {
            try Self.load([Self.rule("recently", #"{"fact": "days_since_expiry", "min": 1, "max": 30}"#, Self.grant),
                           Self.rule("everything else"), Self.rule("late", #"{"fact": "days_since_expiry", "min": 366}"#, Self.deny)])
        }
        #expect(error?.kind == .unreachableRule)
        #expect(error?.ruleNumber == 3 && error?.ruleName == "late")
        #expect(error?.description == #"order.json: rule 3 "late": can never decide: rule 2 "everything else" comes before it, has no conditions and so decides every case; move rule 3 above rule 2, or remove it"#)
    }

    /// A grant of days applies wherever its conditions hold, so it decides as a refer or deny does.
    @Test func aRuleAfterAConditionlessGrantOfDays_isRefused() throws {
        let error = #expect(throws: PolicyLoadError.self) { try Self.load([Self.rule("everyone", "", Self.grant), Self.rule("late")]) }
        #expect(error?.kind == .unreachableRule && error?.ruleNumber == 2, "\(String(describing: error))")
    }

    /// The same holds when the earlier rule has conditions, but every case the later one covers
    /// meets them: 1 to 30 days late is inside 1 to 90, a holder is a holder or an agent.
    @Test func aNarrowerRuleAfterABroaderOne_isRefused_namingTheFacts() throws {
        let error = #expect(throws: PolicyLoadError.self) {
            try Self.load([
                Self.rule("expired up to 90 days", Self.holderOrAgent + #", {"fact": "days_since_expiry", "min": 1, "max": 90}"#),
                Self.rule("recently expired", #"{"fact": "requester", "equals": "holder"}, {"fact": "days_since_expiry", "min": 1, "max": 30}, {"fact": "prior_extension_count", "equals": 0}"#, Self.grant),
            ])
        }
        #expect(error?.kind == .unreachableRule)
        #expect(error?.description == #"order.json: rule 2 "recently expired": can never decide: rule 1 "expired up to 90 days" comes before it and decides every case it covers (whenever its conditions hold, so do rule 1's, on requester and days_since_expiry); move rule 2 above rule 1, or remove it"#)
    }

    /// Each of these later rules does decide some case (shown by the facts given), so none may be
    /// called unreachable.
    @Test(arguments: [
        // A grant until a date steps aside once that date has passed.
        ([rule("summer", "", #"{"kind": "grant", "until": "2026-08-31"}"#), rule("late")], PolicyFacts.make(daysSinceExpiry: 200)),
        // The narrower rule first, the broader after: the right order.
        ([rule("recently", #"{"fact": "days_since_expiry", "min": 1, "max": 30}"#, grant), rule("up to 90", #"{"fact": "days_since_expiry", "min": 1, "max": 90}"#)], .make(daysSinceExpiry: 60)),
        // The later rule does not test what the earlier one does.
        ([rule("loyal", #"{"fact": "holder_tenure_days", "min": 730}"#, grant), rule("recently", #"{"fact": "days_since_expiry", "min": 1, "max": 30}"#)], .make(daysSinceExpiry: 14, tenure: 10)),
        // Ranges that overlap without one holding the other.
        ([rule("early", #"{"fact": "days_since_expiry", "min": 1, "max": 30}"#, grant), rule("middle", #"{"fact": "days_since_expiry", "min": 20, "max": 60}"#)], .make(daysSinceExpiry: 45)),
        // The earlier rule is for holders and agents; the later one for anyone, the sweep included.
        ([rule("asked", holderOrAgent, grant), rule("anyone")], .make(requester: .system)),
        // A number's equals is inside a range only when the value is.
        ([rule("first time", #"{"fact": "prior_extension_count", "equals": 0}"#, grant), rule("second time", #"{"fact": "prior_extension_count", "equals": 1}"#)], .make(priorExtensions: 1)),
        // A boolean: the other value.
        ([rule("open case", #"{"fact": "has_open_support_case", "equals": true}"#), rule("no case", #"{"fact": "has_open_support_case", "equals": false}"#, deny)], .make()),
        // A text that is not a closed set: a jurisdiction other than the one tested.
        ([rule("Sweden", #"{"fact": "jurisdiction", "equals": "SE"}"#), rule("elsewhere", #"{"fact": "days_since_expiry", "min": 1}"#)], { var f = PolicyFacts.make(); f.jurisdiction = "DE"; return f }()),
    ] as [([String], PolicyFacts)])
    func aLaterRuleThatCanDecide_isAccepted(rules: [String], facts: PolicyFacts) throws {
        let policy = try Self.load(rules)
        #expect(policy.evaluate(facts).ruleNumber == rules.count, "\(policy.evaluate(facts).trace.map(\.line))")
    }

    /// Every requester is every case: such a condition holds always, like none.
    @Test func aConditionNamingEveryRequester_holdsAlways() throws {
        let every = #"{"fact": "requester", "one_of": ["holder", "agent", "system", "redemption"]}"#
        let error = #expect(throws: PolicyLoadError.self) {
            try Self.load([Self.rule("anyone", every), Self.rule("late", #"{"fact": "days_since_expiry", "min": 1}"#)])
        }
        #expect(error?.kind == .unreachableRule && error?.ruleNumber == 2)
        #expect(error?.description.contains("whenever its conditions hold, so do rule 1's, on requester") == true, "\(String(describing: error))")
    }

    /// A rule whose own conditions contradict each other never decides either, but not because of
    /// the rule before it: it is refused for its own contradiction, not blamed on that rule.
    @Test func aRuleThatContradictsItself_isRefusedForThat_notBlamedOnAnEarlierRule() throws {
        let error = #expect(throws: PolicyLoadError.self) {
            try Self.load([Self.rule("holders", #"{"fact": "requester", "equals": "holder"}"#),
                           Self.rule("both", #"{"fact": "requester", "equals": "holder"}, {"fact": "requester", "equals": "agent"}"#)])
        }
        #expect(error?.kind == .invalidRange && error?.ruleNumber == 2 && error?.field == "condition \"requester\"", "\(error.map(String.init(describing:)) ?? "")")
        #expect(error?.description.contains("contradict each other") == true)
        // Two conditions on one fact that overlap are fine: together they narrow it.
        _ = try Self.load([Self.rule("late", #"{"fact": "days_since_expiry", "min": 1}, {"fact": "days_since_expiry", "max": 30}"#)])
    }

    @Test(arguments: ["default.json", "strict.json", "generous.json"])
    func theShippedPolicies_haveNoUnreachableRule(name: String) throws {
        _ = try shippedPolicy(name)
    }

    /// Bytes a database already holds were accepted before this check; they are read as then, so
    /// that an upgrade does not stop every decision.
    @Test func aStoredPolicy_isReadAsWhenItWasStored() throws {
        let data = Self.data([Self.rule("everything"), Self.rule("late", #"{"fact": "days_since_expiry", "min": 366}"#, Self.deny)])
        #expect(throws: PolicyLoadError.self) { try PolicyLoader.load(data: data, fileName: "s.json", hasher: fakeHasher) }
        let stored = try PolicyLoader.load(data: data, fileName: "s.json", hasher: fakeHasher, stored: true)
        #expect(stored.evaluate(.make(daysSinceExpiry: 400)).ruleNumber == 1)
    }
}
