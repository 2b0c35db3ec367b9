import Foundation
import GoodwillCore

/// Rows of the ledger tables in and out. No rules live here: the Ledger module decides,
/// this file only reads and writes, always with bound parameters.
public struct LedgerStore {
    public let db: Database

    public init(_ db: Database) { self.db = db }

    // MARK: Vouchers

    public static let voucherColumns = """
        id, code, value, balance, currency, status, issued_at, last_valid_day, expires_at, time_zone,
        holder_id, purchaser_id, kind, experience, message, issuer
        """

    static func voucher(_ r: Row) throws -> Voucher { try voucher(r, offset: 0) }

    /// Reads the voucher columns starting at column `o` (after any leading columns of a query).
    public static func voucher(_ r: Row, offset o: Int32) throws -> Voucher {
        let r = OffsetRow(row: r, offset: o)
        guard let currency = Currency(code: r.text(4)) else {
            throw DatabaseError(extendedCode: 0, message: "unknown currency '\(r.text(4))' in voucher \(r.text(0))")
        }
        var expiry: Expiry?
        if let day = r.optionalText(7), let at = r.optionalInt64(8) {
            guard let d = LocalDate(iso: day) else {
                throw DatabaseError(extendedCode: 0, message: "bad last_valid_day '\(day)' in voucher \(r.text(0))")
            }
            expiry = Expiry(lastValidDay: d, timeZone: r.text(9), instant: Date(unixMilliseconds: at))
        }
        return Voucher(
            id: VoucherID(rawValue: r.text(0)), code: r.text(1),
            value: Money(minorUnits: r.int64(2), currency: currency),
            balance: Money(minorUnits: r.int64(3), currency: currency),
            storedStatus: VoucherStatus(rawValue: r.text(5)) ?? .blocked,
            issuedAt: Date(unixMilliseconds: r.int64(6)), expiry: expiry, timeZone: r.text(9),
            holderID: r.optionalText(10).map(HolderID.init(rawValue:)),
            purchaserID: r.optionalText(11).map(HolderID.init(rawValue:)),
            kind: VoucherKind(rawValue: r.text(12)) ?? .giftCard,
            experience: r.optionalText(13), message: r.optionalText(14), issuer: r.text(15))
    }

    public func voucher(id: VoucherID) throws -> Voucher? {
        try db.queryOne("SELECT \(Self.voucherColumns) FROM vouchers WHERE id = ?", [.text(id.rawValue)], Self.voucher)
    }

    public func voucher(codeKey: String) throws -> Voucher? {
        try db.queryOne("SELECT \(Self.voucherColumns) FROM vouchers WHERE code_key = ?", [.text(codeKey)], Self.voucher)
    }

