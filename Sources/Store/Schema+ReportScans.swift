/// Migration 14: the report index on vouchers goes; the reports that read it scan the table.
extension Schema {
    /// `vouchers_liability(status, currency, last_valid_day, expires_at, seq, balance)` let the
    /// liability and breakage reports read balances without reading the vouchers' rows. It cost a
    /// page on every redemption: the balance changes, so the voucher's entry in the index changes,
    /// and in a batch of redemptions of different vouchers each one's entry is on its own leaf,
    /// written to the WAL, synced before the answer and copied again by the checkpoint. Left out on
    /// a fresh database (`Benchmarks/api-stages.sh`, three alternating runs each, 7 Dec): 13,847–
    /// 14,317 durable redemptions/s against 12,640–13,299, `fdatasync` 0.47–0.50 ms per
    /// redemption against 0.56–0.63, the writer 46–47 µs against 51–53, and a p99 of 7–9 ms against
    /// 22–41 (fewer pages for each WAL restart to copy).
    ///
    /// Without `balance` no query needs the index: the reports that summed it scan the table
    /// (`NOT INDEXED`, one pass in rowid order) instead of reading the index, which over a million
    /// vouchers takes the liability report from 0.5 s to about 0.8 s (the goal is 1 s); through
    /// `vouchers_status_expiry` and a row lookup per voucher it would take 1.2 s.
    /// The expiring report takes whichever is cheaper for its window (`expiringReadsTheTable`).
    ///
    /// `IF EXISTS`: a book on which the index was dropped by hand (as `Benchmarks/seeded-server.sh`'s
    /// `PRE_SERVE_SQL` experiment does) migrates too, instead of every command failing on it.
    static let reportScanMigration = Migration(version: 14, name: "redemptions write no report index", sql: """
        DROP INDEX IF EXISTS vouchers_liability;
        """)
}
