import Foundation
import Testing
@testable import PolicyEngine

/// A policy of 8,213 rules took 15 s to validate (every rule is compared with every earlier one)
/// and held up the API while it did. The loader takes at most `PolicyLoader.maxRules` rules and
/// says so; a policy at the limit loads.
@Suite struct RuleCountLimitTests {
    /// `count` rules none of which shadows another: each refers one day since expiry.
    static func policy(rules count: Int) -> Data {
        let rules = (0..<count).map { n in
            #"{"name": "day \#(n)", "conditions": [{"fact": "days_since_expiry", "equals": \#(n)}], "outcome": {"kind": "refer", "suggested_days": 7, "reason": "refer.needs_review"}}"#
        }
        return Data(("""
            {"id": "many", "version": 1, "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 1, "max_total_extension_days": 365, "monthly_goodwill_budget": {"SEK": 100}},
             "rules": [
            """ + rules.joined(separator: ",\n") + "]}").utf8)
    }

    @Test func aPolicyAboveTheLimit_isRefused_namingTheLimit() throws {
        let error = #expect(throws: PolicyLoadError.self) {
            try PolicyLoader.load(data: Self.policy(rules: PolicyLoader.maxRules + 1), fileName: "many.json", hasher: fakeHasher)
        }
        #expect(error?.kind == .invalidValue)
        #expect(error?.field == "rules")
        #expect(error?.description == "many.json: rules: has \(PolicyLoader.maxRules + 1) rules, more than the \(PolicyLoader.maxRules) a policy may have; combine rules that decide alike (a condition takes a range or a list)")
    }

    @Test func aPolicyAtTheLimit_loads() throws {
        let policy = try PolicyLoader.load(data: Self.policy(rules: PolicyLoader.maxRules), fileName: "many.json", hasher: fakeHasher)
        #expect(policy.rules.count == PolicyLoader.maxRules)
    }

    /// A version a database already holds is read as it was stored, as with every check added since.
    @Test func aStoredPolicyAboveTheLimit_isReadAsStored() throws {
        let policy = try PolicyLoader.load(data: Self.policy(rules: PolicyLoader.maxRules + 1), fileName: "many.json", hasher: fakeHasher, stored: true)
        #expect(policy.rules.count == PolicyLoader.maxRules + 1)
    }
}
