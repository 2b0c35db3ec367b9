/// Migration 11: an outbox row says when and why it was cancelled.
extension Schema {
    /// A cancelled row kept no time of its cancel, so the holder's timeline showed a reminder
    /// dropped weeks after it was queued at the time it was queued; and why it was cancelled was
    /// known only from its `last_error` text ('dropped: …' may come back, anything else will not),
    /// which every query matched with LIKE. Now:
    /// - `cancelled_at`: when it was cancelled (Unix ms). NULL on a row cancelled before this
    ///   migration: that time was never recorded, and is not made up.
    /// - `cancel_kind`: 'dropped' (its voucher could not have it then: blocked, used up, expired,
    ///   extended, its holder closed; the sweep puts it back in line should the voucher be active
    ///   again with the same expiry) or 'not_needed' (a later step went out instead, or the buyer
    ///   kept the gift; never sent). Old rows get theirs from the text, as the queries read it.
    /// Two CHECKs make every cancel say its kind and every revival clear both, in the database
    /// rather than in each statement that writes the row. A CHECK cannot be added to a table in
    /// place, so the table is rebuilt as migration 5 did (a copy, then the same name again, so that
    /// the deferred foreign keys from reminder_attempts find their rows by COMMIT;
    /// https://sqlite.org/lang_altertable.html#otheralter). The rows are copied twice, once.
    static let outboxCancelMigration = Migration(version: 11, name: "outbox rows say when and why they were cancelled", sql: """
        PRAGMA defer_foreign_keys = ON;
        CREATE TEMP TABLE reminder_outbox_copy AS SELECT * FROM reminder_outbox;
        DROP TABLE reminder_outbox;
        CREATE TABLE reminder_outbox (
            id INTEGER PRIMARY KEY,
            message_id TEXT NOT NULL UNIQUE,
            voucher_id TEXT NOT NULL REFERENCES vouchers(id),
            kind TEXT NOT NULL CHECK (kind IN ('expiry_reminder', 'gift_notice', 'extension_granted', 'refund_closing', 'farewell')),
            days_before INTEGER NOT NULL DEFAULT 0,
            expires_at INTEGER NOT NULL DEFAULT 0,
            entry_id INTEGER NOT NULL DEFAULT 0,
            recipient_role TEXT NOT NULL CHECK (recipient_role IN ('holder', 'purchaser')),
            send_zone TEXT NOT NULL,
            due_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            lease_until INTEGER,
            channel TEXT,
            sent_at INTEGER,
            last_error TEXT,
            cancelled_at INTEGER,
            cancel_kind TEXT CHECK (cancel_kind IN ('dropped', 'not_needed')),
            UNIQUE (voucher_id, kind, days_before, expires_at, entry_id),
            CHECK ((status = 'cancelled') = (cancel_kind IS NOT NULL)),
            CHECK (cancelled_at IS NULL OR status = 'cancelled')
        );
        INSERT INTO reminder_outbox (id, message_id, voucher_id, kind, days_before, expires_at, entry_id, recipient_role,
            send_zone, due_at, created_at, status, attempts, next_attempt_at, lease_until, channel, sent_at, last_error,
            cancelled_at, cancel_kind)
        SELECT id, message_id, voucher_id, kind, days_before, expires_at, entry_id, recipient_role,
            send_zone, due_at, created_at, status, attempts, next_attempt_at, lease_until, channel, sent_at, last_error,
            NULL, CASE WHEN status <> 'cancelled' THEN NULL WHEN last_error LIKE 'dropped:%' THEN 'dropped' ELSE 'not_needed' END
        FROM temp.reminder_outbox_copy;
        DROP TABLE temp.reminder_outbox_copy;
        CREATE INDEX reminder_outbox_due ON reminder_outbox(status, next_attempt_at);
        CREATE INDEX reminder_outbox_voucher ON reminder_outbox(voucher_id, id);
        """)
}
