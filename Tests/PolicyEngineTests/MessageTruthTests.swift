import Foundation
import Testing
import GoodwillCore
@testable import PolicyEngine

/// Explanations showed a raw `{limit}` (a rule using a key meant for when a limit stops a grant)
/// and "expired -9 days ago" (a grant's text assuming the voucher has expired, when the rule
/// matched before). The keys for limits are refused in rules; texts that speak of the expiry have
/// words that are true for a voucher that has not expired yet.
@Suite struct MessageTruthTests {
    static func policy(_ outcome: String, condition: String = #"{"fact": "days_since_expiry", "min": -30}"#) -> Data {
        Data("""
            {"id": "words", "version": 1, "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 365, "monthly_goodwill_budget": {"SEK": 10000000}},
             "rules": [{"name": "any time", "conditions": [\(condition)], "outcome": \(outcome)}]}
            """.utf8)
    }

    @Test(arguments: [
        (#"{"kind": "refer", "suggested_days": 30, "reason": "refer.limit_reached"}"#, "outcome.reason", "refer.limit_reached"),
        (#"{"kind": "deny", "message": "deny.limit_reached"}"#, "outcome.message", "deny.limit_reached"),
        (#"{"kind": "deny", "message": "deny.budget_reached"}"#, "outcome.message", "deny.budget_reached"),
    ])
    func aKeyForLimits_isRefusedInARule(outcome: String, field: String, key: String) throws {
        let error = #expect(throws: PolicyLoadError.self) { try PolicyLoader.load(data: Self.policy(outcome), fileName: "w.json", hasher: fakeHasher) }
        #expect(error?.field == field)
        #expect(error?.description.hasPrefix("w.json: rule 1 \"any time\": \(field): \"\(key)\" is reserved for when a limit stops a grant (it names the limit); ") == true,
                "\(error?.description ?? "")")
        #expect(error?.description.contains("refer.needs_review") == true || error?.description.contains("deny.too_late") == true)
        // Listed as known keys nowhere a rule can use them.
        let unknown = #expect(throws: PolicyLoadError.self) {
            try PolicyLoader.load(data: Self.policy(#"{"kind": "deny", "message": "deny.nope"}"#), fileName: "w.json", hasher: fakeHasher)
        }
        #expect(unknown?.description.contains("limit_reached") == false, "\(unknown?.description ?? "")")
        // A version a database already holds is read as it was stored.
        _ = try PolicyLoader.load(data: Self.policy(outcome), fileName: "w.json", hasher: fakeHasher, stored: true)
    }

    /// A grant rule that also matches before expiry: its words do not say the voucher expired.
    @Test(arguments: ["grant.courtesy", "grant.soft_expiry"], [-9, 0])
    func aGrantBeforeExpiry_doesNotSayTheVoucherExpired(key: String, daysSinceExpiry: Int) throws {
        let policy = try PolicyLoader.load(data: Self.policy(#"{"kind": "grant", "days": 30, "message": "\#(key)"}"#), fileName: "w.json", hasher: fakeHasher)
        let decision = policy.evaluate(.make(daysSinceExpiry: daysSinceExpiry))
        let text = decision.explanation
        #expect(!text.contains("ago") && !text.contains("after expiry") && !text.contains(" \(daysSinceExpiry) days"), "\(text)")
        #expect(text.contains("has not expired yet (last valid day 2026-04-02)"), "\(text)")
        #expect(text.contains("2026-05-02") || text.contains("30 days"), "\(text)")
        // After expiry, the words are the catalogue's.
        let late = policy.evaluate(.make(daysSinceExpiry: 9)).explanation
        #expect(late.contains("9 days"), "\(late)")
    }

    /// Every text that counts days since expiry has words for a voucher not expired yet, and those
    /// do not count them; a refer or deny before expiry reads true too.
    @Test func everyTextThatCountsDaysSinceExpiry_hasWordsForBeforeIt() throws {
        for (key, text) in MessageCatalog.english where text.contains("{days_since_expiry}") {
            let before = try #require(MessageCatalog.beforeExpiry[key], "\(key)")
            #expect(!before.contains("{days_since_expiry}") && before.contains("{last_valid_day}"), "\(key)")
            let placeholders = { (t: String) in Set(t.split(separator: "{").dropFirst().compactMap { $0.split(separator: "}").first.map(String.init) }) }
            #expect(placeholders(before).subtracting(["last_valid_day"]).isSubset(of: placeholders(text)), "\(key)")
        }
        #expect(Set(MessageCatalog.beforeExpiry.keys).isSubset(of: Set(MessageCatalog.keys)))
        let deny = try PolicyLoader.load(data: Self.policy(#"{"kind": "deny", "message": "deny.too_late"}"#), fileName: "w.json", hasher: fakeHasher)
        #expect(!deny.evaluate(.make(daysSinceExpiry: -3)).explanation.contains("-3"))
    }
}
