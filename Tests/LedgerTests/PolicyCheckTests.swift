import Foundation
import GoodwillCore
@testable import Ledger
import Testing

/// Validating against a database says what activating would do there, and refuses what activating
/// would refuse: an id and version already stored with other content. It stores nothing.
@Suite struct PolicyCheckTests {
    static func policy(days: Int, version: Int = 1) -> Data {
        Data("""
            {"id": "tight", "version": \(version), "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 120, "monthly_goodwill_budget": {"SEK": 100000}},
             "rules": [{"name": "late", "conditions": [{"fact": "days_since_expiry", "min": 1}], "outcome": {"kind": "grant", "days": \(days)}}]}
            """.utf8)
    }

    @Test func aNewVersion_isNotStored_andNothingIsStoredByChecking() throws {
        let f = try LedgerFixture()
        let check = try f.ledger.checkPolicy(data: Self.policy(days: 30), fileName: "tight.json")
        #expect(check.policy.id == "tight" && !check.stored && !check.active)
        #expect(try f.ledger.policyInfos().map(\.id) == ["default"])
    }

    @Test func theSameContentAgain_isStoredAndActive() throws {
        let f = try LedgerFixture()
        try f.ledger.activatePolicy(data: Self.policy(days: 30), fileName: "tight.json", actor: "admin")
        let check = try f.ledger.checkPolicy(data: Self.policy(days: 30), fileName: "tight.json")
        #expect(check.stored && check.active)
        try f.ledger.activatePolicy(data: Self.policy(days: 30, version: 2), fileName: "tight.json", actor: "admin")
        let older = try f.ledger.checkPolicy(data: Self.policy(days: 30), fileName: "tight.json")
        #expect(older.stored && !older.active)
    }

    /// A version stored before a later check existed (here: a rule after a catch-all) is read as
    /// stored when decisions use it; rolling back to it from its file is allowed too, for those
    /// very bytes only. Any other file with the same fault is still refused.
    @Test func rollingBackToAVersionStoredBeforeALaterCheck_isAllowed_forThoseBytesOnly() throws {
        let f = try LedgerFixture()
        let old = Data("""
            {"id": "tight", "version": 1, "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 120, "monthly_goodwill_budget": {"SEK": 100000}},
             "rules": [{"name": "all", "outcome": {"kind": "grant", "days": 30}},
                       {"name": "late", "conditions": [{"fact": "days_since_expiry", "min": 1}], "outcome": {"kind": "grant", "days": 60}}]}
            """.utf8)
        #expect(ledgerError { _ = try f.ledger.checkPolicy(data: old, fileName: "tight.json") }?.description.contains("can never decide") == true)
        // As an older version would have stored it, before the check.
        try f.ledger.policies.insert(.init(id: "tight", version: 1, hash: Ledger.hasher(old), source: Array(old), fileName: "tight.json",
                                           addedAt: f.clock.now()))
        try f.ledger.activatePolicy(data: Self.policy(days: 30, version: 2), fileName: "tight.json", actor: "admin")
        let check = try f.ledger.checkPolicy(data: old, fileName: "tight.json")
        #expect(check.stored && !check.active)
        try f.ledger.activatePolicy(data: old, fileName: "tight.json", actor: "admin")
        #expect(try f.ledger.policyInfos().first { $0.active }.map { "\($0.id) v\($0.version)" } == "tight v1")
        var other = old
        other.append(contentsOf: Array(" ".utf8))
        #expect(ledgerError { try f.ledger.activatePolicy(data: other, fileName: "tight.json", actor: "admin") }?.description.contains("can never decide") == true)
    }

    /// The refusal activate would give, before anyone tries: the same words, with the version to use.
    @Test func aChangedFileUnderAStoredVersion_isRefusedAsActivateRefusesIt() throws {
        let f = try LedgerFixture()
        try f.ledger.activatePolicy(data: Self.policy(days: 30), fileName: "tight.json", actor: "admin")
        try f.ledger.activatePolicy(data: Self.policy(days: 30, version: 4), fileName: "tight.json", actor: "admin")
        let checked = ledgerError { _ = try f.ledger.checkPolicy(data: Self.policy(days: 60), fileName: "tight.json") }
        let activated = ledgerError { try f.ledger.activatePolicy(data: Self.policy(days: 60), fileName: "tight.json", actor: "admin") }
        #expect(checked?.code == "invalid-policy")
        #expect(checked == activated)
        #expect(checked?.description == "tight.json: policy tight version 1 is already stored with different content, and a version must keep its meaning, so it cannot be activated. Give the changed policy a new version number: 5 (the highest stored is 4).")
        #expect(try f.ledger.activePolicy().version == 4)
    }
}
