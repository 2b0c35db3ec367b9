import Foundation
import PolicyEngine
import RepositoryFiles
@testable import Store
import Testing
@testable import Ledger

/// Migration 7 brings books that stored the old Danish preset (365 days) to the new one (12 months).
struct JurisdictionMigrationTests {
    /// The preset as shipped until 6 Dec: today's file with the one rule as it was.
    static func oldDanishPreset() throws -> [UInt8] {
        let new = try String(contentsOf: Repository.file("Policies/jurisdictions/DK.json"), encoding: .utf8)
        let rule = "    \"after_expiry_days\": null,\n    \"after_expiry_months\": 12,\n"
        #expect(new.contains(rule))
        return Array(new.replacingOccurrences(of: rule, with: "    \"after_expiry_days\": 365,\n").utf8)
    }

    @Test func theMigrationHoldsTheShippedBytes() throws {
        let sql = Schema.danishPayoutYearMigration.sql
        let file = try Data(contentsOf: Repository.file("Policies/jurisdictions/DK.json"))
        #expect(Array(file) == Array(EmbeddedPolicies.jurisdictions["DK"]!.utf8))
        let hex = { (bytes: [UInt8]) in bytes.map { String(format: "%02x", $0) }.joined() }
        #expect(sql.contains("SET source = X'\(hex(Array(file)))'"))
        #expect(sql.contains("source = X'\(hex(try Self.oldDanishPreset()))';"))
    }

    @Test func aBookWithTheOldDanishPreset_getsTheNewOne_andAnEditedOneIsKept() throws {
        let f = try LedgerFixture()
        let old = try Self.oldDanishPreset()
        var edited = old
        edited += Array(" ".utf8)  // same rule, other bytes: an operator's own file
        // Two issuers' books in one file: one with the old preset, one with an edited copy.
        try f.ledger.db.run("DELETE FROM jurisdiction")
        try f.ledger.db.run("INSERT INTO jurisdiction (issuer, code, source, set_at, set_by) VALUES ('default', 'DK', ?, 0, 'ops')", [.blob(old)])
        try f.ledger.db.run("INSERT INTO jurisdiction (issuer, code, source, set_at, set_by) VALUES ('other', 'DK', ?, 0, 'ops')", [.blob(edited)])
        // As a book of 6 Dec was: migrations up to 6. Only 7 is run again; a later one that adds
        // a column (11) cannot run twice on this file, and none of them is what this is about.
        try f.ledger.db.run("DELETE FROM schema_migrations WHERE version = 7")
        try f.ledger.db.execute("PRAGMA user_version = 6")

        let reopened = try Ledger(path: f.temp.path, clock: f.clock, options: .init(durable: false))
        #expect(try reopened.db.scalarInt("PRAGMA user_version") == Int64(Schema.newestVersion))
        let preset = try #require(try reopened.jurisdiction())
        #expect(preset.code == "DK" && preset.cashOut.afterExpiryMonths == 12 && preset.cashOut.afterExpiryDays == nil)
        #expect(try reopened.policies.jurisdiction(issuer: "default")?.source == Array(EmbeddedPolicies.jurisdictions["DK"]!.utf8))
        #expect(try reopened.policies.jurisdiction(issuer: "other")?.source == edited)
    }

    /// An operator's DK preset edited to both periods (months added, days kept) was read with the
    /// months before the check that now refuses setting one. Stored, it is still read so: issuing,
    /// closing and the reports go on after the upgrade.
    @Test func aStoredPresetWithBothPayoutPeriods_stillLoads_readAsTheMonths() throws {
        let f = try LedgerFixture()
        let both = Array(try String(contentsOf: Repository.file("Policies/jurisdictions/DK.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"after_expiry_days\": null", with: "\"after_expiry_days\": 365").utf8)
        try f.ledger.db.run("DELETE FROM jurisdiction")
        try f.ledger.db.run("INSERT INTO jurisdiction (issuer, code, source, set_at, set_by) VALUES ('default', 'DK', ?, 0, 'ops')", [.blob(both)])
        let reopened = try Ledger(path: f.temp.path, clock: f.clock, options: .init(durable: false))
        let preset = try #require(try reopened.jurisdiction())
        #expect(preset.cashOut.afterExpiryDays == 365 && preset.payoutAfterExpiry()?.length == .months(12))
        #expect(throws: LedgerError.self) { try reopened.setJurisdiction(data: Data(both), actor: "ops") }
    }

    /// A preset set before 7 Dec with "below_minor": 100.00 was read as 100 (JSONDecoder's reading)
    /// and still is: issuing and the payout reports go on. Setting the same bytes again is refused.
    @Test func aStoredPresetWithAWholeNumberWrittenWithAPoint_stillLoads_readAsStored() throws {
        let f = try LedgerFixture()
        let shipped = try String(contentsOf: Repository.file("Policies/jurisdictions/US-CA.json"), encoding: .utf8)
        #expect(shipped.contains("\"below_minor\": 1000,"))
        let pointed = Array(shipped.replacingOccurrences(of: "\"below_minor\": 1000,", with: "\"below_minor\": 10.00,").utf8)
        try f.ledger.db.run("DELETE FROM jurisdiction")
        try f.ledger.db.run("INSERT INTO jurisdiction (issuer, code, source, set_at, set_by) VALUES ('default', 'US-CA', ?, 0, 'ops')", [.blob(pointed)])
        let reopened = try Ledger(path: f.temp.path, clock: f.clock, options: .init(durable: false))
        let preset = try #require(try reopened.jurisdiction())
        #expect(preset.cashOut.thresholds.map(\.belowMinor) == [10, 1500])
        #expect(throws: LedgerError.self) { try reopened.setJurisdiction(data: Data(pointed), actor: "ops") }
        #expect(try reopened.policies.jurisdiction(issuer: "default")?.source == pointed)
    }
}
