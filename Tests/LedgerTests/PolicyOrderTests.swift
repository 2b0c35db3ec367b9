import Foundation
import GoodwillCore
@testable import Ledger
import PolicyEngine
import Store
import Testing

/// A rule after one that decides all its cases is refused when a policy is validated or activated,
/// but a version the database stored before that check keeps deciding as it did.
@Suite struct PolicyOrderTests {
    static let shadowed = Data("""
        {"id": "older", "version": 1, "description": "refers everyone", "jurisdiction": "any",
         "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 120, "monthly_goodwill_budget": {"SEK": 100000}},
         "rules": [{"name": "everyone", "outcome": {"kind": "refer", "suggested_days": 30, "reason": "refer.needs_review"}},
                   {"name": "late", "conditions": [{"fact": "days_since_expiry", "min": 1}], "outcome": {"kind": "grant", "days": 30}}]}
        """.utf8)

    @Test func aShadowedRule_isRefusedOnActivation_andNothingIsStored() throws {
        let f = try LedgerFixture()
        let error = ledgerError { try f.ledger.activatePolicy(data: Self.shadowed, fileName: "older.json", actor: "admin") }
        #expect(error?.code == "invalid-policy")
        #expect(error?.description.contains(#"rule 2 "late": can never decide: rule 1 "everyone""#) == true, "\(String(describing: error))")
        #expect(try f.ledger.policyInfos().map(\.id) == ["default"])
    }

    @Test func aVersionStoredBeforeTheCheck_stillDecides() throws {
        let f = try LedgerFixture()
        let v = try f.issue()
        let now = f.clock.now()
        try f.ledger.db.writeTransaction {
            try f.ledger.policies.insert(.init(id: "older", version: 1, hash: Ledger.hasher(Self.shadowed), source: Array(Self.shadowed),
                                               fileName: "older.json", addedAt: now))
            try f.ledger.policies.activate(issuer: f.ledger.configuration.issuer, id: "older", version: 1, at: now, by: "admin")
        }
        #expect(try f.ledger.activePolicy().rules.count == 2)
        let decision = try f.ledger.explainGoodwill(VoucherReference(v.id))
        #expect(decision.outcome == "refer" && decision.rule == "everyone", "\(decision)")
        let info = try #require(try f.ledger.policyInfos().first { $0.id == "older" })
        #expect(info.active && info.rules == 2 && info.description == "refers everyone")
    }
}
