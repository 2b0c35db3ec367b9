import Foundation
import Store
import Testing

@Suite struct SupportMigrationTests {
    /// Migration 5 rebuilds the outbox to allow 'farewell': rows and their attempts survive, and the
    /// foreign keys from reminder_attempts still hold.
    @Test func migration5_keepsTheOutboxAndItsAttempts() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("goodwill-mig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try Database(path: folder.appendingPathComponent("m.db").path)
        try Migrator.migrate(db, migrations: Schema.migrations.filter { $0.version <= 3 }, now: Date())
        try db.execute("""
            INSERT INTO vouchers (id, code, code_key, issuer, kind, status, currency, value, balance, issued_at, time_zone)
                VALUES ('vch_a', 'A', 'A', 'default', 'gift_card', 'active', 'SEK', 100, 100, 0, 'UTC');
            INSERT INTO reminder_outbox (message_id, voucher_id, kind, recipient_role, send_zone, due_at, created_at, status, next_attempt_at)
                VALUES ('m1', 'vch_a', 'expiry_reminder', 'holder', 'UTC', 0, 0, 'sent', 0);
            INSERT INTO reminder_attempts (outbox_id, at, channel, outcome) VALUES (1, 0, 'maildir', 'sent');
            """)
        try Migrator.migrate(db, now: Date())
        #expect(try db.scalarInt("PRAGMA user_version") == 5)
        #expect(try db.query("SELECT message_id, status FROM reminder_outbox") { "\($0.text(0)) \($0.text(1))" } == ["m1 sent"])
        #expect(try db.scalarInt("SELECT count(*) FROM pragma_foreign_key_check") == 0)
        try db.run("""
            INSERT INTO reminder_outbox (message_id, voucher_id, kind, recipient_role, send_zone, due_at, created_at, status, next_attempt_at)
            VALUES ('m2', 'vch_a', 'farewell', 'holder', 'UTC', 0, 0, 'pending', 0)
            """)
        // The attempts still point at their row: deleting it is refused.
        #expect(throws: DatabaseError.self) { try db.run("DELETE FROM reminder_outbox WHERE id = 1") }
    }
}
