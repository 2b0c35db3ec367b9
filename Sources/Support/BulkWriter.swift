import Foundation
import GoodwillCore
import Ledger
import Store

/// Writes imported vouchers, planned by `ImportChain`, with statements prepared once. Runs inside
/// the caller's transaction, on the thread that owns the connection.
struct BulkWriter {
    let db: Database
    let store: LedgerStore
    let actor: String
    let zone: ZonedCalendar
    let now: Date
    let issuer: String
    /// The chain as written so far.
    var chain: ImportChain
    /// Each holder this import wrote to, by email key: `slot` is their place in `newHolders`, or -1
    /// for one found on file.
    var holders: [String: (id: HolderID, slot: Int)] = [:]
    /// Holders this import creates, in the order their (time-ordered) IDs were made. They are
    /// written at `finish`, when it is known when each was first seen: at the issue of their
    /// earliest voucher (an old book brings customers of many years), which may come late in the
    /// file. Moving them back one by one after writing cost seconds over a million rows.
    var newHolders: [(id: HolderID, key: String, email: String, name: String?, firstSeen: Int64)] = []
    /// Holders found on file: when, and the earliest issue of a voucher this import gives them.
    var onFileFirstSeen: [HolderID: (onFile: Int64, earliest: Int64)] = [:]
    var holdersCreated = 0
    var totals: [String: (Int, Int64)] = [:]
    /// An empty holders table at the start: every email is new unless we created it in this import.
    let holdersOnFile: Bool
    /// Holders on file who are closed now (`closed_holders`, read once). One this import attaches a
    /// voucher to, as holder or purchaser, comes back as with an issue: it moves to `reopening`
    /// with the first voucher the import gives them. A holder the import creates cannot be closed.
    var closedOnFile: Set<String> = []
    var reopening: [(holder: HolderID, voucher: VoucherID)] = []

