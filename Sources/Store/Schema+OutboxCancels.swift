/// Migration 11: an outbox row says when and why it was cancelled.
extension Schema {
    /// A cancelled row kept no time of its cancel, so the holder's timeline showed a reminder
    /// dropped weeks after it was queued at the time it was queued; and why it was cancelled was
    /// known only from its `last_error` text ('dropped: …' may come back, anything else will not),
    /// which every query matched with LIKE. Now:
    /// - `cancel_kind`: 'dropped' (its voucher could not have it then: blocked, used up, expired,
    ///   extended, its holder closed; the sweep puts it back in line should the voucher be active
    ///   again with the same expiry) or 'not_needed' (a later step went out instead, or the buyer
    ///   kept the gift; never sent). Old rows get theirs from the text, as the queries read it.
    /// - `cancelled_at`: when it was cancelled (Unix ms). NULL on a row cancelled before this
    ///   migration: that time was never recorded, and is not made up.
    /// The CHECKs make every cancel say its kind and every revival clear both, in the database
    /// rather than in each statement that writes the row. They ride on the second column, added
    /// once the first is filled in: SQLite tests a CHECK added with a column against the rows
    /// already there (https://sqlite.org/lang_altertable.html#altertabaddcol), and a CHECK may
    /// name other columns. Columns are added in place, not by rebuilding the table: a rebuild
    /// copies every outbox row, this writes only the cancelled ones and reads the rest once
    /// (300,000 rows, 30,000 of them cancelled: 3.9 s rebuilt, 1.5 s in place; sqlite3, 7 Dec).
    static let outboxCancelMigration = Migration(version: 11, name: "outbox rows say when and why they were cancelled", sql: """
        ALTER TABLE reminder_outbox ADD COLUMN cancel_kind TEXT CHECK (cancel_kind IN ('dropped', 'not_needed'));
        UPDATE reminder_outbox SET cancel_kind = CASE WHEN last_error LIKE 'dropped:%' THEN 'dropped' ELSE 'not_needed' END
            WHERE status = 'cancelled';
        ALTER TABLE reminder_outbox ADD COLUMN cancelled_at INTEGER
            CHECK (cancelled_at IS NULL OR status = 'cancelled')
            CHECK ((status = 'cancelled') = (cancel_kind IS NOT NULL));
        """)
}
