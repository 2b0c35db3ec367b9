/// Migration 13: a voucher's entries are linked, and redemptions leave the per-voucher index.
extension Schema {
    /// Every redemption wrote a leaf of `entries_voucher(voucher_id, id)` for its voucher: a page of
    /// its own in a batch of redemptions of different vouchers, copied to the WAL, synced before the
    /// answer and copied again by the checkpoint. It was a fifth of the writer's pages and
    /// the largest single cost of a durable redemption over HTTP (with the index left out, 14,400–14,700
    /// redemptions/s against 11,200–11,500, `Benchmarks/api-stages.sh`, 7 Dec).
    ///
    /// Instead a voucher's entries form a list through the row the redemption writes anyway:
    /// `vouchers.last_entry` is the id of the voucher's newest entry and `entries.voucher_previous`
    /// the id of the one before (NULL for the first). Appending an entry writes both in the same
    /// transaction (`LedgerStore.append`); `verify` checks that every list holds exactly its
    /// voucher's entries, in chain order. A link points back to a smaller id, so a walk ends.
    ///
    /// `entries_voucher` stays for every kind but `redeemed`: issues, extensions, expiries,
    /// blocks and reversals are rare, and the queries that look for them by voucher (the expiry in
    /// force, the first entry, the number of extensions) name `kind <> 'redeemed'`, the term SQLite
    /// needs to use a partial index (https://sqlite.org/partialindex.html#queries_using_partial_indexes).
    ///
    /// Existing entries get their links here, once: the append-only trigger is set aside for this
    /// one statement, inside the migration's transaction, and put back as it was.
    ///
    /// A `goodwill` from before this migration that is still running (a `serve` started before the
    /// upgrade) writes entries without a link and leaves `last_entry` alone, and an entry cannot be
    /// corrected afterwards. So `entries_linked` refuses any entry but an issue that links to
    /// nothing, naming the cause; the old process's write fails and nothing is stored. Its issues are
    /// let through (a voucher's first entry links to nothing anyway) and leave `last_entry` empty: a
    /// voucher's newest entry is `last_entry`, or when that is empty its newest entry in
    /// `entries_voucher`, which for such a voucher is its issue. The view `voucher_newest_entry` says
    /// so once for every reader of the links (the INSERT, the listing, verify, the goodwill report);
    /// SQLite folds it into each query, and COALESCE reads the index only when `last_entry` is empty
    /// (https://sqlite.org/lang_corefunc.html#coalesce).
    static let voucherLinksMigration = Migration(version: 13, name: "a voucher's entries are linked", sql: """
        ALTER TABLE entries ADD COLUMN voucher_previous INTEGER;
        ALTER TABLE vouchers ADD COLUMN last_entry INTEGER;
        DROP TRIGGER entries_no_update;
        UPDATE entries SET voucher_previous =
            (SELECT max(p.id) FROM entries p WHERE p.voucher_id = entries.voucher_id AND p.id < entries.id);
        CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
            BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
        UPDATE vouchers SET last_entry = (SELECT max(e.id) FROM entries e WHERE e.voucher_id = vouchers.id);
        DROP INDEX entries_voucher;
        CREATE INDEX entries_voucher ON entries(voucher_id, id) WHERE kind <> 'redeemed';
        CREATE TRIGGER entries_linked BEFORE INSERT ON entries
            WHEN NEW.voucher_previous IS NULL AND NEW.kind <> 'issued'
            BEGIN SELECT RAISE(ABORT, 'this entry does not link to its voucher''s entry before it: a goodwill older than this database (migration 13) is writing to it; stop every older goodwill process and use this version'); END;
        CREATE VIEW voucher_newest_entry AS
            SELECT v.id AS voucher_id,
                   coalesce(v.last_entry, (SELECT max(n.id) FROM entries n WHERE n.voucher_id = v.id AND n.kind <> 'redeemed')) AS entry_id
            FROM vouchers v;
        """)
}
