import Foundation
import GoodwillCore

/// Migration 9: a holder who closed and comes back is a customer again.
extension Schema {
    /// `holder_closures` kept one row per holder (its primary key), so a holder who closed, came
    /// back (a voucher issued to them, or bought by them) and left again had nowhere to put the
    /// second close, and every "is closed" check read the first one for ever. Each close is now a
    /// row of its own; coming back sets `reopened_at` and `reopened_by` (the voucher that brought
    /// them back) on the closure that stood, which stays as history with its outcome. At most one
    /// closure stands per holder (a partial unique index: a constraint, not a check in code), and
    /// `closed_holders` is the one place that says who is closed now (`HolderClosures`).
    /// The table is rebuilt (a primary key cannot be altered in place,
    /// https://sqlite.org/lang_altertable.html#otheralter); nothing refers to it.
    static let holderReopeningMigration = Migration(version: 9, name: "a closed holder can come back", sql: """
        -- The view reads the table rebuilt below (some tests run the migrations again on a newer book).
        DROP VIEW IF EXISTS closed_holders;
        CREATE TABLE holder_closures_new (
            id INTEGER PRIMARY KEY,
            holder_id TEXT NOT NULL REFERENCES holders(id),
            closed_at INTEGER NOT NULL,
            closed_by TEXT NOT NULL,
            payout_reference TEXT,
            erased INTEGER NOT NULL CHECK (erased IN (0, 1)),
            pseudonym TEXT,
            summary_json TEXT NOT NULL,
            reopened_at INTEGER,
            reopened_by TEXT REFERENCES vouchers(id),
            CHECK ((reopened_at IS NULL) = (reopened_by IS NULL))
        );
        INSERT INTO holder_closures_new (holder_id, closed_at, closed_by, payout_reference, erased, pseudonym, summary_json)
            SELECT holder_id, closed_at, closed_by, payout_reference, erased, pseudonym, summary_json FROM holder_closures
            ORDER BY closed_at, holder_id;
        DROP TABLE holder_closures;
        ALTER TABLE holder_closures_new RENAME TO holder_closures;
        CREATE UNIQUE INDEX holder_closures_standing ON holder_closures(holder_id) WHERE reopened_at IS NULL;
        CREATE INDEX holder_closures_holder ON holder_closures(holder_id, id);
        CREATE VIEW closed_holders AS
            SELECT id AS closure_id, holder_id, closed_at FROM holder_closures WHERE reopened_at IS NULL;
        """)
}

/// Who is closed now. Every "is this holder closed?" asks here (or, inside a larger query, the
/// `closed_holders` view it reads), never `holder_closures` itself: a closure that was reopened is
/// history, not a closed holder.
public enum HolderClosures {
    /// True when the holder closed their account and has not come back since.
    public static func isClosed(_ db: Database, _ holder: HolderID) throws -> Bool {
        try db.scalarInt("SELECT count(*) FROM closed_holders WHERE holder_id = ?", [.text(holder.rawValue)]) > 0
    }

    /// The holder's standing closure, if any, is reopened by `voucher` (issued to them, or bought by
    /// them) at `at`. True when there was one. The closure row, its outcome and everything it did stay.
    @discardableResult
    public static func reopen(_ db: Database, _ holder: HolderID, at: Date, by voucher: VoucherID) throws -> Bool {
        try db.run("UPDATE holder_closures SET reopened_at = ?, reopened_by = ? WHERE holder_id = ? AND reopened_at IS NULL",
                   [.integer(at.unixMilliseconds), .text(voucher.rawValue), .text(holder.rawValue)]) > 0
    }
}
