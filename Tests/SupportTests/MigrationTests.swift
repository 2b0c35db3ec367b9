import Foundation
import GoodwillCore
import Store
@testable import Support
import Testing

@Suite struct SupportMigrationTests {
    /// A new empty folder for one test's database; the test removes it.
    static func folder() -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("goodwill-mig-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A database in `folder` with the migrations up to `version` applied, as a book made then was.
    static func book(in folder: URL, upTo version: Int) throws -> Database {
        let db = try Database(path: folder.appendingPathComponent("m.db").path)
        try Migrator.migrate(db, migrations: Schema.migrations.filter { $0.version <= version }, now: Date())
        return db
    }

    /// Migration 5 rebuilds the outbox to allow 'farewell': rows and their attempts survive, and the
    /// foreign keys from reminder_attempts still hold.
    @Test func migration5_keepsTheOutboxAndItsAttempts() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try Self.book(in: folder, upTo: 3)
        try db.execute("""
            INSERT INTO vouchers (id, code, code_key, issuer, kind, status, currency, value, balance, issued_at, time_zone)
                VALUES ('vch_a', 'A', 'A', 'default', 'gift_card', 'active', 'SEK', 100, 100, 0, 'UTC');
            INSERT INTO reminder_outbox (message_id, voucher_id, kind, recipient_role, send_zone, due_at, created_at, status, next_attempt_at)
                VALUES ('m1', 'vch_a', 'expiry_reminder', 'holder', 'UTC', 0, 0, 'sent', 0);
            INSERT INTO reminder_attempts (outbox_id, at, channel, outcome) VALUES (1, 0, 'maildir', 'sent');
            """)
        try Migrator.migrate(db, now: Date())
        #expect(try db.scalarInt("PRAGMA user_version") == Int64(Schema.newestVersion))
        #expect(try db.query("SELECT message_id, status FROM reminder_outbox") { "\($0.text(0)) \($0.text(1))" } == ["m1 sent"])
        #expect(try db.scalarInt("SELECT count(*) FROM pragma_foreign_key_check") == 0)
        try db.run("""
            INSERT INTO reminder_outbox (message_id, voucher_id, kind, recipient_role, send_zone, due_at, created_at, status, next_attempt_at)
            VALUES ('m2', 'vch_a', 'farewell', 'holder', 'UTC', 0, 0, 'pending', 0)
            """)
        // The attempts still point at their row: deleting it is refused.
        #expect(throws: DatabaseError.self) { try db.run("DELETE FROM reminder_outbox WHERE id = 1") }
    }

