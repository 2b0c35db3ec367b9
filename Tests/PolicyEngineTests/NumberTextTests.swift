import Foundation
import Testing
@testable import PolicyEngine

/// JSONDecoder reads `100.00` and `1e3` as the whole numbers 100 and 1000, so a balance meant as
/// 100 SEK validated as 100 öre while `99.50` was refused. A whole-number field written with a
/// point or an exponent is refused, in words that say how to write it; a stored version is read as
/// it was stored.
@Suite struct NumberTextTests {
    static func policy(version: String = "1", budget: String = #"{"SEK": 100}"#, condition: String = #"{"fact": "days_since_expiry", "min": 1}"#,
                       outcome: String = #"{"kind": "grant", "days": 30}"#) -> Data {
        Data("""
            {"id": "numbers", "version": \(version), "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 1, "max_total_extension_days": 365, "monthly_goodwill_budget": \(budget)},
             "rules": [{"name": "late", "conditions": [\(condition)], "outcome": \(outcome)}]}
            """.utf8)
    }

    static func refusal(_ data: Data) -> PolicyLoadError? {
        #expect(throws: PolicyLoadError.self) { try PolicyLoader.load(data: data, fileName: "n.json", hasher: fakeHasher) }
    }

    @Test(arguments: [
        (#"{"fact": "remaining_balance", "min": 100.00}"#, #"condition "remaining_balance".min"#,
         "found 100.00; write minor units as a whole number: 10000 for 100.00 in a currency with two decimals, such as SEK"),
        (#"{"fact": "original_value", "max": 99.50}"#, #"condition "original_value".max"#,
         "found 99.50; write minor units as a whole number: 9950 for 99.50 in a currency with two decimals, such as SEK"),
        (#"{"fact": "goodwill_this_month_value", "equals": 1e3}"#, #"condition "goodwill_this_month_value".equals"#,
         "found 1e3; write minor units as a whole number: 10000 for 100.00 in a currency with two decimals, such as SEK"),
        (#"{"fact": "days_since_expiry", "min": 1e3}"#, #"condition "days_since_expiry".min"#,
         "expected a whole number, found 1e3; write 1000"),
        (#"{"fact": "prior_extension_count", "equals": 0.0}"#, #"condition "prior_extension_count".equals"#,
         "expected a whole number, found 0.0; write 0"),
    ])
    func aConditionWrittenWithAPointOrExponent_isRefused(condition: String, field: String, problem: String) throws {
        let error = Self.refusal(Self.policy(condition: condition))
        #expect(error?.kind == .wrongType)
        #expect(error?.description == "n.json: rule 1 \"late\": \(field): \(problem)")
    }

    /// Whether a fact is money is said in its row of `Fact.all`: each fact the table calls money
    /// (and only those) is described in minor units and gets the minor-units advice.
    @Test func everyMoneyFact_isInMinorUnits_andGetsTheAdvice() throws {
        #expect(Fact.all.filter(\.isMoney).map(\.name) == ["remaining_balance", "original_value", "goodwill_this_month_value"])
        for fact in Fact.all {
            #expect(fact.isMoney == fact.meaning.contains("minor units"), "\(fact.name): \(fact.meaning)")
            guard fact.type == .integer else { continue }
            let error = Self.refusal(Self.policy(condition: #"{"fact": "\#(fact.name)", "min": 100.00}"#))
            #expect(error?.description.contains("write minor units") == fact.isMoney, "\(fact.name): \(error?.description ?? "")")
        }
    }

    @Test func otherWholeNumberFields_areRefusedToo() throws {
        #expect(Self.refusal(Self.policy(version: "2.0"))?.description == "n.json: version: expected a whole number, found 2.0; write 2")
        #expect(Self.refusal(Self.policy(outcome: #"{"kind": "grant", "days": 3E1}"#))?.description
                == "n.json: rule 1 \"late\": outcome.days: expected a whole number, found 3E1; write 30")
        #expect(Self.refusal(Self.policy(budget: #"{"SEK": 5000.00}"#))?.description
                == "n.json: limits.monthly_goodwill_budget.SEK: found 5000.00; write minor units as a whole number: 500000 for 5000.00 SEK")
        #expect(Self.refusal(Self.policy(budget: #"{"JPY": 5000.0}"#))?.description
                == "n.json: limits.monthly_goodwill_budget.JPY: found 5000.0; write minor units as a whole number: 100 for 100 JPY")
        // A fraction that is no whole number at all is still refused as before.
        #expect(Self.refusal(Self.policy(outcome: #"{"kind": "grant", "days": 1.5}"#))?.description
                == "n.json: rule 1 \"late\": outcome.days: expected a whole number, found the number 1.5")
    }

    /// A version a database already holds was read with 100.00 as 100: it still is.
    @Test func aStoredPolicy_isReadAsItWasStored() throws {
        let data = Self.policy(condition: #"{"fact": "remaining_balance", "min": 100.00}"#)
        let policy = try PolicyLoader.load(data: data, fileName: "n.json", hasher: fakeHasher, stored: true)
        #expect(policy.rules[0].conditions[0].tests == [.min(100)])
    }

    /// Numbers in texts, names and whole numbers written plainly are untouched.
    @Test func plainWholeNumbers_andNumbersInTexts_load() throws {
        let data = Data("""
            {"id": "numbers", "version": 3, "description": "1.5 times 1e3", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 1, "max_total_extension_days": 365, "monthly_goodwill_budget": {"SEK": 10000}},
             "rules": [{"name": "rule 1.0", "conditions": [{"fact": "remaining_balance", "min": -0}, {"fact": "days_since_expiry", "min": -10, "max": 30}], "outcome": {"kind": "grant", "days": 30}}]}
            """.utf8)
        let policy = try PolicyLoader.load(data: data, fileName: "n.json", hasher: fakeHasher)
        #expect(policy.rules[0].name == "rule 1.0" && policy.limits.monthlyGoodwillBudget["SEK"] == 10000)
    }
}
