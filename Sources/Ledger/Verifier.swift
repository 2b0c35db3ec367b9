import Foundation
import GoodwillCore
import Store

/// The outcome of replaying the whole ledger.
public struct VerifyReport: Sendable, Encodable, Equatable {
    public var vouchers: Int
    public var entries: Int
    /// Hex SHA-256 at the head of the chain: publish it to detect a rewritten history later.
    public var headHash: String
    public var discrepancies: [String]

    public var ok: Bool { discrepancies.isEmpty }

    enum CodingKeys: String, CodingKey { case vouchers, entries, headHash = "head_hash", discrepancies, ok }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(vouchers, forKey: .vouchers); try c.encode(entries, forKey: .entries)
        try c.encode(headHash, forKey: .headHash); try c.encode(discrepancies, forKey: .discrepancies)
        try c.encode(ok, forKey: .ok)
    }
}

/// Checks the file's pages and indexes (SQLite's quick_check), then replays every entry and
/// proves (1) the hash chain is unbroken and each entry's hash matches its content, (2) each
/// entry's balance follows from the one before, (3) every voucher row equals the state its
/// entries lead to, and (4) each voucher's list of entries (`last_entry`, `voucher_previous`,
/// which the entries listing follows) holds exactly its entries, in order.
/// It knows the arithmetic, not the business rules, so a bug in an operation cannot hide itself here.
public struct Verifier {
    public let store: LedgerStore
    /// Stop collecting after this many (the first one is what matters).
    public var maxDiscrepancies = 50

    public init(store: LedgerStore) { self.store = store }

    struct Replayed {
        var value: Int64
        var balance: Int64
        var currency: Currency
        var status: VoucherStatus
        var expiry: Expiry?
        var redemptions: [Int64: Int64] = [:]  // entry id → amount redeemed
        /// The voided or refunded entry that took the voucher's money off the books for good.
        var finalEntry: (id: Int64, kind: EntryKind)?
        /// The voucher's newest entry so far: what its next entry must link back to.
        var lastEntry: Int64 = 0
    }

    public func run() throws -> VerifyReport {
        var problems: [String] = []
        func note(_ s: String) { if problems.count < maxDiscrepancies { problems.append(s) } }
        var state: [VoucherID: Replayed] = [:]
        var previous = LedgerEntry.genesisHash
        var expectedID: Int64 = 1
        var count = 0
        var vouchers = 0
        var seen = Set<VoucherID>()
        try store.db.readTransaction {
            // The file itself first (https://sqlite.org/pragma.html#pragma_quick_check): a damaged
            // page or index can sit where no entry or voucher read below reaches it (a reviewer's
            // book failed integrity_check while every entry replayed), and every other answer of
            // this report rests on the file being whole.
            let damage = try store.db.query("PRAGMA quick_check") { $0.text(0) }.filter { $0 != "ok" }
            for line in damage { note("the database file is damaged (SQLite's quick_check: \(line)); restore it from a backup") }
            guard damage.isEmpty else { return }
            try store.forEachEntryRow { row, link in
                count += 1
                let e: LedgerEntry
                do { e = try row() } catch {
                    note("\(error)")
                    return
                }
                let where_ = "entry \(e.id) (\(e.kind.rawValue) on \(e.voucherID.rawValue))"
                if e.id != expectedID {
                    note("entry \(e.id): expected entry \(expectedID) next; entries \(expectedID)–\(e.id - 1) are missing from the chain")
                }
                expectedID = e.id + 1
                if e.previousHash != previous {
                    note("\(where_): its previous-hash does not match the entry before it; the chain was altered here")
                }
                if LedgerEntry.chainHash(previous: e.previousHash, content: e.canonicalContent) != e.hash {
                    note("\(where_): its hash does not match its content; the entry was altered after it was written")
                }
                previous = e.hash
                let before = state[e.voucherID]?.lastEntry
                if link != before {
                    let says = link.map { "entry \($0)" } ?? "none"
                    note("\(where_): links back to \(says) as its voucher's entry before it, but that is \(before.map { "entry \($0)" } ?? "none"); the voucher's entries would be listed wrongly")
                }
                replay(e, into: &state, note: note)
                state[e.voucherID]?.lastEntry = e.id
            }
            try store.forEachVoucherWithLastEntry { v, lastEntry in
                vouchers += 1
                seen.insert(v.id)
                guard let r = state[v.id] else {
                    note("voucher \(v.id.rawValue): has no issued entry")
                    return
                }
                if lastEntry != r.lastEntry {
                    note("voucher \(v.id.rawValue): names \(lastEntry.map { "entry \($0)" } ?? "no entry") as its newest, but that is entry \(r.lastEntry); its entries would be listed wrongly")
                }
                if v.value.minorUnits != r.value || v.value.currency != r.currency {
                    note("voucher \(v.id.rawValue): value \(v.value) but its issued entry says \(Money(minorUnits: r.value, currency: r.currency))")
                }
                if v.balance.minorUnits != r.balance {
                    note("voucher \(v.id.rawValue): balance \(v.balance) but its entries add up to \(Money(minorUnits: r.balance, currency: r.currency))")
                }
                if v.storedStatus != r.status {
                    note("voucher \(v.id.rawValue): status \(v.storedStatus.rawValue) but its last entry says \(r.status.rawValue)")
                }
                if v.expiry != r.expiry {
                    // The same day with another instant or zone: say those, or the line contradicts itself.
                    let sameDay = v.expiry != nil && v.expiry?.lastValidDay == r.expiry?.lastValidDay
                    func show(_ e: Expiry?) -> String {
                        guard let e else { return "none" }
                        return sameDay ? "\(e.lastValidDay) (\(e.timeZone), ends \(RFC3339.format(e.instant)))" : e.lastValidDay.isoString
                    }
                    note("voucher \(v.id.rawValue): expiry \(show(v.expiry)) but its entries say \(show(r.expiry))")
                }
            }
        }
        for id in state.keys where !seen.contains(id) {
            note("entries name voucher \(id.rawValue), which has no row")
        }
        return VerifyReport(vouchers: vouchers, entries: count, headHash: previous.hexString, discrepancies: problems)
    }

