/// Migration 12: every claim on an outbox row has its own number.
extension Schema {
    /// A dispatcher knew its claim on a row only by the lease it was given (`lease_until`), and
    /// wrote its outcome by the row's id alone. A lease's end does not tell two claims apart: a row
    /// dropped, put back in line and claimed again by another process in the same millisecond (a
    /// clock that did not move, or stepped back) has the same one. `claim_number` counts the
    /// claims a row has had, never reset (not by a revival, a retry or a give-back): the claim
    /// takes the next number, and every write a dispatcher makes to the row it claimed names it
    /// (`WHERE status = 'sending' AND claim_number = ?`), so a run that lost its claim writes
    /// nothing over what another run or sweep made of the row. Rows there before start at 0; a
    /// row an earlier version left claimed is claimed again, as number 1, once its lease runs out.
    /// Added in place with a constant default: SQLite writes no row for it.
    static let outboxClaimMigration = Migration(version: 12, name: "outbox claims are numbered", sql: """
        ALTER TABLE reminder_outbox ADD COLUMN claim_number INTEGER NOT NULL DEFAULT 0 CHECK (claim_number >= 0);
        """)
}
