import Foundation
import GoodwillCore

/// What one imported row becomes in the ledger: its new ID, its expiry and status, and the entries
/// the ledger would have written for it (`issued`, then `redeemed` for what was used before the
/// import, then `expired` if its day has passed), numbered and hash-chained.
struct PlannedVoucher: Sendable {
    var voucherID: VoucherID
    var expiry: Expiry?
    var status: VoucherStatus
    var entries: [LedgerEntry]
}

/// Builds `PlannedVoucher`s and keeps the chain's head. The checking stage runs one ahead of the
/// writer, assuming every row it passes will be written, so the hashing (a tenth of the writer's
/// time) happens on the other core. The writer keeps its own head and re-chains a row whose
/// entries do not follow it (after a row it refused because its code was already on file).
struct ImportChain: Sendable {
    let actor: String
    let reason: String
    let now: Date
    let zone: ZonedCalendar
    private(set) var nextID: Int64
    private(set) var head: [UInt8]
    private var expiries: [LocalDate: Expiry] = [:]

    init(actor: String, reason: String, now: Date, zone: ZonedCalendar, nextID: Int64, head: [UInt8]) {
        self.actor = actor; self.reason = reason; self.now = now; self.zone = zone; self.nextID = nextID; self.head = head
    }

    mutating func plan(_ row: VoucherImporter.Row) -> PlannedVoucher {
        var expiry: Expiry?
        if let day = row.lastDay {
            if let e = expiries[day] { expiry = e } else {
                let e = Expiry(lastValidDay: day, calendar: zone)
                expiries[day] = e
                expiry = e
            }
        }
        let id = VoucherID.generate()
        let balance = row.balance.minorUnits, value = row.value.minorUnits, currency = row.value.currency
        let status = Voucher.naturalStatus(balance: balance, expiry: expiry, at: now)
        var entries = [LedgerEntry(id: 0, voucherID: id, kind: .issued, amount: value, balanceAfter: value,
                                   currency: currency, at: row.issuedAt, actor: actor, reason: reason, reference: LedgerEntry.importReference,
                                   expiryAfter: expiry, statusAfter: .active)]
        if value > balance {
            entries.append(LedgerEntry(id: 0, voucherID: id, kind: .redeemed, amount: balance - value, balanceAfter: balance,
                                       currency: currency, at: now, actor: actor,
                                       reason: LedgerEntry.importedRedemptionReason, reference: LedgerEntry.importReference,
                                       statusAfter: balance == 0 ? .redeemed : .active))
        }
        if status == .expired {
            entries.append(LedgerEntry(id: 0, voucherID: id, kind: .expired, amount: 0, balanceAfter: balance,
                                       currency: currency, at: now, actor: actor, reason: "expired before the import", statusAfter: .expired))
        }
        var planned = PlannedVoucher(voucherID: id, expiry: expiry, status: status, entries: entries)
        chain(&planned)
        return planned
    }

    /// True when `planned`'s entries continue this chain as it stands.
    func follows(_ planned: PlannedVoucher) -> Bool {
        guard let first = planned.entries.first else { return true }
        return first.id == nextID && first.previousHash == head
    }

    /// Numbers and hashes `planned`'s entries after this chain's head, and moves the head past them.
    mutating func chain(_ planned: inout PlannedVoucher) {
        for i in planned.entries.indices {
            planned.entries[i].id = nextID
            planned.entries[i].previousHash = head
            let hash = LedgerEntry.chainHash(previous: head, content: planned.entries[i].canonicalContent)
            planned.entries[i].hash = hash
            head = hash
            nextID += 1
        }
    }

    /// Moves the head past entries that were chained elsewhere and are now written.
    mutating func advance(past planned: PlannedVoucher) {
        guard let last = planned.entries.last else { return }
        nextID = last.id + 1
        head = last.hash
    }
}
