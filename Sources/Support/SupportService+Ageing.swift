import Foundation
import GoodwillCore
import Store

extension SupportService {
    /// What is owed now, the liability report's balances (live, and past expiry but claimable as
    /// payout), by days left to the last valid day and by issue month. Days are counted in each
    /// voucher's own zone, from its today to its last valid day (0: it ends tonight); a blocked
    /// voucher past its day is still owed and has a bucket of its own.
    public func ageingReport() throws -> AgeingReport {
        var buckets = AmountSums("ageing by expiry"), cohorts = AmountSums("ageing by issue month")
        let now = self.now
        var zones = ZonedMonths(now: now)
        func cohort(_ currency: String, _ zoneName: String, _ issuedAt: Int64, _ balance: Int64) throws {
            try cohorts.count(currency, zones.month(of: issuedAt, in: zoneName) ?? "?", balance)
        }
        try db.readTransaction {
            try db.forEach(Self.ageingSQL, [.integer(now.unixMilliseconds)]) { r in
                let currency = r.text(0), zoneName = r.text(1), balance = r.int64(5)
                let bucket: String
                if r.isNull(2) {
                    bucket = AgeingReport.noExpiry
                } else if r.int64(3) != 0 {
                    bucket = AgeingReport.expiredBlocked
                } else {
                    let days = LocalDate(iso: r.text(2)).map { zones.today(in: zoneName).days(until: $0) } ?? 0
                    bucket = AgeingReport.buckets.last { days >= $0.from }?.name ?? AgeingReport.buckets[0].name
                }
                try buckets.count(currency, bucket, balance)
                try cohort(currency, zoneName, r.int64(4), balance)
            }
            try forEachPayoutClaimable(at: now) { v in
                try buckets.count(v.currency, AgeingReport.expiredClaimable, v.balance)
                try cohort(v.currency, v.timeZone, v.issuedAt, v.balance)
            }
        }
        // Every bucket of days for each currency owed, empty or not, in order; the past-expiry ones when they hold something.
        let order = [AgeingReport.expiredClaimable, AgeingReport.expiredBlocked] + AgeingReport.buckets.map(\.name) + [AgeingReport.noExpiry]
        let currencies = Set(buckets.sums.keys.map(\.currency)).sorted()
        let byExpiry = currencies.flatMap { currency in
            order.compactMap { name -> AgeingLine? in
                let sum = buckets.sums[AmountSums.Key(currency: currency, group: name)]
                if sum == nil, name == AgeingReport.expiredClaimable || name == AgeingReport.expiredBlocked { return nil }
                return AgeingLine(currency: currency, bucket: name, vouchers: sum?.vouchers ?? 0, amount: Self.money(sum?.amount ?? 0, currency))
            }
        }
        let byIssueMonth = cohorts.lines
        let totals = try Self.totals(byExpiry.map { AmountLine(currency: $0.currency, month: nil, vouchers: $0.vouchers, amount: $0.amount) })
        return AgeingReport(asOf: RFC3339.format(now), byExpiry: byExpiry, byIssueMonth: byIssueMonth, totals: totals)
    }

    /// One parameter: now, in Unix milliseconds. The liability report's live vouchers, one by one:
    /// currency, zone, last valid day, whether it has passed (a blocked voucher), issued_at, balance.
    /// Read in one pass over the table: through `vouchers_status_expiry` each row was a lookup in
    /// expiry order, 1.5 s for the half of a million vouchers that is live; the whole table in
    /// order takes 0.3 s.
    static let ageingSQL = """
        SELECT currency, time_zone, last_valid_day, coalesce(expires_at <= ?1, 0), issued_at, balance FROM vouchers NOT INDEXED
        WHERE (status = 'active' AND (expires_at IS NULL OR expires_at > ?1)) OR status = 'blocked'
        """
}

/// Each zone's today and the local month of instants in it, by zone name: for a report that meets
/// vouchers of many zones, in any order.
struct ZonedMonths {
    let now: Date
    private var zones: [String: (today: LocalDate, months: ZoneMonths)] = [:]

    init(now: Date) { self.now = now }

    private mutating func load(_ name: String) {
        guard zones[name] == nil else { return }
        let calendar = ZonedCalendar.stored(name)
        zones[name] = (calendar.localDate(of: now), ZoneMonths(calendar))
    }

    mutating func today(in zone: String) -> LocalDate {
        load(zone)
        return zones[zone]!.today
    }

    mutating func month(of instant: Int64, in zone: String) -> String? {
        load(zone)
        return zones[zone]!.months.month(of: instant)
    }
}

/// The local month of instants in one zone, for instants met in any order: `LocalMonths` over the
/// range seen so far, built again (once per month of calendar work) when an instant falls outside.
struct ZoneMonths {
    let zone: ZonedCalendar
    private var low = Int64.max, high = Int64.min
    private var months: LocalMonths?

    init(_ zone: ZonedCalendar) { self.zone = zone }

    mutating func month(of instant: Int64) -> String? {
        if instant < low || instant > high {
            low = min(low, instant)
            high = max(high, instant)
            months = LocalMonths(zone, from: low, through: high)
        }
        return months?.month(of: instant)
    }
}
