import Foundation
import GoodwillCore
import PolicyEngine
import Store

extension SupportService {
    /// Balances past expiry that the holder may still demand as money under the jurisdiction in
    /// force (Denmark: during validity and a year after; a small-balance threshold: at any time),
    /// each decided by `cashOutAllowed`, the rule `close` refunds by. Still owed, so liability and
    /// not breakage until the right ends. By currency and month of the last valid day; empty,
    /// reading nothing, when the preset gives no right after expiry.
    func payoutClaimable(at now: Date) throws -> [AmountLine] {
        var sums = AmountSums("payout-claimable liability")
        try forEachPayoutClaimable(at: now) { v in try sums.count(v.currency, String(v.lastValidDay.prefix(7)), v.balance) }
        return sums.lines
    }

    /// A voucher past expiry whose balance the holder may still claim as payout.
    struct ClaimableVoucher {
        var currency: String
        /// YYYY-MM-DD, in `timeZone`.
        var lastValidDay: String
        var timeZone: String
        var balance: Int64
        /// Unix ms.
        var issuedAt: Int64
    }

    /// Each voucher `payoutClaimable` counts, one by one (the ageing report needs its issue month).
    func forEachPayoutClaimable(at now: Date, _ body: (ClaimableVoucher) throws -> Void) throws {
        guard let preset = try ledger.jurisdiction() else { return }
        let period = preset.payoutAfterExpiry()
        let threshold = preset.cashOut.thresholds.map(\.belowMinor).max()
        guard period != nil || threshold != nil else { return }
        // Only a voucher whose expiry lies within the period can still be claimed under it: a range
        // on `vouchers_status_expiry`. A day of slack, as the period ends at midnight in the voucher's
        // zone; which side of it each one is on is decided below, by day, as closing decides it.
        let since = period.map { now.unixMilliseconds - Int64($0.maximumDays + 1) * 86_400_000 } ?? now.unixMilliseconds
        var zones: [String: ZonedCalendar] = [:]
        func decide(_ r: Row) throws {
            let currency = r.text(0), day = r.text(1), zoneName = r.text(2), balance = r.int64(3)
            guard let lastValidDay = LocalDate(iso: day) else { return }
            let zone = zones[zoneName] ?? ZonedCalendar.stored(zoneName)
            zones[zoneName] = zone
            guard case .holderEntitled = preset.cashOutAllowed(balance: balance, currency: currency, on: zone.localDate(of: now),
                                                               lastValidDay: lastValidDay) else { return }
            try body(ClaimableVoucher(currency: currency, lastValidDay: day, timeZone: zoneName, balance: balance, issuedAt: r.int64(4)))
        }
        if period != nil { try db.forEach(Self.payoutCandidatesSQL, [.integer(now.unixMilliseconds), .integer(since)], decide) }
        // Under a threshold a small balance may be claimed however long ago it expired: those
        // before the period's range (all of them, without a period), small enough to qualify.
        if let threshold { try db.forEach(Self.smallBalanceCandidatesSQL, [.integer(now.unixMilliseconds), .integer(since), .integer(threshold)], decide) }
    }

    /// Parameters: now and the earliest expiry that may still be claimed, in Unix milliseconds.
    /// The rows the breakage report counts, narrowed to that range of `expires_at`.
    static let payoutCandidatesSQL = """
        SELECT currency, last_valid_day, time_zone, balance, issued_at FROM vouchers
        WHERE status IN ('expired', 'active') AND expires_at > ?2 AND (status = 'expired' OR expires_at <= ?1) AND balance > 0
        """

    /// Parameters: now, the start of the period's range (as above; now without a period), and the
    /// largest threshold. The rows the breakage report counts before that range, under it.
    static let smallBalanceCandidatesSQL = """
        SELECT currency, last_valid_day, time_zone, balance, issued_at FROM vouchers
        WHERE status IN ('expired', 'active') AND expires_at <= ?2 AND expires_at <= ?1 AND balance > 0 AND balance < ?3
        """

    /// `lines` with `other` added (`sign` 1) or taken away (`sign` -1), line by line of currency
    /// and month; a line left with no voucher goes.
    static func combine(_ lines: [AmountLine], _ other: [AmountLine], sign: Int) throws -> [AmountLine] {
        struct Key: Hashable { var currency: String; var month: String? }
        var merged = Dictionary(lines.map { (Key(currency: $0.currency, month: $0.month), $0) }, uniquingKeysWith: { a, _ in a })
        for o in other {
            let key = Key(currency: o.currency, month: o.month)
            var line = merged[key] ?? AmountLine(currency: o.currency, month: o.month, vouchers: 0, amount: money(0, o.currency))
            line.vouchers += sign * o.vouchers
            let amount = sign > 0 ? try add(line.amount.minorUnits, o.amount.minorUnits, to: "liability", o.currency)
                : try subtract(line.amount.minorUnits, o.amount.minorUnits, to: "breakage", o.currency)
            line.amount = money(amount, o.currency)
            merged[key] = line
        }
        return merged.values.filter { $0.vouchers != 0 }.sorted { ($0.currency, $0.month ?? "") < ($1.currency, $1.month ?? "") }
    }
}
