import Foundation
import GoodwillCore
import Store

/// The report names of the contract: `goodwill report NAME`, `GET /v1/reports/{name}`. The
/// roll-forward covers a period, so it has a route and a command of its own
/// (`GET /v1/reports/rollforward?from=…&to=…`, `goodwill report rollforward --from … --to …`).
public enum ReportName: String, Sendable, CaseIterable, Codable {
    case liability, expiring, breakage, goodwill, redemption, reconciliation, ageing, curves, rollforward

    /// The reports that answer as of now, with no period.
    public static let asOfNow: [ReportName] = allCases.filter { $0 != .rollforward }
}

extension SupportService {
    /// Any report as of now by name (`days` only matters for `expiring`). The roll-forward needs a
    /// period: `rollForwardReport(from:to:timeZone:)`.
    public func report(_ name: ReportName, days: Int = 30) throws -> any TabularReport {
        switch name {
        case .liability: return try liabilityReport()
        case .expiring: return try expiringReport(days: days)
        case .breakage: return try breakageReport()
        case .goodwill: return try goodwillReport()
        case .redemption: return try redemptionReport()
        case .reconciliation: return try reconciliation()
        case .ageing: return try ageingReport()
        case .curves: return try redemptionCurves()
        case .rollforward: throw SupportError.invalid("The roll-forward covers a period: give its first and last day (from and to, as YYYY-MM-DD).")
        }
    }

    static func money(_ minor: Int64, _ code: String) -> Money {
        // Currencies come from rows the ledger wrote; an unknown one would have failed on the way in.
        Money(minorUnits: minor, currency: Currency(code: code) ?? Currency.sek)
    }

    static func totals(_ lines: [AmountLine]) throws -> [AmountLine] {
        var sums: [String: (Int, Int64)] = [:]
        for l in lines {
            var sum = sums[l.currency, default: (0, 0)]
            sum.0 += l.vouchers
            sum.1 = try add(sum.1, l.amount.minorUnits, to: "total", l.currency)
            sums[l.currency] = sum
        }
        return sums.keys.sorted().map { AmountLine(currency: $0, month: nil, vouchers: sums[$0]!.0, amount: money(sums[$0]!.1, $0)) }
    }

    /// `a + b` for a sum of money, refused rather than trapping when it does not fit in Int64 (a
    /// trap would take the server down with it). Only books holding amounts from before the voucher
    /// limit (`Money.voucherLimitMinorUnits`) can get there; the error says how to find them.
    /// Vouchers and their balances counted by currency and a group (a month, a bucket), the sums
    /// checked for overflow as `what`; `lines` gives them sorted by currency, then group.
    struct AmountSums {
        struct Key: Hashable { var currency: String; var group: String }
        private(set) var sums: [Key: (vouchers: Int, amount: Int64)] = [:]
        let what: String

        init(_ what: String) { self.what = what }

        mutating func count(_ currency: String, _ group: String, _ balance: Int64) throws(SupportError) {
            let key = Key(currency: currency, group: group)
            var sum = sums[key] ?? (0, 0)
            sum.vouchers += 1
            sum.amount = try SupportService.add(sum.amount, balance, to: what, currency)
            sums[key] = sum
        }

        var lines: [AmountLine] {
            sums.sorted { ($0.key.currency, $0.key.group) < ($1.key.currency, $1.key.group) }.map {
                AmountLine(currency: $0.key.currency, month: $0.key.group, vouchers: $0.value.vouchers,
                           amount: SupportService.money($0.value.amount, $0.key.currency))
            }
        }
    }

