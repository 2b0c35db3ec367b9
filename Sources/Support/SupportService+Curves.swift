import Foundation
import GoodwillCore
import Store

extension SupportService {
    /// Redemption curves: per currency and issue month (in the voucher's zone, as the redemption
    /// report counts cohorts), the value redeemed net of reversals by the end of each month after
    /// the issue month, through the current month. A redemption's month is counted in its voucher's
    /// zone too.
    public func redemptionCurves() throws -> RedemptionCurvesReport {
        struct Key: Hashable { var currency: String; var month: String }
        struct Cohort { var vouchers = 0; var issued: Int64 = 0; var age = 0; var redeemed: [Int: Int64] = [:] }
        var cohorts: [Key: Cohort] = [:]
        let now = self.now
        var zones = ZonedMonths(now: now)
        /// The month of an instant in a zone, and its number (months since year 0).
        func month(_ zoneName: String, _ instant: Int64) -> (name: String, number: Int) {
            let name = zones.month(of: instant, in: zoneName) ?? "0000-01"
            let utf8 = Array(name.utf8)
            var year = 0, month = 0
            for b in utf8.prefix(4) { year = year * 10 + Int(b) - 48 }
            for b in utf8.dropFirst(5).prefix(2) { month = month * 10 + Int(b) - 48 }
            return (name, year * 12 + month - 1)
        }
        try db.readTransaction {
            try db.forEach("SELECT currency, time_zone, issued_at, value FROM vouchers") { r in
                let currency = r.text(0), zone = r.text(1), issued = month(zone, r.int64(2))
                var c = cohorts[Key(currency: currency, month: issued.name)] ?? Cohort()
                c.vouchers += 1
                c.issued = try Self.add(c.issued, r.int64(3), to: "value issued", currency)
                let today = zones.today(in: zone)
                c.age = max(c.age, today.year * 12 + today.month - 1 - issued.number)
                cohorts[Key(currency: currency, month: issued.name)] = c
            }
            try db.forEach(Self.curveRedemptionsSQL) { r in
                let currency = r.text(0), zone = r.text(1), issued = month(zone, r.int64(2)), at = month(zone, r.int64(3))
                let key = Key(currency: currency, month: issued.name)
                guard var c = cohorts[key] else { return }
                let n = min(max(0, at.number - issued.number), c.age)
                c.redeemed[n] = try Self.subtract(c.redeemed[n] ?? 0, r.int64(4), to: "value redeemed", currency)
                cohorts[key] = c
            }
        }
        let curves = try cohorts.sorted { ($0.key.currency, $0.key.month) < ($1.key.currency, $1.key.month) }.map { key, c throws(SupportError) in
            var total: Int64 = 0
            let points = try (0...max(0, c.age)).map { n throws(SupportError) -> CurvePoint in
                total = try Self.add(total, c.redeemed[n] ?? 0, to: "value redeemed", key.currency)
                return CurvePoint(monthsSinceIssue: n, redeemed: Self.money(total, key.currency),
                                  redeemedPercent: Self.redeemedPercent(total, of: c.issued))
            }
            return RedemptionCurve(currency: key.currency, issueMonth: key.month, vouchers: c.vouchers, issued: Self.money(c.issued, key.currency),
                                   points: points)
        }
        return RedemptionCurvesReport(asOf: RFC3339.format(now), cohorts: curves)
    }

    /// Every redemption and reversal with its voucher's currency, zone and issue instant.
    static let curveRedemptionsSQL = """
        SELECT v.currency, v.time_zone, v.issued_at, e.at, e.amount FROM entries e JOIN vouchers v ON v.id = e.voucher_id
        WHERE e.kind IN ('redeemed', 'redemption_reversed')
        """
}
