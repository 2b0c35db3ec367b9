import Foundation
import GoodwillCore
@testable import Reminders
import Store
import Testing

@Suite struct OutboxClaimMigrationTests {
    /// Every column an outbox row had before migration 12, as one line per row.
    static let before = """
        SELECT json_array(id, message_id, voucher_id, kind, days_before, expires_at, entry_id, recipient_role, send_zone, due_at,
            created_at, status, attempts, next_attempt_at, lease_until, channel, sent_at, last_error, cancelled_at, cancel_kind)
        FROM reminder_outbox ORDER BY id
        """

    /// Migration 12 numbers the claims on outbox rows. A book made at version 11, with rows in
    /// every status (one left claimed by a run of the earlier version), keeps every row as it was,
    /// each at claim number 0. The row left claimed is claimed again once its lease runs out, as
    /// claim 1, and a write under the earlier claim (number 0) changes nothing after that.
    @Test func migration12_keepsEveryRowAsItWas_andNumbersTheNextClaim() throws {
        let folder = TemporaryFolder()
        let db = try Database(path: folder.path + "/m.db")
        try Migrator.migrate(db, migrations: Schema.migrations.filter { $0.version <= 11 }, now: Date())
        try db.execute("""
            INSERT INTO vouchers (id, code, code_key, issuer, kind, status, currency, value, balance, issued_at, time_zone)
                VALUES ('vch_a', 'A', 'A', 'default', 'gift_card', 'active', 'SEK', 100, 100, 0, 'UTC');
            INSERT INTO reminder_outbox (message_id, voucher_id, kind, days_before, entry_id, recipient_role, send_zone, due_at, created_at,
                                         status, attempts, next_attempt_at, lease_until, channel, sent_at, last_error, cancel_kind, cancelled_at) VALUES
                ('m1', 'vch_a', 'expiry_reminder', 30, 0, 'holder', 'UTC', 0, 1, 'pending', 0, 500, NULL, NULL, NULL, NULL, NULL, NULL),
                ('m2', 'vch_a', 'expiry_reminder', 7, 0, 'holder', 'UTC', 0, 2, 'sending', 2, 0, 1000, 'webhook', NULL, 'timed out', NULL, NULL),
                ('m3', 'vch_a', 'expiry_reminder', 1, 0, 'holder', 'UTC', 0, 3, 'sent', 1, 0, NULL, 'maildir', 4, NULL, NULL, NULL),
                ('m4', 'vch_a', 'extension_granted', 0, 7, 'holder', 'UTC', 0, 4, 'failed', 10, 0, NULL, 'sendmail', NULL, 'gave up', NULL, NULL),
                ('m5', 'vch_a', 'gift_notice', 45, 0, 'purchaser', 'UTC', 0, 5, 'cancelled', 0, 0, NULL, NULL, NULL, 'dropped: blocked', 'dropped', 6),
                ('m6', 'vch_a', 'refund_closing', 0, 8, 'holder', 'UTC', 0, 6, 'cancelled', 0, 0, NULL, NULL, NULL, 'superseded', 'not_needed', NULL),
                ('m7', 'vch_a', 'farewell', 0, 0, 'holder', 'UTC', 0, 7, 'pending', 1, 900, NULL, NULL, NULL, 'busy', NULL, NULL);
            INSERT INTO reminder_attempts (outbox_id, at, channel, outcome, error) VALUES (2, 1, 'webhook', 'temporary', 'timed out');
            """)
        let rows = try db.query(Self.before) { $0.text(0) }
        try Migrator.migrate(db, migrations: Schema.migrations.filter { $0.version <= 12 }, now: Date())
        #expect(try db.scalarInt("PRAGMA user_version") == 12)
        #expect(try db.query(Self.before) { $0.text(0) } == rows)
        #expect(try db.query("SELECT claim_number FROM reminder_outbox ORDER BY id") { $0.int64(0) } == [0, 0, 0, 0, 0, 0, 0])
        #expect(try db.scalarInt("SELECT count(*) FROM reminder_attempts") == 1)
        #expect(try db.scalarInt("SELECT count(*) FROM pragma_foreign_key_check") == 0)
        #expect(try db.scalarText("PRAGMA integrity_check") == "ok")
        #expect(throws: DatabaseError.self) { try db.run("UPDATE reminder_outbox SET claim_number = -1 WHERE id = 1") }

        let store = OutboxStore(db: db)
        let earlier = try #require(try store.row(id: 2))
        #expect(earlier.status == .sending && earlier.claimNumber == 0)
        let now = Date(unixMilliseconds: 2000)
        #expect(try store.claimable(now: now, limit: 10).map(\.messageID) == ["m2", "m1", "m7"])
        #expect(try store.claim(2, now: now, leaseUntil: Date(unixMilliseconds: 302_000), channel: "maildir"))
        let claimed = try #require(try store.row(id: 2))
        #expect(claimed.claimNumber == 1 && claimed.attempts == 3)
        #expect(try !store.holds(earlier))
        #expect(try !store.markRetry(earlier, next: now, error: "timed out"))
        #expect(try !store.markFailed(earlier, error: "gave up"))
        #expect(try !store.release(earlier, until: now))
        #expect(try !store.cancelClaimed(earlier, .stale, now: now))
        #expect(try !store.extendLease(earlier, to: Date(unixMilliseconds: 900_000)))
        #expect(try store.row(id: 2) == claimed)
        #expect(try store.holds(claimed))
        #expect(try store.markRetry(claimed, next: now, error: "timed out"))
        #expect(try store.row(id: 2)?.claimNumber == 1, "a retry keeps the count; the next claim is number 2")
    }
}
