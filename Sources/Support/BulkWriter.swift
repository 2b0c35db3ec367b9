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
        try db.run("INSERT INTO holders (id, email_key, email, name, first_seen_at) VALUES (?, ?, ?, ?, ?)",
                   [.text(h.id.rawValue), .text(key), .text(email), .optional(name), .integer(now.unixMilliseconds)])
        holdersCreated += 1
        holders[key] = h.id
        return h.id
    }

    mutating func append(_ e: LedgerEntry) throws {
        var e = e
        e.id = nextID
        e.previousHash = head
        e.hash = LedgerEntry.chainHash(previous: head, content: e.canonicalContent)
        try store.append(e)
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
        try store.insert(v, codeKey: row.codeKey)
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