    init(service: SupportService, actor: String, reason: String, zone: ZonedCalendar, now: Date) throws {
        db = service.db; store = service.ledger.store; self.actor = actor; self.zone = zone; self.now = now
        issuer = service.ledger.configuration.issuer
        let last = try store.lastEntry()
        chain = ImportChain(actor: actor, reason: reason, now: now, zone: zone,
                            nextID: (last?.id ?? 0) + 1, head: last?.hash ?? LedgerEntry.genesisHash)
        holdersOnFile = try db.scalarInt("SELECT count(*) FROM holders") > 0
        if holdersOnFile { closedOnFile = Set(try db.query("SELECT holder_id FROM closed_holders") { $0.text(0) }) }
        insertHolder = try db.cachedStatement("INSERT INTO holders (id, email_key, email, name, first_seen_at) VALUES (?, ?, ?, ?, ?)")
        moveFirstSeen = try db.cachedStatement("UPDATE holders SET first_seen_at = ? WHERE id = ? AND first_seen_at > ?")
        insertVoucher = try db.cachedStatement("""
            INSERT INTO vouchers (id, code, code_key, issuer, kind, status, currency, value, balance, issued_at,
                last_valid_day, expires_at, time_zone, holder_id, purchaser_id, experience, message, last_entry)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertEntry = try db.cachedStatement("INSERT INTO entries (\(LedgerStore.entryColumnList), voucher_previous) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        insertVouchers = try db.cachedStatement(Self.multiRow(insertVoucher.sql, rows: Self.rowsPerInsert))
        insertEntries = try db.cachedStatement(Self.multiRow(insertEntry.sql, rows: Self.rowsPerInsert))
        // What is the same on every row is bound once: bindings outlive a statement's reset.
        for (statement, rows) in [(insertVoucher, 1), (insertVouchers, Self.rowsPerInsert)] {
            for base in stride(from: 0, to: Int32(rows) * Self.voucherColumns, by: Int(Self.voucherColumns)) {
                try statement.bind(base + 4, issuer)
                try statement.bind(base + 17, nil as String?)  // message
            }
        }
        for (statement, rows) in [(insertEntry, 1), (insertEntries, Self.rowsPerInsert)] {
            for base in stride(from: 0, to: Int32(rows) * Self.entryColumns, by: Int(Self.entryColumns)) {
                try statement.bind(base + 8, actor)
                try statement.bind(base + 11, nil as String?)  // idempotency key
                try statement.bind(base + 12, nil as Int64?)   // related entry
                try statement.bind(base + 17, nil as Int64?)   // decision
            }
        }
    }

    // Prepared once for the whole import, bound by index: a million rows would otherwise build a
    // value array and look the statement up by its SQL text for every insert.
    let insertHolder: Statement
    let moveFirstSeen: Statement
    let insertVoucher: Statement
    let insertEntry: Statement
    /// The same inserts for `rowsPerInsert` rows at once: each statement run opens its cursors on
    /// the table and its indexes and closes them again, so one run per row spent a third of the
    /// import's time there (https://sqlite.org/lang_insert.html, multi-row VALUES).
    let insertVouchers: Statement
    let insertEntries: Statement
    static let rowsPerInsert = 32
    static let voucherColumns: Int32 = 18
    static let entryColumns: Int32 = 20
    /// Written rows not yet inserted: vouchers, then (so that their vouchers are always in first) entries.
    private var pendingVouchers: [(voucher: Voucher, codeKey: String, lastEntry: Int64?)] = []
    /// Each with the id of its voucher's entry before it (every voucher of an import is new, so
    /// its entries are all in this import, in order).
    private var pendingEntries: [(entry: LedgerEntry, previous: Int64?)] = []

    /// "INSERT … VALUES (?, …)" repeated for `rows` rows.
    static func multiRow(_ sql: String, rows: Int) -> String {
        guard let values = sql.range(of: "VALUES", options: .backwards) else { return sql }
        let tuple = sql[values.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        return sql[..<values.upperBound] + " " + Array(repeating: tuple, count: rows).joined(separator: ", ")
    }

    /// Inserts what is pending: the vouchers, then every full group of entries (the rest wait for
    /// the next call, or for `finish`).
    mutating func flush() throws {
        if pendingVouchers.count == Self.rowsPerInsert {
            for (row, p) in pendingVouchers.enumerated() { try bind(p.voucher, codeKey: p.codeKey, lastEntry: p.lastEntry, to: insertVouchers, at: Int32(row) * Self.voucherColumns) }
            try insertVouchers.run()
        } else {
            for p in pendingVouchers { try bind(p.voucher, codeKey: p.codeKey, lastEntry: p.lastEntry, to: insertVoucher, at: 0); try insertVoucher.run() }
        }
        pendingVouchers.removeAll(keepingCapacity: true)
        var start = 0
        while pendingEntries.count - start >= Self.rowsPerInsert {
            for row in 0..<Self.rowsPerInsert { try bind(pendingEntries[start + row], to: insertEntries, at: Int32(row) * Self.entryColumns) }
            try insertEntries.run()
            start += Self.rowsPerInsert
        }
        pendingEntries.removeFirst(start)
    }

    /// Inserts everything still pending; call once the last row is written.
    mutating func finish() throws {
        try flush()
        for e in pendingEntries { try bind(e, to: insertEntry, at: 0); try insertEntry.run() }
        pendingEntries.removeAll()
        // Vouchers name these holders already; foreign keys are not checked during an import.
        for h in newHolders {
            try insertHolder.bind(1, h.id.rawValue)
            try insertHolder.bind(2, h.key)
            try insertHolder.bind(3, h.email)
            try insertHolder.bind(4, h.name)
            try insertHolder.bind(5, h.firstSeen)
            try insertHolder.run()
        }
        newHolders.removeAll()
        for (id, seen) in onFileFirstSeen where seen.earliest < seen.onFile {
            try moveFirstSeen.bind(1, seen.earliest)
            try moveFirstSeen.bind(2, id.rawValue)
            try moveFirstSeen.bind(3, seen.earliest)
            try moveFirstSeen.run()
        }
        onFileFirstSeen.removeAll()
        // In the import's transaction: a file refused for a bad row reopens nobody.
        for r in reopening { try HolderClosures.reopen(db, r.holder, at: now, by: r.voucher) }
        reopening.removeAll()
    }

    /// Binds `LedgerStore.insert(_:codeKey:)`'s values (but the constant columns, bound once) from parameter `base + 1` on.
    func bind(_ v: Voucher, codeKey: String, lastEntry: Int64?, to s: Statement, at base: Int32) throws {
        try s.bind(base + 1, v.id.rawValue)
        try s.bind(base + 2, v.code)
        try s.bind(base + 3, codeKey)
        try s.bind(base + 5, v.kind.rawValue)
        try s.bind(base + 6, v.storedStatus.rawValue)
        try s.bind(base + 7, v.value.currency.code)
        try s.bind(base + 8, v.value.minorUnits)
        try s.bind(base + 9, v.balance.minorUnits)
        try s.bind(base + 10, v.issuedAt.unixMilliseconds)
        try s.bind(base + 11, v.expiry?.lastValidDay.isoString)
        try s.bind(base + 12, v.expiry?.instant.unixMilliseconds)
        try s.bind(base + 13, v.timeZone)
        try s.bind(base + 14, v.holderID?.rawValue)
        try s.bind(base + 15, v.purchaserID?.rawValue)
        try s.bind(base + 16, v.experience)
        try s.bind(base + 18, lastEntry)
    }

    /// Binds `LedgerStore.append(_:)`'s values for an entry of this import (actor, no idempotency
    /// key, related entry or decision: bound once) from parameter `base + 1` on.
    func bind(_ pending: (entry: LedgerEntry, previous: Int64?), to s: Statement, at base: Int32) throws {
        let e = pending.entry
        assert(e.actor == actor && e.idempotencyKey == nil && e.relatedEntryID == nil && e.decisionID == nil)
        try s.bind(base + 1, e.id)
        try s.bind(base + 2, e.voucherID.rawValue)
        try s.bind(base + 3, e.kind.rawValue)
        try s.bind(base + 4, e.amount)
        try s.bind(base + 5, e.balanceAfter)
        try s.bind(base + 6, e.currency.code)
        try s.bind(base + 7, e.at.unixMilliseconds)
        try s.bind(base + 9, e.reason)
        try s.bind(base + 10, e.reference)
        try s.bind(base + 13, e.expiryAfter?.lastValidDay.isoString)
        try s.bind(base + 14, e.expiryAfter?.timeZone)
        try s.bind(base + 15, e.expiryAfter?.instant.unixMilliseconds)
        try s.bind(base + 16, e.statusAfter.rawValue)
        try s.bind(base + 18, blob: e.previousHash)
        try s.bind(base + 19, blob: e.hash)
        try s.bind(base + 20, pending.previous)
    }

    /// The holder with this email, found or written; `seenAt` is when `voucher` was issued.
    mutating func holder(_ email: String?, name: String?, seenAt: Int64, voucher: VoucherID) throws -> HolderID? {
        guard let email else { return nil }
        // Validated emails hold no whitespace, so Holder.normalize comes down to lowercasing.
        let key = email.lowercased()
        if let h = holders[key] {
            if h.slot >= 0 {
                if seenAt < newHolders[h.slot].firstSeen { newHolders[h.slot].firstSeen = seenAt }
            } else if let seen = onFileFirstSeen[h.id], seenAt < seen.earliest {
                onFileFirstSeen[h.id] = (seen.onFile, seenAt)
            }
            return h.id
        }
        if holdersOnFile, let existing = try store.holder(email: email) {
            try store.complete(existing.id, name: name, locale: nil, timeZone: nil)
            let onFile = existing.firstSeenAt.unixMilliseconds
            onFileFirstSeen[existing.id] = (onFile, min(onFile, seenAt))
            holders[key] = (existing.id, -1)
            if !closedOnFile.isEmpty, closedOnFile.remove(existing.id.rawValue) != nil { reopening.append((existing.id, voucher)) }
            return existing.id
        }
        let id = HolderID.generate()
        newHolders.append((id, key, email, name, seenAt))
        holdersCreated += 1
        holders[key] = (id, newHolders.count - 1)
        return id
    }

    /// Writes a row the checking stage planned. Its entries were chained assuming every earlier row
    /// was written; when one was refused here, they are chained again from this writer's head.
    mutating func write(_ row: VoucherImporter.Row, _ planned: PlannedVoucher) throws {
        var planned = planned
        if chain.follows(planned) { chain.advance(past: planned) } else { chain.chain(&planned) }
        // An issue instant later today than now (an RFC 3339 time) does not make anyone seen in the future.
        let seenAt = min(row.issuedAt, now).unixMilliseconds
        let holderID = try holder(row.holderEmail, name: row.holderName, seenAt: seenAt, voucher: planned.voucherID)
        let purchaserID = try holder(row.purchaserEmail, name: row.purchaserName, seenAt: seenAt, voucher: planned.voucherID)
        let v = Voucher(id: planned.voucherID, code: row.code, value: row.value, balance: row.balance, storedStatus: planned.status,
                        issuedAt: row.issuedAt, expiry: planned.expiry, timeZone: zone.identifier, holderID: holderID,
                        purchaserID: purchaserID, kind: row.kind, experience: row.experience, message: nil, issuer: issuer)
        pendingVouchers.append((v, row.codeKey, planned.entries.last?.id))
        for (i, e) in planned.entries.enumerated() { pendingEntries.append((e, i == 0 ? nil : planned.entries[i - 1].id)) }
        if pendingVouchers.count == Self.rowsPerInsert { try flush() }
        let currency = row.value.currency
        totals[currency.code, default: (0, 0)].0 += 1
        totals[currency.code, default: (0, 0)].1 += row.balance.minorUnits
    }
}