    private func replay(_ e: LedgerEntry, into state: inout [VoucherID: Replayed], note: (String) -> Void) {
        let where_ = "entry \(e.id) (\(e.kind.rawValue) on \(e.voucherID.rawValue))"
        if e.kind == .issued {
            if state[e.voucherID] != nil { note("\(where_): a second issued entry for the same voucher") }
            if e.amount <= 0 || e.balanceAfter != e.amount { note("\(where_): issued \(e.amount) but balance after is \(e.balanceAfter)") }
            state[e.voucherID] = Replayed(value: e.amount, balance: e.balanceAfter, currency: e.currency,
                                          status: e.statusAfter, expiry: e.expiryAfter)
            return
        }
        guard var r = state[e.voucherID] else {
            note("\(where_): comes before the voucher was issued")
            return
        }
        if e.currency != r.currency { note("\(where_): currency \(e.currency.code) but the voucher is in \(r.currency.code)") }
        let (expected, overflow) = r.balance.addingReportingOverflow(e.amount)
        if overflow || expected != e.balanceAfter {
            note("\(where_): balance \(r.balance) \(e.amount >= 0 ? "+" : "−") \(abs(e.amount)) should be \(expected), but the entry says \(e.balanceAfter)")
        }
        if e.balanceAfter < 0 { note("\(where_): balance after is negative") }
        if let final = r.finalEntry, e.amount != 0 || [.redeemed, .redemptionReversed, .adjusted].contains(e.kind) {
            note("\(where_): moves money after entry \(final.id) \(final.kind.rawValue) the voucher; nothing may change its balance after that")
        }
        switch e.kind {
        case .redeemed:
            if e.amount >= 0 { note("\(where_): a redemption must take money off, not add it") }
            // The import's record of money spent in the old system is not there to be reversed.
            if !e.isImportedRedemption { r.redemptions[e.id] = -e.amount }
        case .redemptionReversed:
            if let related = e.relatedEntryID, let redeemed = r.redemptions[related] {
                if redeemed != e.amount { note("\(where_): reverses \(redeemed) but puts back \(e.amount)") }
                r.redemptions[related] = nil  // a second reversal of it will not find it
            } else {
                note("\(where_): reverses entry \(e.relatedEntryID.map(String.init) ?? "none"), which is not an unreversed redemption of this voucher")
            }
        case .extended:
            if e.amount != 0 { note("\(where_): moves money, but an extended entry never does") }
            r.expiry = e.expiryAfter
        case .blocked, .unblocked, .expired:
            if e.amount != 0 { note("\(where_): moves money, but a \(e.kind.rawValue) entry never does") }
        case .voided, .refunded:
            if e.balanceAfter != 0 { note("\(where_): leaves a balance of \(e.balanceAfter); it must take all of it") }
            if r.finalEntry == nil { r.finalEntry = (e.id, e.kind) }
        case .adjusted, .issued:
            break
        }
        r.balance = e.balanceAfter
        r.status = e.statusAfter
        state[e.voucherID] = r
    }
}

extension Ledger {
    public func verify() throws -> VerifyReport { try Verifier(store: store).run() }
}
