import Foundation
import GoodwillCore
import Testing
@testable import PolicyEngine

/// "No rule matched" means something different for each requester (Policies/README.md): for a
/// holder or agent a person decides; the expiry sweep only records the expiry; at the till the
/// expired voucher is refused. The explanation says which.
struct NoRuleWordingTests {
    /// The default policy has no rule for a redemption or the sweep 20 days after expiry.
    @Test(arguments: [
        (Requester.redemption, "at the till an expired voucher is refused"),
        (Requester.system, "the expiry sweep records the expiry"),
    ])
    func noRule_forTheTillOrTheSweep_saysWhatHappens_notThatAPersonDecides(_ requester: Requester, _ words: String) throws {
        let decision = try shippedPolicy("default.json").evaluate(.make(daysSinceExpiry: 20, requester: requester))
        #expect(decision.outcome == .noRuleMatched)
        #expect(decision.explanation.contains(words), "\(decision.explanation)")
        #expect(!decision.explanation.contains("person"), "\(decision.explanation)")
    }

    @Test(arguments: [Requester.holder, .agent])
    func noRule_forAHolderOrAgent_saysAPersonDecides(_ requester: Requester) throws {
        let policy = try PolicyLoader.load(data: Data("""
            {"id": "narrow", "version": 1, "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 1, "max_total_extension_days": 60,
                        "monthly_goodwill_budget": {"SEK": 1000000}, "when_exceeded": "refer"},
             "rules": [{"name": "first week", "conditions": [{"fact": "days_since_expiry", "min": 1, "max": 7}],
                        "outcome": {"kind": "grant", "days": 30}}]}
            """.utf8), fileName: "narrow.json", hasher: fakeHasher)
        let decision = policy.evaluate(.make(daysSinceExpiry: 20, requester: requester))
        #expect(decision.outcome == .noRuleMatched)
        #expect(decision.explanation == "Policy narrow v1: " + MessageCatalog.english["refer.no_rule_matched"]!)
    }

    /// The words come from the catalog, by key, as every other explanation's do; a policy cannot
    /// use the no-rule keys for a rule of its own (they belong to no outcome).
    @Test func theNoRuleKeys_areInTheCatalog_andBelongToNoOutcome() {
        for requester in Requester.allCases {
            let key = MessageCatalog.noRuleMatchedKey(for: requester)
            #expect(MessageCatalog.isKnown(key), "\(key)")
        }
        #expect(MessageCatalog.group(of: MessageCatalog.noRuleMatchedKey(for: .redemption)) == nil)
        #expect(MessageCatalog.group(of: MessageCatalog.noRuleMatchedKey(for: .system)) == nil)
        #expect(MessageCatalog.noRuleMatchedKey(for: .holder) == "refer.no_rule_matched")
    }

    /// The CLI's decision line says the short form; each requester has one, and the till's and
    /// the sweep's texts say the same words.
    @Test func everyRequester_hasTheShortForm_itsTextSays() {
        for requester in Requester.allCases {
            let key = MessageCatalog.noRuleMatchedKey(for: requester)
            let short = MessageCatalog.noRuleMatchedShort(for: requester)
            #expect(MessageCatalog.noRuleShort[key] == short, "\(requester)")
            if requester == .redemption || requester == .system {
                #expect(MessageCatalog.english[key]?.contains(", so \(short)") == true, "\(key)")
            }
        }
        #expect(MessageCatalog.noRuleMatchedShort(for: .holder) == "a person decides")
        #expect(MessageCatalog.noRuleMatchedShort(for: .redemption) == "at the till an expired voucher is refused")
        #expect(MessageCatalog.noRuleMatchedShort(for: .system) == "the expiry sweep records the expiry")
    }
}
