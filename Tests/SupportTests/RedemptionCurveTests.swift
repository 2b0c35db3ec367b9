import Foundation
import GoodwillCore
import Ledger
import Testing
@testable import Support

/// Redemption curves: the redemption report's cohorts, month by month.
@Suite struct RedemptionCurveTests {
    /// The small book of the roll-forward tests: three vouchers sold in January 2025 (1200.00),
    /// 200 + 100 redeemed in February with the 100 reversed, and 100 more in February 2026.
    @Test func aCohortsCurve_isItsNetRedemptions_cumulatedMonthByMonth() throws {
        let (f, _) = try RollForwardTests().smallBook()
        let curves = try f.support.redemptionCurves()
        let c = try #require(curves.cohorts.first)
        #expect(curves.cohorts.count == 1 && c.currency == "SEK" && c.issueMonth == "2025-01" && c.vouchers == 3 && c.issued.minorUnits == 120_000)
        // January 2025 is month 0; now (1 March 2026) is month 14.
        #expect(c.points.map(\.monthsSinceIssue) == Array(0...14))
        #expect(c.points.map { $0.redeemed.minorUnits / 100 } == [0] + Array(repeating: 200, count: 12) + [300, 300])
        #expect(c.points[1].redeemedPercent == 16.7 && c.points[14].redeemedPercent == 25.0)
        let row = try #require(curves.table.rows.first)
        #expect(row == ["SEK", "2025-01", "3", "1200.00", "0.0", "16.7", "16.7", "16.7", "16.7", "16.7", "", "", "", "25.0"])
    }

    /// Where each curve ends is the redemption report's figure for that cohort.
    @Test func eachCurve_endsAtTheRedemptionReportsFigure() throws {
        let f = try SupportFixture(book: true)
        let curves = try f.support.redemptionCurves(), cohorts = try f.support.redemptionReport().cohorts
        #expect(curves.cohorts.count == cohorts.count && cohorts.count > 20)
        for (curve, cohort) in zip(curves.cohorts, cohorts) {
            #expect(curve.currency == cohort.currency && curve.issueMonth == cohort.issueMonth && curve.vouchers == cohort.vouchers)
            #expect(curve.issued == cohort.issued)
            #expect(curve.points.last?.redeemed == cohort.redeemed && curve.points.last?.redeemedPercent == cohort.redeemedPercent,
                    "\(cohort.currency) \(cohort.issueMonth)")
        }
        // Older cohorts have longer curves: one point per month up to now (November 2026).
        let first = try #require(curves.cohorts.first { $0.currency == "SEK" })
        #expect(first.points.count == monthsBetween(first.issueMonth, "2026-11") + 1)
    }

    func monthsBetween(_ a: String, _ b: String) -> Int {
        func number(_ m: String) -> Int { Int(m.prefix(4))! * 12 + Int(m.suffix(2))! }
        return number(b) - number(a)
    }
}
