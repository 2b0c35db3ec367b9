import Foundation
import GoodwillCore
import Ledger
import Store

/// Writes imported vouchers the way the ledger would (an `issued` entry, then a `redeemed` entry for
/// what was used before the import, then `expired` if its day has passed), chaining hashes in
/// memory instead of reading the chain head for every entry. Runs inside the caller's transaction.
struct BulkWriter {
    let db: Database
    let store: LedgerStore
    let actor: String
    let reason: String
    let zone: ZonedCalendar
    let now: Date
    let issuer: String
    var nextID: Int64
    var head: [UInt8]
    var holders: [String: HolderID] = [:]
    var holdersCreated = 0
    var totals: [String: (Int, Int64)] = [:]
    var random = BufferedSystemRandom()
    var expiries: [LocalDate: Expiry] = [:]
    /// An empty holders table at the start: every email is new unless we created it in this import.
    let holdersOnFile: Bool

    init(service: SupportService, actor: String, reason: String, zone: ZonedCalendar, now: Date) throws {
        db = service.db; store = service.ledger.store; self.actor = actor; self.reason = reason; self.zone = zone; self.now = now
        issuer = service.ledger.configuration.issuer
        let last = try store.lastEntry()
        nextID = (last?.id ?? 0) + 1
        head = last?.hash ?? LedgerEntry.genesisHash
        holdersOnFile = try db.scalarInt("SELECT count(*) FROM holders") > 0
        insertHolder = try db.cachedStatement("INSERT INTO holders (id, email_key, email, name, first_seen_at) VALUES (?, ?, ?, ?, ?)")
        insertVoucher = try db.cachedStatement("""
            INSERT INTO vouchers (id, code, code_key, issuer, kind, status, currency, value, balance, issued_at,
                last_valid_day, expires_at, time_zone, holder_id, purchaser_id, experience, message)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertEntry = try db.cachedStatement("INSERT INTO entries (\(LedgerStore.entryColumnList)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        // What is the same on every row is bound once: bindings outlive a statement's reset.
        try insertHolder.bind(5, now.unixMilliseconds)
        try insertVoucher.bind(4, issuer)
        try insertVoucher.bind(17, nil as String?)  // message
        try insertEntry.bind(8, actor)
        try insertEntry.bind(11, nil as String?)  // idempotency key
        try insertEntry.bind(12, nil as Int64?)   // related entry
        try insertEntry.bind(17, nil as Int64?)   // decision
    }

    // Prepared once for the whole import, bound by index: a million rows would otherwise build a
    // value array and look the statement up by its SQL text for every insert.
    let insertHolder: Statement
    let insertVoucher: Statement
    let insertEntry: Statement

    /// `LedgerStore.insert(_:codeKey:)` with the import's constant columns already bound.
    func insert(_ v: Voucher, codeKey: String) throws {
        let s = insertVoucher
        try s.bind(1, v.id.rawValue)
        try s.bind(2, v.code)
        try s.bind(3, codeKey)
        try s.bind(5, v.kind.rawValue)
        try s.bind(6, v.storedStatus.rawValue)
        try s.bind(7, v.value.currency.code)
        try s.bind(8, v.value.minorUnits)
        try s.bind(9, v.balance.minorUnits)
        try s.bind(10, v.issuedAt.unixMilliseconds)
        try s.bind(11, v.expiry?.lastValidDay.isoString)
        try s.bind(12, v.expiry?.instant.unixMilliseconds)
        try s.bind(13, v.timeZone)
        try s.bind(14, v.holderID?.rawValue)
        try s.bind(15, v.purchaserID?.rawValue)
        try s.bind(16, v.experience)
        try s.run()
    }

    /// `LedgerStore.append(_:)` for an entry of this import (actor, no idempotency key, related
    /// entry or decision: bound once).
    func insert(_ e: LedgerEntry) throws {
        assert(e.actor == actor && e.idempotencyKey == nil && e.relatedEntryID == nil && e.decisionID == nil)
        let s = insertEntry
        try s.bind(1, e.id)
        try s.bind(2, e.voucherID.rawValue)
        try s.bind(3, e.kind.rawValue)
        try s.bind(4, e.amount)
        try s.bind(5, e.balanceAfter)
        try s.bind(6, e.currency.code)
        try s.bind(7, e.at.unixMilliseconds)
        try s.bind(9, e.reason)
        try s.bind(10, e.reference)
        try s.bind(13, e.expiryAfter?.lastValidDay.isoString)
        try s.bind(14, e.expiryAfter?.timeZone)
        try s.bind(15, e.expiryAfter?.instant.unixMilliseconds)
        try s.bind(16, e.statusAfter.rawValue)
        try s.bind(18, blob: e.previousHash)
        try s.bind(19, blob: e.hash)
        try s.run()
    }

    mutating func holder(_ email: String?, name: String?) throws -> HolderID? {
        guard let email else { return nil }
        // Validated emails hold no whitespace, so Holder.normalize comes down to lowercasing.
        let key = email.lowercased()
        if let id = holders[key] { return id }
        if holdersOnFile, let existing = try store.holder(email: email) {
            try store.complete(existing.id, name: name, locale: nil, timeZone: nil)
            holders[key] = existing.id
            return existing.id
        }
        let h = Holder(id: FastText.identifier(HolderID.self, using: &random), email: email, name: name, locale: nil, timeZone: nil, firstSeenAt: now)
        try insertHolder.bind(1, h.id.rawValue)
        try insertHolder.bind(2, key)
        try insertHolder.bind(3, email)
        try insertHolder.bind(4, name)
        try insertHolder.run()  // first_seen_at (5) is bound once, in init
        holdersCreated += 1
        holders[key] = h.id
        return h.id
    }

    mutating func append(_ e: LedgerEntry) throws {
        var e = e
        e.id = nextID
        e.previousHash = head
        e.hash = LedgerEntry.chainHash(previous: head, content: e.canonicalContent)
        try insert(e)
        head = e.hash
        nextID += 1
    }

    mutating func write(_ row: VoucherImporter.Row) throws {
        let holderID = try holder(row.holderEmail, name: row.holderName)
        let purchaserID = try holder(row.purchaserEmail, name: row.purchaserName)
        var expiry: Expiry?
        if let day = row.lastDay {
            if let e = expiries[day] { expiry = e } else {
                let e = Expiry(lastValidDay: day, calendar: zone)
                expiries[day] = e
                expiry = e
            }
        }
        var v = Voucher(id: FastText.identifier(VoucherID.self, using: &random), code: row.code, value: row.value, balance: row.value, storedStatus: .active, issuedAt: row.issuedAt,
                        expiry: expiry, timeZone: zone.identifier, holderID: holderID, purchaserID: purchaserID, kind: row.kind,
                        experience: row.experience, message: nil, issuer: issuer)
        let final = v.naturalStatus(balance: row.balance.minorUnits, at: now)
        v.balance = row.balance
        v.storedStatus = final
        try insert(v, codeKey: row.codeKey)
        let currency = row.value.currency
        try append(LedgerEntry(id: 0, voucherID: v.id, kind: .issued, amount: row.value.minorUnits, balanceAfter: row.value.minorUnits,
                               currency: currency, at: row.issuedAt, actor: actor, reason: reason, reference: "import",
                               expiryAfter: expiry, statusAfter: .active))
        let used = row.value.minorUnits - row.balance.minorUnits
        if used > 0 {
            try append(LedgerEntry(id: 0, voucherID: v.id, kind: .redeemed, amount: -used, balanceAfter: row.balance.minorUnits,
                                   currency: currency, at: now, actor: actor, reason: "redeemed before the import", reference: "import",
                                   statusAfter: row.balance.minorUnits == 0 ? .redeemed : .active))
        }
        if final == .expired {
            try append(LedgerEntry(id: 0, voucherID: v.id, kind: .expired, amount: 0, balanceAfter: row.balance.minorUnits,
                                   currency: currency, at: now, actor: actor, reason: "expired before the import", statusAfter: .expired))
        }
        totals[currency.code, default: (0, 0)].0 += 1
        totals[currency.code, default: (0, 0)].1 += row.balance.minorUnits
    }
}
