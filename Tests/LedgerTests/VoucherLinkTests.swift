import Foundation
import GoodwillCore
import Testing
@testable import Ledger
import Store

/// A voucher's entries are found along `vouchers.last_entry` and `entries.voucher_previous`
/// (migration 13), no longer along an index entry per redemption.
@Suite struct VoucherLinkTests {
    /// Each voucher's entries, read straight from the table in chain order: what the links must give.
    static func idsByScan(_ db: Database, _ voucher: String) throws -> [Int64] {
        try db.query("SELECT id FROM entries WHERE voucher_id = ? ORDER BY id", [.text(voucher)]) { $0.int64(0) }
    }

    @Test func everyKindOfEntry_isLinked_andListedInChainOrder_forEachVoucherApart() throws {
        let f = try LedgerFixture()
        let a = try f.issue(sek(500))
        let b = try f.issue(sek(300))
        let r1 = try f.redeem(a, sek(100))
        try f.redeem(b, sek(50))
        try f.redeem(a, sek(20))
        try f.ledger.perform(.reverse(entryID: r1.entry!.id, reason: "till error"), actor: "t")
        try f.ledger.perform(.block(VoucherReference(b.id), reason: "check"), actor: "t")
        try f.ledger.perform(.adjust(VoucherReference(a.id), amount: sek(-5), reason: "fee"), actor: "t")
        try f.ledger.perform(.unblock(VoucherReference(b.id), reason: nil), actor: "t")
        try f.redeem(b, sek(250))

        let db = f.ledger.db
        for v in [a, b] {
            let listed = try f.ledger.store.entries(of: VoucherID(rawValue: v.id)).map(\.id)
            #expect(listed == (try Self.idsByScan(db, v.id)))
            #expect(try f.ledger.store.lastEntryID(of: VoucherID(rawValue: v.id)) == listed.last)
        }
        #expect(try f.ledger.store.entries(of: VoucherID(rawValue: a.id)).map(\.kind) == [.issued, .redeemed, .redeemed, .redemptionReversed, .adjusted])
        #expect(try f.ledger.store.entries(of: VoucherID(rawValue: b.id)).map(\.kind) == [.issued, .redeemed, .blocked, .unblocked, .redeemed])
        // The first entry of each voucher links to none; every other to its voucher's entry before it.
        #expect(try db.query("SELECT voucher_previous FROM entries ORDER BY id") { $0.optionalInt64(0) }
                == [nil, nil, 1, 2, 3, 5, 4, 6, 7, 9])
        #expect(try f.ledger.store.entries(of: VoucherID(rawValue: "vch_none")).isEmpty)
        #expect(try f.ledger.verify().ok)
    }

    /// A link changed behind the ledger's back (the entries listing would skip or repeat entries)
    /// is named by `verify`, as is a voucher row naming the wrong newest entry.
    @Test func aDamagedLink_isNamedByVerify() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500))
        try f.redeem(v, sek(100))
        try f.redeem(v, sek(100))
        #expect(try f.ledger.verify().ok)
        try f.ledger.db.execute("DROP TRIGGER entries_no_update")
        try f.ledger.db.execute("UPDATE entries SET voucher_previous = 1 WHERE id = 3")
        let skipped = try f.ledger.verify()
        #expect(skipped.discrepancies == ["entry 3 (redeemed on \(v.id)): links back to entry 1 as its voucher's entry before it, but that is entry 2; the voucher's entries would be listed wrongly"])
        // The listing follows the links as they are; `verify` is what tells.
        #expect(try f.ledger.store.entries(of: VoucherID(rawValue: v.id)).map(\.id) == [1, 3])

        try f.ledger.db.execute("UPDATE entries SET voucher_previous = 2 WHERE id = 3")
        try f.ledger.db.execute("UPDATE vouchers SET last_entry = 2")
        #expect(try f.ledger.verify().discrepancies == ["voucher \(v.id): names entry 2 as its newest, but that is entry 3; its entries would be listed wrongly"])
        // A link forward (a cycle) ends the walk instead of looping.
        try f.ledger.db.execute("UPDATE vouchers SET last_entry = 3")
        try f.ledger.db.execute("UPDATE entries SET voucher_previous = 3 WHERE id = 2")
        #expect(try f.ledger.store.entries(of: VoucherID(rawValue: v.id)).map(\.id) == [2, 3])
        #expect(!(try f.ledger.verify().ok))
    }

    /// Migration 13 links the entries a book already holds, keeps them append-only, and leaves
    /// redemptions out of `entries_voucher`.
    @Test func migration13_linksTheEntriesABookHolds() throws {
        let temp = TemporaryDatabase()
        let db = try Database(path: temp.path)
        try Migrator.migrate(db, migrations: Schema.migrations.filter { $0.version <= 12 }, now: Date())
        try db.execute("""
            INSERT INTO vouchers (id, code, code_key, issuer, kind, status, currency, value, balance, issued_at, time_zone) VALUES
                ('vch_a', 'A', 'A', 'default', 'gift_card', 'active', 'SEK', 100, 70, 0, 'UTC'),
                ('vch_b', 'B', 'B', 'default', 'gift_card', 'active', 'SEK', 100, 90, 0, 'UTC'),
                ('vch_c', 'C', 'C', 'default', 'gift_card', 'active', 'SEK', 100, 100, 0, 'UTC');
            INSERT INTO entries (id, voucher_id, kind, amount, balance_after, currency, at, actor, status_after, prev_hash, hash) VALUES
                (1, 'vch_a', 'issued', 100, 100, 'SEK', 0, 't', 'active', x'00', x'01'),
                (2, 'vch_b', 'issued', 100, 100, 'SEK', 0, 't', 'active', x'01', x'02'),
                (3, 'vch_a', 'redeemed', -10, 90, 'SEK', 0, 't', 'active', x'02', x'03'),
                (4, 'vch_c', 'issued', 100, 100, 'SEK', 0, 't', 'active', x'03', x'04'),
                (5, 'vch_a', 'redeemed', -20, 70, 'SEK', 0, 't', 'active', x'04', x'05'),
                (6, 'vch_b', 'redeemed', -10, 90, 'SEK', 0, 't', 'active', x'05', x'06'),
                (7, 'vch_a', 'blocked', 0, 70, 'SEK', 0, 't', 'blocked', x'06', x'07');
            """)
        let before = try db.query("SELECT json_array(id, voucher_id, kind, amount, balance_after, hex(hash)) FROM entries ORDER BY id") { $0.text(0) }
        try Migrator.migrate(db, now: Date())
        #expect(try db.query("SELECT json_array(id, voucher_id, kind, amount, balance_after, hex(hash)) FROM entries ORDER BY id") { $0.text(0) } == before)
        #expect(try db.query("SELECT voucher_previous FROM entries ORDER BY id") { $0.optionalInt64(0) } == [nil, nil, 1, nil, 3, 2, 5])
        #expect(try db.query("SELECT last_entry FROM vouchers ORDER BY seq") { $0.optionalInt64(0) } == [7, 6, 4])
        let store = LedgerStore(db)
        #expect(try store.entries(of: VoucherID(rawValue: "vch_a")).map(\.id) == [1, 3, 5, 7])
        #expect(try db.scalarText("SELECT sql FROM sqlite_schema WHERE name = 'entries_voucher'")?.hasSuffix("WHERE kind <> 'redeemed'") == true)
        #expect(throws: DatabaseError.self) { try db.run("UPDATE entries SET voucher_previous = NULL WHERE id = 3") }
        #expect(try db.scalarText("PRAGMA integrity_check") == "ok")
    }

    /// The queries that look for a voucher's rare entries by kind keep their index: they name
    /// the partial index's term.
    @Test func theExpiryInForce_isFoundAlongThePartialIndex() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500))
        try f.redeem(v, sek(1))
        let plan = try f.ledger.db.query("EXPLAIN QUERY PLAN " + LedgerStore.expiryInForceSQL, [.text(v.id), .integer(2)]) { $0.text(3) }
            .joined(separator: "; ")
        #expect(plan == "SEARCH entries USING INDEX entries_voucher (voucher_id=? AND id<?)", "\(plan)")
        #expect(try f.ledger.store.expiry(of: VoucherID(rawValue: v.id), asOfEntry: 2)?.lastValidDay
                == f.ledger.store.voucher(id: VoucherID(rawValue: v.id))?.expiry?.lastValidDay)
    }

    /// A `goodwill` from before migration 13 still running (a `serve` started before the upgrade)
    /// writes entries without a link, which could not be corrected afterwards: such an entry is
    /// refused and nothing is stored. Its issues go through and stay listed.
    @Test func anOlderGoodwillStillWriting_isRefused_andItsIssuesStayListed() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500))
        try f.redeem(v, sek(100))
        let db = f.ledger.db
        // What the older binary's INSERT writes for a redemption: every column but the link.
        let refused = #expect(throws: DatabaseError.self) {
            try db.run("""
                INSERT INTO entries (id, voucher_id, kind, amount, balance_after, currency, at, actor, status_after, prev_hash, hash)
                VALUES (3, ?, 'redeemed', -1000, 39000, 'SEK', 0, 'old', 'active', x'00', x'00')
                """, [.text(v.id)])
        }
        #expect(refused?.message.contains("a goodwill older than this database (migration 13) is writing to it") == true, "\(String(describing: refused))")
        #expect(try db.scalarInt("SELECT count(*) FROM entries") == 2)

        // An issue by the older binary leaves the voucher's last_entry empty (as this one now).
        let old = try f.issue(sek(200))
        try db.run("UPDATE vouchers SET last_entry = NULL WHERE id = ?", [.text(old.id)])
        let oldID = VoucherID(rawValue: old.id)
        #expect(try f.ledger.store.entries(of: oldID).map(\.id) == [3])
        #expect(try f.ledger.store.lastEntryID(of: oldID) == 3)
        #expect(try f.ledger.verify().ok)
        // The next write links to the issue and fills last_entry in.
        try f.redeem(old, sek(50))
        #expect(try f.ledger.store.entries(of: oldID).map(\.id) == [3, 4])
        #expect(try db.scalarInt("SELECT last_entry FROM vouchers WHERE id = ?", [.text(old.id)]) == 4)
        #expect(try f.ledger.verify().ok)
    }
}