    /// Migration 6 orders the report indexes anew (see Schema.reportIndexOrderMigration): a
    /// database made before it keeps its rows, and its indexes get the new columns.
    @Test func migration6_redefinesTheReportIndexes_andKeepsTheRows() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try Self.book(in: folder, upTo: 5)
        let columns = { (index: String) in try db.query("SELECT name FROM pragma_index_info(?) ORDER BY seqno", [.text(index)]) { $0.text(0) } }
        #expect(try columns("vouchers_liability") == ["status", "currency", "last_valid_day", "expires_at", "balance"])
        try db.execute("""
            INSERT INTO vouchers (id, code, code_key, issuer, kind, status, currency, value, balance, issued_at, time_zone)
                VALUES ('vch_a', 'A', 'A', 'default', 'gift_card', 'active', 'SEK', 100, 60, 0, 'UTC'),
                       ('vch_b', 'B', 'B', 'default', 'gift_card', 'active', 'EUR', 900, 900, 0, 'UTC');
            INSERT INTO entries (id, voucher_id, kind, amount, balance_after, currency, at, actor, status_after, prev_hash, hash)
                VALUES (1, 'vch_a', 'issued', 100, 100, 'SEK', 0, 't', 'active', x'00', x'01'),
                       (2, 'vch_a', 'redeemed', -40, 60, 'SEK', 0, 't', 'active', x'01', x'02');
            """)
        let sums = { try db.query("SELECT currency, kind, sum(amount) FROM entries GROUP BY 1, 2") { "\($0.text(0)) \($0.text(1)) \($0.int64(2))" }
            + db.query("SELECT currency, sum(balance) FROM vouchers WHERE status = 'active' GROUP BY 1") { "\($0.text(0)) \($0.int64(1))" } }
        let before = try sums()
        try Migrator.migrate(db, migrations: Schema.migrations.filter { $0.version <= 6 }, now: Date())
        #expect(try columns("vouchers_liability") == ["status", "currency", "last_valid_day", "expires_at", "seq", "balance"])
        #expect(try columns("entries_kind") == ["kind", "currency", "id", "amount"])
        #expect(try sums() == before)
        #expect(before == ["SEK issued 100", "SEK redeemed -40", "EUR 900", "SEK 60"])
        #expect(try db.scalarText("PRAGMA integrity_check") == "ok")
    }

    /// Migration 14 drops `vouchers_liability` (a page on every redemption, see
    /// Schema.reportScanMigration): the rows stay, and the liability report, which reads the
    /// table now, gives the same lines as it did through the index.
    @Test func migration14_dropsTheLiabilityIndex_andTheReportReadsTheSameBalances() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try Self.book(in: folder, upTo: 13)
        try db.execute("""
            INSERT INTO vouchers (id, code, code_key, issuer, kind, status, currency, value, balance, issued_at, last_valid_day, expires_at, time_zone)
                VALUES ('vch_a', 'A', 'A', 'default', 'gift_card', 'active', 'SEK', 100, 60, 0, '2027-01-31', 1801000000000, 'UTC'),
                       ('vch_b', 'B', 'B', 'default', 'gift_card', 'blocked', 'SEK', 900, 900, 0, '2027-01-05', 1799000000000, 'UTC'),
                       ('vch_c', 'C', 'C', 'default', 'gift_card', 'expired', 'SEK', 500, 500, 0, '2020-01-05', 1578000000000, 'UTC'),
                       ('vch_d', 'D', 'D', 'default', 'gift_card', 'active', 'EUR', 700, 300, 0, NULL, NULL, 'UTC');
            """)
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'vouchers_liability'") == 1)
        let liability = { try db.query(SupportService.liabilitySQL, [.integer(1_700_000_000_000)]) { "\($0.text(0)) \($0.text(1)) \($0.int(2)) \($0.int64(3))" } }
        let before = try liability()
        #expect(before == ["EUR none 1 300", "SEK 2027-01 2 960"])
        try Migrator.migrate(db, now: Date())
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'vouchers_liability'") == 0)
        #expect(try liability() == before)
        #expect(try db.scalarInt("SELECT count(*) FROM vouchers") == 4)
        #expect(try db.scalarText("PRAGMA integrity_check") == "ok")
    }

    /// A book on which `vouchers_liability` was already dropped by hand (the benchmark's
    /// PRE_SERVE_SQL experiment) migrates to 14 as well, instead of every command failing on it.
    @Test func migration14_alsoMigratesABookWithoutTheIndex() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try Self.book(in: folder, upTo: 13)
        try db.execute("DROP INDEX vouchers_liability")
        try Migrator.migrate(db, now: Date())
        #expect(try db.scalarInt("PRAGMA user_version") == Int64(Schema.newestVersion))
        #expect(try db.scalarText("PRAGMA integrity_check") == "ok")
    }

    /// Migration 8 moves the API's other writes from `http:<key name>` to the key name, where the
    /// ledger keeps its commands, so that one key names one request. A key already used for both
    /// (both were carried out) keeps its `http:` record: the API still answers a retry from it.
    @Test func migration8_movesHTTPRecordsToTheKeyName_andKeepsOneThatCollides() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try Self.book(in: folder, upTo: 7)
        try db.execute("""
            INSERT INTO idempotency (scope, key, fingerprint, result, created_at) VALUES
                ('http:desk', 'note-1', x'01', CAST('h1|201|application/json|{}' AS BLOB), 1),
                ('http:desk', 'both', x'02', CAST('h1|201|application/json|{"id":1}' AS BLOB), 2),
                ('desk', 'both', x'03', CAST('v1|vch_a|1|' AS BLOB), 3),
                ('till', 'r-1', x'04', CAST('v1|vch_a|2|' AS BLOB), 4),
                ('cli:anna', 'r-2', x'05', CAST('v1|vch_a|3|' AS BLOB), 5);
            """)
        let rows = { try db.query("SELECT scope, key, hex(fingerprint), created_at FROM idempotency ORDER BY created_at") {
            "\($0.text(0)) \($0.text(1)) \($0.text(2)) \($0.int64(3))" } }
        try Migrator.migrate(db, migrations: Schema.migrations.filter { $0.version <= 8 }, now: Date())
        #expect(try db.scalarInt("PRAGMA user_version") == 8)
        #expect(try rows() == ["desk note-1 01 1", "http:desk both 02 2", "desk both 03 3", "till r-1 04 4", "cli:anna r-2 05 5"])
    }

    /// Migration 9 lets a closed holder come back: each close is a row of its own. A book closed
    /// before it keeps its closures, and they still stand (the holders are still closed); a holder
    /// can then be reopened, close again (a second row), and only one closure stands at a time.
    @Test func migration9_keepsTheClosures_andLetsAHolderComeBackAndCloseAgain() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try Self.book(in: folder, upTo: 8)
        try db.execute("""
            INSERT INTO holders (id, email_key, email, name, first_seen_at) VALUES
                ('hld_k', 'karen@example.dk', 'karen@example.dk', 'Karen', 0), ('hld_e', NULL, NULL, 'Former customer X', 0);
            INSERT INTO vouchers (id, code, code_key, issuer, kind, status, currency, value, balance, issued_at, time_zone, holder_id)
                VALUES ('vch_a', 'A', 'A', 'default', 'gift_card', 'refunded', 'DKK', 100, 0, 0, 'UTC', 'hld_k'),
                       ('vch_b', 'B', 'B', 'default', 'gift_card', 'active', 'DKK', 100, 100, 5, 'UTC', 'hld_k');
            INSERT INTO holder_closures (holder_id, closed_at, closed_by, payout_reference, erased, pseudonym, summary_json) VALUES
                ('hld_k', 2, 'support:maria', 'BANK-1', 0, NULL, '{"k":1}'),
                ('hld_e', 1, 'support:bo', NULL, 1, 'Former customer X', '{"e":1}');
            """)
        try Migrator.migrate(db, now: Date())
        #expect(try db.scalarInt("PRAGMA user_version") == Int64(Schema.newestVersion))
        #expect(try db.query("SELECT holder_id, closed_at, closed_by, coalesce(payout_reference, '-'), erased, summary_json, reopened_at IS NULL FROM holder_closures ORDER BY id") {
            "\($0.text(0)) \($0.int64(1)) \($0.text(2)) \($0.text(3)) \($0.int64(4)) \($0.text(5)) \($0.int64(6))" }
            == ["hld_e 1 support:bo - 1 {\"e\":1} 1", "hld_k 2 support:maria BANK-1 0 {\"k\":1} 1"])
        #expect(try HolderClosures.isClosed(db, HolderID(rawValue: "hld_k")))
        #expect(try HolderClosures.isClosed(db, HolderID(rawValue: "hld_e")))

        // Karen comes back with voucher B, then closes again: two rows, one standing.
        #expect(try HolderClosures.reopen(db, HolderID(rawValue: "hld_k"), at: Date(unixMilliseconds: 5), by: VoucherID(rawValue: "vch_b")))
        #expect(try !HolderClosures.isClosed(db, HolderID(rawValue: "hld_k")))
        #expect(try !HolderClosures.reopen(db, HolderID(rawValue: "hld_k"), at: Date(unixMilliseconds: 6), by: VoucherID(rawValue: "vch_b")))
        try db.run("INSERT INTO holder_closures (holder_id, closed_at, closed_by, erased, summary_json) VALUES ('hld_k', 7, 'support:bo', 0, '{}')")
        #expect(try HolderClosures.isClosed(db, HolderID(rawValue: "hld_k")))
        // A second standing closure is refused by the schema, not by code.
        #expect(throws: DatabaseError.self) {
            try db.run("INSERT INTO holder_closures (holder_id, closed_at, closed_by, erased, summary_json) VALUES ('hld_k', 8, 'x', 0, '{}')")
        }
        #expect(try db.scalarInt("SELECT count(*) FROM holder_closures WHERE holder_id = 'hld_k'") == 2)
        #expect(try db.scalarInt("SELECT count(*) FROM pragma_foreign_key_check") == 0)
        #expect(try db.scalarText("PRAGMA integrity_check") == "ok")
    }

    /// Migration 11 gives outbox rows a cancel time and kind. An old cancelled row gets its kind from
    /// its reason, as the queries read it then ('dropped: …' may come back, anything else will not),
    /// and no time: it was never recorded. Rows, attempts and indexes are kept (the columns are added in place), and from
    /// now on the schema refuses a cancel without a kind and a row back in line that keeps one.
    @Test func migration11_givesOldCancelsTheirKind_andNoTime_andTheSchemaKeepsThemTogether() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try Self.book(in: folder, upTo: 10)
        try db.execute("""
            INSERT INTO vouchers (id, code, code_key, issuer, kind, status, currency, value, balance, issued_at, time_zone)
                VALUES ('vch_a', 'A', 'A', 'default', 'gift_card', 'active', 'SEK', 100, 100, 0, 'UTC');
            INSERT INTO reminder_outbox (message_id, voucher_id, kind, days_before, recipient_role, send_zone, due_at, created_at,
                                         status, next_attempt_at, last_error) VALUES
                ('m1', 'vch_a', 'expiry_reminder', 30, 'holder', 'UTC', 0, 1, 'sent', 0, NULL),
                ('m2', 'vch_a', 'expiry_reminder', 7, 'holder', 'UTC', 0, 2, 'cancelled', 0, 'dropped: the voucher was used, closed, expired or given a new expiry before this went out'),
                ('m3', 'vch_a', 'expiry_reminder', 1, 'holder', 'UTC', 0, 3, 'cancelled', 0, 'superseded by the 1-day reminder'),
                ('m4', 'vch_a', 'gift_notice', 45, 'purchaser', 'UTC', 0, 4, 'cancelled', 0, '[erased]'),
                ('m5', 'vch_a', 'extension_granted', 0, 'holder', 'UTC', 0, 5, 'pending', 0, 'timed out');
            INSERT INTO reminder_attempts (outbox_id, at, channel, outcome, error) VALUES (5, 6, 'webhook', 'temporary', 'timed out');
            """)
        try Migrator.migrate(db, now: Date())
        #expect(try db.scalarInt("PRAGMA user_version") == Int64(Schema.newestVersion))
        #expect(try db.query("""
            SELECT message_id, status, coalesce(cancel_kind, '-'), cancelled_at IS NULL, coalesce(last_error, '-') FROM reminder_outbox ORDER BY id
            """) { "\($0.text(0)) \($0.text(1)) \($0.text(2)) \($0.int64(3)) \($0.text(4))" } == [
            "m1 sent - 1 -",
            "m2 cancelled dropped 1 dropped: the voucher was used, closed, expired or given a new expiry before this went out",
            "m3 cancelled not_needed 1 superseded by the 1-day reminder",
            "m4 cancelled not_needed 1 [erased]",
            "m5 pending - 1 timed out",
        ])
        #expect(try db.scalarInt("SELECT count(*) FROM pragma_foreign_key_check") == 0)
        #expect(throws: DatabaseError.self) { try db.run("DELETE FROM reminder_outbox WHERE id = 5") }
        #expect(try Set(db.query("SELECT name FROM pragma_index_list('reminder_outbox') WHERE origin = 'c'") { $0.text(0) })
                == ["reminder_outbox_due", "reminder_outbox_voucher"])
        #expect(try db.scalarInt("SELECT count(*) FROM pragma_index_list('reminder_outbox') WHERE origin = 'u'") == 2)

        // A cancel must say its kind; a row back in line must not keep one, nor a cancel time.
        #expect(throws: DatabaseError.self) { try db.run("UPDATE reminder_outbox SET status = 'cancelled' WHERE id = 1") }
        #expect(throws: DatabaseError.self) { try db.run("UPDATE reminder_outbox SET status = 'pending' WHERE id = 2") }
        #expect(throws: DatabaseError.self) { try db.run("UPDATE reminder_outbox SET cancelled_at = 9 WHERE id = 5") }
        #expect(throws: DatabaseError.self) { try db.run("UPDATE reminder_outbox SET cancel_kind = 'gone' WHERE id = 2") }
        try db.run("UPDATE reminder_outbox SET status = 'cancelled', cancel_kind = 'dropped', cancelled_at = 9 WHERE id = 5")
        try db.run("UPDATE reminder_outbox SET status = 'pending', cancel_kind = NULL, cancelled_at = NULL WHERE id = 2")
        #expect(try db.scalarText("PRAGMA integrity_check") == "ok")
    }
}
