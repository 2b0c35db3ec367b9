import Foundation
import GoodwillCore
import Ledger
import Testing
@testable import Support

/// The ageing: what is owed now, by days left to the last valid day and by issue month.
@Suite struct AgeingTests {
    @Test func theFixtureBook_agesExactlyTheLiability() throws {
        let f = try SupportFixture(book: true)
        let a = try f.support.ageingReport(), l = try f.support.liabilityReport()
        #expect(a.totals == l.totals)
        for total in a.totals {
            let buckets = a.byExpiry.filter { $0.currency == total.currency }, cohorts = a.byIssueMonth.filter { $0.currency == total.currency }
            #expect(buckets.map(\.amount.minorUnits).reduce(0, +) == total.amount.minorUnits, "\(total.currency)")
            #expect(buckets.map(\.vouchers).reduce(0, +) == total.vouchers, "\(total.currency)")
            #expect(cohorts.map(\.amount.minorUnits).reduce(0, +) == total.amount.minorUnits, "\(total.currency)")
            #expect(cohorts.map(\.vouchers).reduce(0, +) == total.vouchers, "\(total.currency)")
            // The buckets of days come in order, each once.
            #expect(buckets.map(\.bucket) == ["0-30", "31-90", "91-180", "181-365", "over_365", "no_expiry"])
        }
        // The fixture has vouchers in most buckets, so the split is not trivially right.
        #expect(a.byExpiry.filter { $0.currency == "SEK" && $0.vouchers > 0 }.count >= 5)
        #expect(a.byIssueMonth.filter { $0.currency == "SEK" }.count > 12)
    }

    /// Today is 2026-03-02 in Stockholm. A voucher valid through today has 0 days left; through
    /// 2026-04-01, 30; 2026-04-02, 31; and so on at each edge of a bucket.
    @Test func eachVoucher_fallsInTheBucketOfItsDaysLeft_countedInItsZone() throws {
        let f = try SupportFixture(book: false, now: "2025-01-10T10:00:00Z")
        func issue(_ units: Int64, _ validity: Validity, zone: String = "Europe/Stockholm", _ currency: Currency = .sek) throws -> VoucherView {
            try f.ledger.perform(.issue(IssueRequest(value: Money(minorUnits: units * 100, currency: currency), validity: validity, timeZone: zone)),
                                 actor: "test").voucher
        }
        // Blocked, and still blocked when its day has passed: owed, in a bucket of its own.
        let blocked = try issue(70, .months(12))
        try f.ledger.perform(.block(.id(VoucherID(rawValue: blocked.id)), reason: "investigating"), actor: "admin")
        // 03:00 UTC on 1 March is still 28 February in New York: a February voucher.
        f.clock.set(instant("2026-03-01T03:00:00Z"))
        _ = try issue(9, .months(12), zone: "America/New_York", .usd)
        f.clock.set(instant("2026-03-02T10:00:00Z"))
        let edges: [(String, Int64, String)] = [
            ("2026-03-02", 1, "0-30"), ("2026-04-01", 2, "0-30"), ("2026-04-02", 4, "31-90"), ("2026-05-31", 8, "31-90"),
            ("2026-06-01", 16, "91-180"), ("2026-08-29", 32, "91-180"), ("2026-08-30", 64, "181-365"), ("2027-03-02", 128, "181-365"),
            ("2027-03-03", 256, "over_365"),
        ]
        for (day, units, _) in edges { _ = try issue(units, .lastDay(LocalDate(iso: day)!)) }
        _ = try issue(512, Validity.none)
        let a = try f.support.ageingReport()
        let sek = Dictionary(uniqueKeysWithValues: a.byExpiry.filter { $0.currency == "SEK" }.map { ($0.bucket, $0.amount.minorUnits / 100) })
        #expect(sek == ["expired_blocked": 70, "0-30": 3, "31-90": 12, "91-180": 48, "181-365": 192, "over_365": 256, "no_expiry": 512])
        #expect(a.byExpiry.filter { $0.currency == "SEK" }.map(\.bucket).first == "expired_blocked")
        #expect(a.byIssueMonth.map { "\($0.currency) \($0.month ?? "") \($0.vouchers) \($0.amount.minorUnits / 100)" }
                == ["SEK 2025-01 1 70", "SEK 2026-03 10 1023", "USD 2026-02 1 9"])
        #expect(a.totals == (try f.support.liabilityReport()).totals)
        #expect(a.table.rows.contains(["SEK", "days_to_expiry", "0-30", "2", "3.00"]))
        #expect(a.table.rows.contains(["USD", "issue_month", "2026-02", "1", "9.00"]))
    }

    /// Denmark: a balance past expiry that the holder may still claim is owed: it is aged apart.
    @Test func aBalanceClaimableAsPayout_isAgedAsExpiredClaimable() throws {
        let f = try PayoutLiabilityTests.expiredVoucher(jurisdiction: "DK", now: "2026-04-15T10:00:00Z")
        let a = try f.support.ageingReport()
        #expect(a.byExpiry.first == AgeingLine(currency: "DKK", bucket: "expired_claimable", vouchers: 1, amount: PayoutLiabilityTests.dkk500))
        #expect(a.byExpiry.dropFirst().allSatisfy { $0.vouchers == 0 })
        #expect(a.byIssueMonth == [AmountLine(currency: "DKK", month: "2025-01", vouchers: 1, amount: PayoutLiabilityTests.dkk500)])
        #expect(a.totals == (try f.support.liabilityReport()).totals)
        // A year and more after expiry it is breakage, and no longer aged.
        f.clock.set(instant("2027-02-15T10:00:00Z"))
        #expect(try f.support.ageingReport().totals.isEmpty)
    }

    /// One pass over the table in its own order, not a lookup per live voucher through an index.
    @Test func theAgeing_readsTheVouchersInOnePass() throws {
        let f = try SupportFixture(book: true)
        let plan = try f.ledger.db.query("EXPLAIN QUERY PLAN " + SupportService.ageingSQL, [.integer(0)]) { $0.text(3) }.joined(separator: "; ")
        #expect(plan == "SCAN vouchers", "\(plan)")
    }
}