    static func add(_ a: Int64, _ b: Int64, to what: String, _ currency: String) throws(SupportError) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return sum }
        throw SupportError.tooLargeToAdd(what: what, currency: currency)
    }

    static func subtract(_ a: Int64, _ b: Int64, to what: String, _ currency: String) throws(SupportError) -> Int64 {
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        guard overflow else { return difference }
        throw SupportError.tooLargeToAdd(what: what, currency: currency)
    }

    /// Live balance: active and not past expiry, or blocked (frozen, still owed). Reads the vouchers
    /// in one pass over the table (`NOT INDEXED`): no index holds the balance, which would cost a
    /// page on every redemption (migration 14), and a lookup per row through
    /// `vouchers_status_expiry` is slower than the pass (1.2 s against 0.75 s over a million).
    /// Where the jurisdiction gives a payout right after expiry, the balances it still covers are
    /// owed too: added, and shown apart as `payout_claimable`.
    public func liabilityReport() throws -> LiabilityReport {
        let now = self.now
        let (live, claimable) = try db.readTransaction {
            (try db.query(Self.liabilitySQL, [.integer(now.unixMilliseconds)]) {
                AmountLine(currency: $0.text(0), month: $0.text(1), vouchers: $0.int(2), amount: Self.money($0.int64(3), $0.text(0)))
            }, try payoutClaimable(at: now))
        }
        let lines = try Self.combine(live, claimable, sign: 1)
        return LiabilityReport(asOf: RFC3339.format(now), totals: try Self.totals(lines), byExpiryMonth: lines, payoutClaimable: claimable)
    }

    /// One parameter: now, in Unix milliseconds. A test holds it to one pass over the table.
    static let liabilitySQL = """
        SELECT currency, coalesce(substr(last_valid_day, 1, 7), 'none'), count(*), sum(balance) FROM vouchers NOT INDEXED
        WHERE (status = 'active' AND (expires_at IS NULL OR expires_at > ?)) OR status = 'blocked'
        GROUP BY 1, 2 ORDER BY 1, 2
        """

    /// The ledger's flows by currency and kind, from the `entries_kind` index alone (a test holds it to that).
    static let flowsSQL = "SELECT currency, kind, sum(amount) FROM entries GROUP BY 1, 2"

    /// The expiring report's window (parameters: now and its end, in Unix milliseconds) is read one of
    /// two ways. Through `vouchers_status_expiry`, each voucher in it costs a lookup of its row (about
    /// 4 µs over a million); one pass over the table costs about 0.4 µs a voucher, in it or not. No
    /// index holds the balance (migration 14), so the report first counts the window in the index (a
    /// covering read) and takes the pass when more than a tenth of the vouchers are in it. Over a
    /// million (7 Dec): 30 days 0.08 s through the index, 0.18 s in a pass; 365 days 1.06 s and 0.41 s.
    static func expiringReadsTheTable(inWindow: Int64, of vouchers: Int64) -> Bool { inWindow > vouchers / 10 }

    static let expiringCountSQL = """
        SELECT count(*) FROM vouchers INDEXED BY vouchers_status_expiry
        WHERE status = 'active' AND expires_at > ? AND expires_at <= ?
        """

    static let expiringByIndexSQL = """
        SELECT currency, count(*), sum(balance) FROM vouchers INDEXED BY vouchers_status_expiry
        WHERE status = 'active' AND expires_at > ? AND expires_at <= ? AND balance > 0
        GROUP BY 1 ORDER BY 1
        """

    static let expiringByScanSQL = """
        SELECT currency, count(*), sum(balance) FROM vouchers NOT INDEXED
        WHERE status = 'active' AND expires_at > ? AND expires_at <= ? AND balance > 0
        GROUP BY 1 ORDER BY 1
        """

    /// The days the expiring report looks ahead (the API's `days` says the same).
    public static let expiringReportDays = 1...3650

    public func expiringReport(days: Int) throws -> ExpiringReport {
        let r = Self.expiringReportDays
        guard r.contains(days) else { throw SupportError.invalid("--days takes \(r.lowerBound) to \(r.upperBound) days; got \(days).") }
        let now = self.now
        let until = now.addingTimeInterval(TimeInterval(days) * 86_400)
        let window: [SQLValue] = [.integer(now.unixMilliseconds), .integer(until.unixMilliseconds)]
        let lines = try db.readTransaction {
            let inWindow = try db.scalarInt(Self.expiringCountSQL, window)
            // How many vouchers there are, near enough for choosing (vouchers are never deleted), from
            // the table's last row rather than a count of every one.
            let vouchers = try db.scalarInt("SELECT coalesce(max(seq), 0) FROM vouchers")
            let sql = Self.expiringReadsTheTable(inWindow: inWindow, of: vouchers) ? Self.expiringByScanSQL : Self.expiringByIndexSQL
            return try db.query(sql, window) {
                AmountLine(currency: $0.text(0), month: nil, vouchers: $0.int(1), amount: Self.money($0.int64(2), $0.text(0)))
            }
        }
        return ExpiringReport(asOf: RFC3339.format(now), days: days, until: RFC3339.format(until), totals: lines)
    }

    /// Balances left on expired vouchers (recorded as expired, or active past their last valid day
    /// before the sweep got to them), by the month of that day; less those the holder may still
    /// demand as payout (the liability report's `payout_claimable`), until that right ends.
    public func breakageReport() throws -> BreakageReport {
        let now = self.now
        let (expired, claimable) = try db.readTransaction {
            (try db.query("""
                SELECT currency, substr(last_valid_day, 1, 7), count(*), sum(balance) FROM vouchers NOT INDEXED
                WHERE (status = 'expired' OR (status = 'active' AND expires_at <= ?)) AND balance > 0
                GROUP BY 1, 2 ORDER BY 1, 2
                """, [.integer(now.unixMilliseconds)]) {
                AmountLine(currency: $0.text(0), month: $0.text(1), vouchers: $0.int(2), amount: Self.money($0.int64(3), $0.text(0)))
            }, try payoutClaimable(at: now))
        }
        let lines = try Self.combine(expired, claimable, sign: -1)
        return BreakageReport(asOf: RFC3339.format(now), byMonth: lines, totals: try Self.totals(lines),
                              payoutClaimable: claimable)
    }

    /// Each extension granted, with what was redeemed on its voucher after it (at most the value
    /// it kept alive). The redemptions are found along the voucher's links; `+e.kind` keeps SQLite
    /// from reading every redemption of the book through `entries_kind` for each decision instead
    /// (https://sqlite.org/optoverview.html#disqualifying_where_clause_terms_for_indexing).
    static let goodwillExtensionsSQL = """
        SELECT d.voucher_id, coalesce(d.rule_name, '(by hand)'), d.actor, d.is_override, d.currency, d.days_granted, d.value_extended,
               min(d.value_extended, max(0, coalesce((SELECT -sum(e.amount) FROM entries e WHERE e.id IN (
                    WITH RECURSIVE chain(id) AS (
                        SELECT entry_id FROM voucher_newest_entry WHERE voucher_id = d.voucher_id AND entry_id IS NOT NULL
                        UNION ALL
                        SELECT p.voucher_previous FROM entries p JOIN chain c ON p.id = c.id
                        WHERE p.voucher_previous IS NOT NULL AND p.voucher_previous < c.id
                    ) SELECT id FROM chain)
                    AND +e.kind IN ('redeemed', 'redemption_reversed') AND e.at >= d.at), 0)))
        FROM decisions d WHERE d.days_granted > 0 ORDER BY d.id
        """

    /// Extensions by rule and by agent; "later redeemed" is what was redeemed on the voucher after
    /// the grant, at most the balance the grant kept alive. Totals count each voucher once, from its
    /// first extension, so two extensions of one voucher do not count its redemptions twice.
    public func goodwillReport() throws -> GoodwillReport {
        struct Key: Hashable { var group: String; var name: String; var currency: String }
        var lines: [Key: GoodwillLine] = [:]
        func add(_ key: Key, days: Int, isOverride: Bool, kept: Int64, back: Int64) throws {
            var l = lines[key] ?? GoodwillLine(group: key.group, name: key.name, currency: key.currency, extensions: 0, days: 0,
                                               overrides: 0, valueKeptAlive: Self.money(0, key.currency), laterRedeemed: Self.money(0, key.currency))
            l.extensions += 1; l.days += days; l.overrides += isOverride ? 1 : 0
            l.valueKeptAlive = Self.money(try Self.add(l.valueKeptAlive.minorUnits, kept, to: "value kept alive", key.currency), key.currency)
            l.laterRedeemed = Self.money(try Self.add(l.laterRedeemed.minorUnits, back, to: "value later redeemed", key.currency), key.currency)
            lines[key] = l
        }
        var firstPerVoucher = Set<String>()
        var overrides = 0
        try db.readTransaction {
            try db.forEach(Self.goodwillExtensionsSQL) { r in
                let cur = r.text(4), days = r.int(5), ov = r.int64(3) != 0, kept = r.int64(6), back = r.int64(7)
                try add(Key(group: "rule", name: r.text(1), currency: cur), days: days, isOverride: ov, kept: kept, back: back)
                try add(Key(group: "agent", name: r.text(2), currency: cur), days: days, isOverride: ov, kept: kept, back: back)
                if ov { overrides += 1 }
                if firstPerVoucher.insert(r.text(0)).inserted {
                    try add(Key(group: "total", name: "all", currency: cur), days: days, isOverride: ov, kept: kept, back: back)
                } else if var t = lines[Key(group: "total", name: "all", currency: cur)] {
                    t.extensions += 1; t.days += days; t.overrides += ov ? 1 : 0
                    lines[Key(group: "total", name: "all", currency: cur)] = t
                }
            }
        }
        let outcomes = Dictionary(uniqueKeysWithValues: try db.query("SELECT outcome, count(*) FROM decisions GROUP BY outcome") { ($0.text(0), $0.int(1)) })
        let sorted = lines.values.sorted { ($0.group, $0.name, $0.currency) < ($1.group, $1.name, $1.currency) }
        return GoodwillReport(asOf: RFC3339.format(now), byRule: sorted.filter { $0.group == "rule" },
                              byAgent: sorted.filter { $0.group == "agent" }, totals: sorted.filter { $0.group == "total" },
                              overrides: overrides, referred: outcomes["refer"] ?? 0, denied: outcomes["deny"] ?? 0)
    }

    /// Issued and redeemed by issue month, the month counted in the voucher's own zone (a voucher
    /// sold at 00:30 on 1 February in Stockholm is a February voucher, though it is still January
    /// in UTC), as its last valid day is.
    public func redemptionReport() throws -> RedemptionReport {
        struct Key: Hashable { var currency: String; var month: String }
        var sums: [Key: (vouchers: Int, issued: Int64, redeemed: Int64)] = [:]
        try db.readTransaction {
            var months: [String: LocalMonths] = [:]
            try db.forEach("SELECT time_zone, min(issued_at), max(issued_at) FROM vouchers GROUP BY 1") { r in
                let zone = ZonedCalendar.stored(r.text(0))
                months[r.text(0)] = LocalMonths(zone, from: r.int64(1), through: r.int64(2))
            }
            try db.forEach("""
                SELECT v.currency, v.time_zone, v.issued_at, v.value, coalesce(r.redeemed, 0)
                FROM vouchers v LEFT JOIN (SELECT voucher_id, -sum(amount) AS redeemed FROM entries
                                           WHERE kind IN ('redeemed', 'redemption_reversed') GROUP BY voucher_id) r ON r.voucher_id = v.id
                """) { r in
                let currency = r.text(0)
                guard let month = months[r.text(1)]?.month(of: r.int64(2)) else { return }
                let key = Key(currency: currency, month: month)
                var sum = sums[key] ?? (0, 0, 0)
                sum.vouchers += 1
                sum.issued = try Self.add(sum.issued, r.int64(3), to: "value issued", currency)
                sum.redeemed = try Self.add(sum.redeemed, r.int64(4), to: "value redeemed", currency)
                sums[key] = sum
            }
        }
        let cohorts = sums.sorted { ($0.key.currency, $0.key.month) < ($1.key.currency, $1.key.month) }.map { key, sum in
            return RedemptionCohort(currency: key.currency, issueMonth: key.month, vouchers: sum.vouchers,
                                    issued: Self.money(sum.issued, key.currency), redeemed: Self.money(sum.redeemed, key.currency),
                                    redeemedPercent: Self.redeemedPercent(sum.redeemed, of: sum.issued))
        }
        return RedemptionReport(asOf: RFC3339.format(now), cohorts: cohorts)
    }

    /// Value redeemed as a percent of value issued, to one decimal (0 when nothing was issued): the
    /// redemption report's figure, and each point of the redemption curves, whose last point is it.
    static func redeemedPercent(_ redeemed: Int64, of issued: Int64) -> Double {
        issued > 0 ? (Double(redeemed) * 1000 / Double(issued)).rounded() / 10 : 0
    }

    /// Checks the books: the voucher rows (liability, breakage) against the ledger's flows. A
    /// balance still claimable as payout after expiry is liability, not breakage, as in those reports.
    public func reconciliation() throws -> ReconciliationReport {
        let now = self.now
        var flows: [String: [String: Int64]] = [:]
        var rows: [String: (liability: Int64, breakage: Int64)] = [:]
        try db.readTransaction {
            try db.forEach(Self.flowsSQL) { flows[$0.text(0), default: [:]][$0.text(1)] = $0.int64(2) }
            try db.forEach("""
                SELECT currency,
                    sum(CASE WHEN (status = 'active' AND (expires_at IS NULL OR expires_at > ?1)) OR status = 'blocked' THEN balance ELSE 0 END),
                    sum(CASE WHEN status = 'expired' OR (status = 'active' AND expires_at <= ?1) THEN balance ELSE 0 END)
                FROM vouchers GROUP BY currency
                """, [.integer(now.unixMilliseconds)]) { rows[$0.text(0)] = ($0.int64(1), $0.int64(2)) }
            for c in try Self.totals(try payoutClaimable(at: now)) {
                let r = rows[c.currency] ?? (0, 0), owed = c.amount.minorUnits
                rows[c.currency] = (try Self.add(r.liability, owed, to: "reconciliation", c.currency),
                                    try Self.subtract(r.breakage, owed, to: "reconciliation", c.currency))
            }
        }
        let lines = try Set(flows.keys).union(rows.keys).sorted().map { cur throws(SupportError) -> ReconciliationLine in
            let f = flows[cur] ?? [:]
            // Checked: plain + and - would trap, and take the server down, on books that overflow.
            func add(_ a: Int64, _ b: Int64) throws(SupportError) -> Int64 { try Self.add(a, b, to: "reconciliation", cur) }
            func minus(_ a: Int64) throws(SupportError) -> Int64 { try Self.subtract(0, a, to: "reconciliation", cur) }
            let issued = f["issued"] ?? 0
            let redeemed = try minus(try add(f["redeemed"] ?? 0, f["redemption_reversed"] ?? 0))
            let refunded = try minus(f["refunded"] ?? 0), voided = try minus(f["voided"] ?? 0), adjusted = f["adjusted"] ?? 0
            let r = rows[cur] ?? (0, 0)
            let accounted = try add(try add(try add(r.liability, redeemed), refunded), r.breakage)
            let owed = try Self.subtract(try add(issued, adjusted), voided, to: "reconciliation", cur)
            let difference = try Self.subtract(accounted, owed, to: "reconciliation", cur)
            return ReconciliationLine(currency: cur, issued: Self.money(issued, cur), redeemed: Self.money(redeemed, cur),
                                      refunded: Self.money(refunded, cur), voided: Self.money(voided, cur), adjusted: Self.money(adjusted, cur),
                                      liability: Self.money(r.liability, cur), breakage: Self.money(r.breakage, cur),
                                      difference: Self.money(difference, cur))
        }
        return ReconciliationReport(asOf: RFC3339.format(now), currencies: lines, balanced: lines.allSatisfy(\.balanced))
    }
}

/// The local month ("YYYY-MM") of instants in one zone between two instants, by a binary search of
/// the months' first instants: the calendar once per month, not once per voucher.
struct LocalMonths {
    /// First instant (Unix ms) of each month, ascending, with its name.
    private var starts: [(at: Int64, month: String)] = []

    init(_ zone: ZonedCalendar, from first: Int64, through last: Int64) {
        let day = zone.localDate(of: Date(unixMilliseconds: first))
        var month = LocalDate(year: day.year, month: day.month, day: 1)
        while let firstDay = month {
            let at = zone.startOfDay(firstDay).unixMilliseconds
            if at > last && !starts.isEmpty { break }
            starts.append((at, String(firstDay.isoString.prefix(7))))
            month = firstDay.adding(months: 1)
        }
    }

    func month(of instant: Int64) -> String? {
        var low = 0, high = starts.count
        while low < high {
            let mid = (low + high) / 2
            if starts[mid].at <= instant { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? nil : starts[low - 1].month
    }
}