    public func insert(_ v: Voucher, codeKey: String) throws {
        try db.run("""
            INSERT INTO vouchers (id, code, code_key, issuer, kind, status, currency, value, balance, issued_at,
                last_valid_day, expires_at, time_zone, holder_id, purchaser_id, experience, message)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [
            .text(v.id.rawValue), .text(v.code), .text(codeKey), .text(v.issuer), .text(v.kind.rawValue),
            .text(v.storedStatus.rawValue), .text(v.value.currency.code), .integer(v.value.minorUnits),
            .integer(v.balance.minorUnits), .integer(v.issuedAt.unixMilliseconds),
            .optional(v.expiry?.lastValidDay.isoString), .optional(v.expiry?.instant.unixMilliseconds),
            .text(v.timeZone), .optional(v.holderID?.rawValue), .optional(v.purchaserID?.rawValue),
            .optional(v.experience), .optional(v.message),
        ])
    }

    /// Active vouchers whose expiry has passed, oldest first (uses the status/expiry index).
    public func activeVouchersExpired(before now: Date, limit: Int) throws -> [Voucher] {
        try db.query("""
            SELECT \(Self.voucherColumns) FROM vouchers
            WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?
            ORDER BY expires_at LIMIT ?
            """, [.integer(now.unixMilliseconds), .integer(Int64(limit))], Self.voucher)
    }

    /// Whether the voucher's expiry in force has been recorded as passed: since the last entry that
    /// set it (issued or extended), an `expired` entry, or any entry that left the voucher expired
    /// (a database from before expiry on return may hold an unblock or a reversal straight to
    /// `expired`, with no `expired` entry). A block after it does not undo it; an extension does.
    public func expiryRecorded(of voucher: VoucherID) throws -> Bool {
        try db.queryOne("""
            SELECT kind = 'expired' OR status_after = 'expired' FROM entries
            WHERE voucher_id = ? AND kind <> 'redeemed' AND (kind IN ('issued', 'extended', 'expired') OR status_after = 'expired')
            ORDER BY id DESC LIMIT 1
            """, [.text(voucher.rawValue)]) { $0.int64(0) != 0 } ?? false
    }

    // MARK: Entries

    static let entryColumns = """
        id, voucher_id, kind, amount, balance_after, currency, at, actor, reason, reference, idempotency_key,
        related_entry_id, last_valid_day_after, time_zone_after, expires_at_after, status_after, decision_id,
        prev_hash, hash
        """

    static func entry(_ r: Row) throws -> LedgerEntry {
        let id = r.int64(0)
        guard let currency = Currency(code: r.text(5)) else {
            throw DatabaseError(extendedCode: 0, message: "entry \(id): unknown currency '\(r.text(5))'")
        }
        guard let kind = EntryKind(rawValue: r.text(2)), let status = VoucherStatus(rawValue: r.text(15)) else {
            throw DatabaseError(extendedCode: 0, message: "entry \(id): unknown kind or status '\(r.text(2))'/'\(r.text(15))'")
        }
        var expiry: Expiry?
        if let dayText = r.optionalText(12) {
            guard let day = LocalDate(iso: dayText), let at = r.optionalInt64(14) else {
                throw DatabaseError(extendedCode: 0, message: "entry \(id): malformed expiry '\(dayText)'")
            }
            expiry = Expiry(lastValidDay: day, timeZone: r.optionalText(13) ?? "", instant: Date(unixMilliseconds: at))
        }
        return LedgerEntry(
            id: id, voucherID: VoucherID(rawValue: r.text(1)),
            kind: kind, amount: r.int64(3), balanceAfter: r.int64(4),
            currency: currency, at: Date(unixMilliseconds: r.int64(6)), actor: r.text(7),
            reason: r.optionalText(8), reference: r.optionalText(9), idempotencyKey: r.optionalText(10),
            relatedEntryID: r.optionalInt64(11), expiryAfter: expiry,
            statusAfter: status, decisionID: r.optionalInt64(16),
            previousHash: r.blob(17), hash: r.blob(18))
    }

    /// The expiry in force right after entry `entryID`: set by the last issued or extended entry up to it.
    public func expiry(of voucher: VoucherID, asOfEntry entryID: Int64) throws -> Expiry? {
        try db.queryOne(Self.expiryInForceSQL, [.text(voucher.rawValue), .integer(entryID)]) { r -> Expiry? in
            guard let day = r.optionalText(0).flatMap(LocalDate.init(iso:)), let at = r.optionalInt64(2) else { return nil }
            return Expiry(lastValidDay: day, timeZone: r.optionalText(1) ?? "", instant: Date(unixMilliseconds: at))
        } ?? nil
    }

    /// Parameters: the voucher, the entry. `kind <> 'redeemed'` lets SQLite use `entries_voucher`,
    /// which holds every kind but redemptions (https://sqlite.org/partialindex.html).
    public static let expiryInForceSQL = """
        SELECT last_valid_day_after, time_zone_after, expires_at_after FROM entries
        WHERE voucher_id = ? AND kind <> 'redeemed' AND id <= ? AND kind IN ('issued', 'extended') ORDER BY id DESC LIMIT 1
        """

    public func lastEntry() throws -> (id: Int64, hash: [UInt8])? {
        try db.queryOne("SELECT id, hash FROM entries ORDER BY id DESC LIMIT 1") { ($0.int64(0), $0.blob(1)) }
    }

    /// The id of the voucher's latest entry (the one its row's state follows from), as the view
    /// `voucher_newest_entry` finds it (see `Schema.voucherLinksMigration`).
    public func lastEntryID(of voucher: VoucherID) throws -> Int64? {
        try db.queryOne("SELECT entry_id FROM voucher_newest_entry WHERE voucher_id = ?", [.text(voucher.rawValue)]) { $0.optionalInt64(0) } ?? nil
    }

    public func entry(id: Int64) throws -> LedgerEntry? {
        try db.queryOne("SELECT \(Self.entryColumns) FROM entries WHERE id = ?", [.integer(id)], Self.entry)
    }

    /// A voucher's entries in chain order, found along its links from `last_entry` back.
    public func entries(of voucher: VoucherID) throws -> [LedgerEntry] {
        try db.query("SELECT \(Self.entryColumns) FROM entries WHERE id IN (\(Self.voucherEntryIDs)) ORDER BY id",
                     [.text(voucher.rawValue)], Self.entry)
    }

    /// The ids of the entries of voucher ?1, newest first, along `voucher_previous`. Each step must
    /// go back to a smaller id, so a damaged link ends the walk instead of looping (`verify` names it).
    public static let voucherEntryIDs = """
        WITH RECURSIVE chain(id) AS (
            SELECT entry_id FROM voucher_newest_entry WHERE voucher_id = ?1 AND entry_id IS NOT NULL
            UNION ALL
            SELECT e.voucher_previous FROM entries e JOIN chain c ON e.id = c.id
            WHERE e.voucher_previous IS NOT NULL AND e.voucher_previous < c.id
        ) SELECT id FROM chain
        """

    /// Every entry in chain order, streamed (verify walks hundreds of thousands).
    public func forEachEntry(_ body: (LedgerEntry) throws -> Void) throws {
        try db.forEach("SELECT \(Self.entryColumns) FROM entries ORDER BY id") { try body(try Self.entry($0)) }
    }

    /// Like `forEachEntry`, but hands over the decoding, so a caller (verify) can report a row
    /// that does not decode and carry on; with each, its link to its voucher's entry before it.
    public func forEachEntryRow(_ body: (_ entry: () throws -> LedgerEntry, _ voucherPrevious: Int64?) throws -> Void) throws {
        try db.forEach("SELECT \(Self.entryColumns), voucher_previous FROM entries ORDER BY id") { row in
            try body({ try Self.entry(row) }, row.optionalInt64(19))
        }
    }

    /// Each voucher with its newest entry (`voucher_newest_entry`), in insertion order.
    public func forEachVoucherWithLastEntry(_ body: (Voucher, Int64?) throws -> Void) throws {
        try db.forEach("""
            SELECT \(Self.voucherColumns), (SELECT n.entry_id FROM voucher_newest_entry n WHERE n.voucher_id = vouchers.id)
            FROM vouchers ORDER BY seq
            """) { try body(try Self.voucher($0), $0.optionalInt64(16)) }
    }

    public func forEachVoucher(_ body: (Voucher) throws -> Void) throws {
        try db.forEach("SELECT \(Self.voucherColumns) FROM vouchers ORDER BY seq") { try body(try Self.voucher($0)) }
    }

    public func hasReversal(of entryID: Int64) throws -> Bool {
        try db.scalarInt("SELECT count(*) FROM entries WHERE kind = 'redemption_reversed' AND related_entry_id = ?",
                         [.integer(entryID)]) > 0
    }

    /// What appending an entry changes in its voucher's row besides the link to it.
    public enum VoucherChange {
        /// Nothing else (the row was just written, as by an issue).
        case linkOnly
        /// The balance (`balance_after`), when status and expiry stay as they are: SQLite rewrites an
        /// index for every column named in SET, changed or not.
        case balance
        /// The balance, and the status and expiry the entry leads to.
        case state(VoucherStatus, Expiry?)
    }

    /// Appends an entry whose id and hashes are already set by the caller, linked after its voucher's
    /// newest entry (`voucher_previous`), and makes it the voucher's newest (`last_entry`) in the
    /// same statement that writes `change`: the row a redemption writes anyway, so the link costs
    /// no page of its own (see `Schema.voucherLinksMigration`).
    public func append(_ e: LedgerEntry, voucherChange change: VoucherChange = .linkOnly) throws {
        // The link is read in the INSERT itself (?2 is the voucher): one statement, not two.
        try db.run("""
            INSERT INTO entries (\(Self.entryColumns), voucher_previous) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,
                ?14, ?15, ?16, ?17, ?18, ?19,
                (SELECT entry_id FROM voucher_newest_entry WHERE voucher_id = ?2))
            """, [
            .integer(e.id), .text(e.voucherID.rawValue), .text(e.kind.rawValue), .integer(e.amount),
            .integer(e.balanceAfter), .text(e.currency.code), .integer(e.at.unixMilliseconds), .text(e.actor),
            .optional(e.reason), .optional(e.reference), .optional(e.idempotencyKey), .optional(e.relatedEntryID),
            .optional(e.expiryAfter?.lastValidDay.isoString), .optional(e.expiryAfter?.timeZone),
            .optional(e.expiryAfter?.instant.unixMilliseconds), .text(e.statusAfter.rawValue),
            .optional(e.decisionID), .blob(e.previousHash), .blob(e.hash),
        ])
        let changed: Int
        switch change {
        case .linkOnly:
            changed = try db.run("UPDATE vouchers SET last_entry = ? WHERE id = ?", [.integer(e.id), .text(e.voucherID.rawValue)])
        case .balance:
            changed = try db.run("UPDATE vouchers SET balance = ?, last_entry = ? WHERE id = ?",
                                 [.integer(e.balanceAfter), .integer(e.id), .text(e.voucherID.rawValue)])
        case .state(let status, let expiry):
            changed = try db.run("UPDATE vouchers SET balance = ?, status = ?, last_valid_day = ?, expires_at = ?, last_entry = ? WHERE id = ?", [
                .integer(e.balanceAfter), .text(status.rawValue), .optional(expiry?.lastValidDay.isoString),
                .optional(expiry?.instant.unixMilliseconds), .integer(e.id), .text(e.voucherID.rawValue),
            ])
        }
        guard changed == 1 else {
            throw DatabaseError(extendedCode: 0, message: "entry \(e.id): no voucher \(e.voucherID.rawValue) to append it to")
        }
    }

    public func countVouchers() throws -> Int64 { try db.scalarInt("SELECT count(*) FROM vouchers") }
    public func countEntries() throws -> Int64 { try db.scalarInt("SELECT count(*) FROM entries") }

    // MARK: Holders

    static let holderColumns = "id, email, name, locale, time_zone, first_seen_at, erased_at"

    static func holder(_ r: Row) -> Holder {
        Holder(id: HolderID(rawValue: r.text(0)), email: r.optionalText(1), name: r.optionalText(2),
               locale: r.optionalText(3), timeZone: r.optionalText(4),
               firstSeenAt: Date(unixMilliseconds: r.int64(5)), erasedAt: r.optionalInt64(6).map(Date.init(unixMilliseconds:)))
    }

    public func holder(id: HolderID) throws -> Holder? {
        try db.queryOne("SELECT \(Self.holderColumns) FROM holders WHERE id = ?", [.text(id.rawValue)], Self.holder)
    }

    public func holder(email: String) throws -> Holder? {
        try db.queryOne("SELECT \(Self.holderColumns) FROM holders WHERE email_key = ?",
                        [.text(Holder.normalize(email: email))], Self.holder)
    }

    public func insert(_ h: Holder) throws {
        try db.run("INSERT INTO holders (id, email_key, email, name, locale, time_zone, first_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)", [
            .text(h.id.rawValue), .optional(h.email.map(Holder.normalize(email:))), .optional(h.email),
            .optional(h.name), .optional(h.locale), .optional(h.timeZone), .integer(h.firstSeenAt.unixMilliseconds),
        ])
    }

    /// Fills in what a later purchase tells us (a name, a locale) without overwriting what we had.
    public func complete(_ id: HolderID, name: String?, locale: String?, timeZone: String?) throws {
        try db.run("""
            UPDATE holders SET name = coalesce(name, ?), locale = coalesce(locale, ?), time_zone = coalesce(time_zone, ?)
            WHERE id = ?
            """, [.optional(name), .optional(locale), .optional(timeZone), .text(id.rawValue)])
    }

    // MARK: Idempotency

    public func idempotencyRecord(scope: String, key: String) throws -> (fingerprint: [UInt8], result: [UInt8])? {
        try db.queryOne("SELECT fingerprint, result FROM idempotency WHERE scope = ? AND key = ?",
                        [.text(scope), .text(key)]) { ($0.blob(0), $0.blob(1)) }
    }

    public func saveIdempotency(scope: String, key: String, fingerprint: [UInt8], result: [UInt8], at: Date) throws {
        try db.run("INSERT INTO idempotency (scope, key, fingerprint, result, created_at) VALUES (?, ?, ?, ?, ?)",
                   [.text(scope), .text(key), .blob(fingerprint), .blob(result), .integer(at.unixMilliseconds)])
    }
}

/// A row read from a column offset, so a query may put other columns first.
struct OffsetRow {
    let row: Row
    let offset: Int32
    func text(_ i: Int32) -> String { row.text(i + offset) }
    func optionalText(_ i: Int32) -> String? { row.optionalText(i + offset) }
    func int64(_ i: Int32) -> Int64 { row.int64(i + offset) }
    func optionalInt64(_ i: Int32) -> Int64? { row.optionalInt64(i + offset) }
}
