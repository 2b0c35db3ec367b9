import Foundation
import Testing
import GoodwillCore
@testable import PolicyEngine

/// A `jurisdiction` condition on "se" or "Sweden" validated and silently never held: the fact is
/// an upper-case code (SE, US-CA), or "any" where no jurisdiction is set.
@Suite struct JurisdictionConditionTests {
    static func policy(_ test: String) -> Data {
        Data("""
            {"id": "j", "version": 1, "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 365, "monthly_goodwill_budget": {"SEK": 100}},
             "rules": [{"name": "swedish", "conditions": [{"fact": "jurisdiction", \(test)}], "outcome": {"kind": "refer", "suggested_days": 0, "reason": "refer.needs_review"}}]}
            """.utf8)
    }

    @Test(arguments: [
        (#""equals": "se""#, "equals", "se"), (#""one_of": ["SE", "Sweden"]"#, "one_of", "Sweden"),
        (#""equals": "US-ca""#, "equals", "US-ca"), (#""equals": "ANY""#, "equals", "ANY"),
    ])
    func aValueThatIsNoJurisdictionCode_isRefused(test: String, key: String, value: String) throws {
        let error = #expect(throws: PolicyLoadError.self) { try PolicyLoader.load(data: Self.policy(test), fileName: "j.json", hasher: fakeHasher) }
        #expect(error?.kind == .invalidValue)
        #expect(error?.description == "j.json: rule 1 \"swedish\": condition \"jurisdiction\".\(key): \"\(value)\" is not a jurisdiction code; codes are upper case like SE, US-CA (or \"any\", where no jurisdiction is set)")
        _ = try PolicyLoader.load(data: Self.policy(test), fileName: "j.json", hasher: fakeHasher, stored: true)
    }

    @Test func codesAndAny_load_andHold() throws {
        let policy = try PolicyLoader.load(data: Self.policy(#""one_of": ["SE", "US-CA", "any"]"#), fileName: "j.json", hasher: fakeHasher)
        #expect(policy.evaluate(.make()).ruleName == "swedish")
    }
}
