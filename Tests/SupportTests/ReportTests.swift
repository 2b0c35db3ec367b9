import Foundation
import GoodwillCore
import Ledger
import Store
import Testing
@testable import Support

@Suite struct ReportTests {
    @Test func theFixtureBook_reconciles() throws {
        let f = try SupportFixture(book: true)
        let r = try f.support.reconciliation()
        #expect(r.balanced)
        #expect(Set(r.currencies.map(\.currency)) == ["EUR", "SEK"])
        let sek = try #require(r.currencies.first { $0.currency == "SEK" })
        // Every part carries weight in the fixture, so the check is not trivially true.
        #expect(sek.issued.minorUnits > 0 && sek.redeemed.minorUnits > 0 && sek.refunded.minorUnits > 0)
        #expect(sek.breakage.minorUnits > 0 && sek.liability.minorUnits > 0 && sek.voided.minorUnits > 0)
        // The reports agree with the reconciliation's parts.
        let liability = try f.support.liabilityReport()
        #expect(liability.totals.first { $0.currency == "SEK" }?.amount == sek.liability)
        #expect(liability.byExpiryMonth.filter { $0.currency == "SEK" }.map(\.amount.minorUnits).reduce(0, +) == sek.liability.minorUnits)
        let breakage = try f.support.breakageReport()
        #expect(breakage.totals.first { $0.currency == "SEK" }?.amount == sek.breakage)
    }

    /// A voucher row changed behind the ledger's back (balance raised by 1.00) no longer adds up.
    @Test func aChangedVoucherRow_isCaughtAsAMismatch() throws {
        let f = try SupportFixture(book: true)
        try f.ledger.db.run("UPDATE vouchers SET balance = balance + 100 WHERE seq = (SELECT min(seq) FROM vouchers WHERE status = 'active' AND currency = 'SEK')")
        let r = try f.support.reconciliation()
        #expect(!r.balanced)
        #expect(r.currencies.first { $0.currency == "SEK" }?.difference.minorUnits == 100)
        #expect(r.currencies.first { $0.currency == "EUR" }?.balanced == true)
    }

    /// The expiring report reads its window through `vouchers_status_expiry` or in one pass over the
    /// table, whichever is cheaper (no index holds the balance since migration 14): both give the
    /// same totals, and a wide window takes the pass (365 days over a million: 1.06 s through the
    /// index, 0.41 s in a pass).
    @Test func theExpiringReport_readsItsWindowEitherWay_withTheSameTotals() throws {
        let f = try SupportFixture(book: true)
        func plan(_ sql: String) throws -> String {
            try f.ledger.db.query("EXPLAIN QUERY PLAN " + sql, [.integer(0), .integer(1)]) { $0.text(3) }.joined(separator: "; ")
        }
        #expect(try plan(SupportService.expiringByIndexSQL).contains("USING INDEX vouchers_status_expiry"))
        #expect(try plan(SupportService.expiringByScanSQL).hasPrefix("SCAN vouchers"))
        #expect(try plan(SupportService.expiringCountSQL).contains("COVERING INDEX vouchers_status_expiry"))
        let now = f.support.now
        var seen = 0
        for days in [7, 30, 365, 3650] {
            let window: [SQLValue] = [.integer(now.unixMilliseconds), .integer(now.addingTimeInterval(Double(days) * 86_400).unixMilliseconds)]
            let read = { (sql: String) in try f.ledger.db.query(sql, window) { "\($0.text(0)) \($0.int(1)) \($0.int64(2))" } }
            let byIndex = try read(SupportService.expiringByIndexSQL)
            #expect(try read(SupportService.expiringByScanSQL) == byIndex, "\(days) days")
            #expect(try f.support.expiringReport(days: days).totals.map { "\($0.currency) \($0.vouchers) \($0.amount.minorUnits)" } == byIndex)
            seen += byIndex.count
        }
        #expect(seen > 0, "the fixture book has vouchers expiring within ten years")
        #expect(SupportService.expiringReadsTheTable(inWindow: 250_000, of: 1_000_000))
        #expect(!SupportService.expiringReadsTheTable(inWindow: 60_000, of: 1_000_000))
        #expect(!SupportService.expiringReadsTheTable(inWindow: 0, of: 0))
    }

    @Test func liabilityExpiringAndBreakage_countTheRightVouchers() throws {
        let f = try SupportFixture(book: false, now: "2025-04-02T10:00:00Z")
        let a = try f.issue(500, holder: "a@example.com")
        _ = try f.issue(200, .eur, holder: "b@example.com")
        try f.ledger.perform(.redeem(VoucherReference(a.id), amount: Money(minorUnits: 10_000, currency: .sek), reference: nil), actor: "t")
        var l = try f.support.liabilityReport()
        #expect(l.totals.map(\.amount) == [Money(minorUnits: 20_000, currency: .eur), Money(minorUnits: 40_000, currency: .sek)])
        #expect(l.byExpiryMonth.map(\.month) == ["2026-04", "2026-04"])
        #expect(try f.support.expiringReport(days: 30).totals.isEmpty)
        f.clock.set(instant("2026-03-20T10:00:00Z"))
        #expect(try f.support.expiringReport(days: 30).totals.map(\.vouchers) == [1, 1])
        f.clock.set(instant("2026-05-01T10:00:00Z"))
        l = try f.support.liabilityReport()
        #expect(l.totals.isEmpty)
        let b = try f.support.breakageReport()
        #expect(b.totals.map(\.amount) == [Money(minorUnits: 20_000, currency: .eur), Money(minorUnits: 40_000, currency: .sek)])
        let red = try f.support.redemptionReport()
        #expect(red.cohorts.first { $0.currency == "SEK" }?.redeemedPercent == 20.0)
        #expect(try f.support.reconciliation().balanced)
    }

    /// A cohort is the month the voucher was sold in its own zone, as its last valid day is: 00:30
    /// on 1 February in Stockholm is February (still January in UTC); 22:00 on 31 January in New
    /// York is January (already February in UTC).
    @Test func redemptionCohorts_areTheMonthOfSaleInTheVouchersZone() throws {
        let f = try SupportFixture(book: false, now: "2026-01-31T23:30:00Z")
        _ = try f.issue(500, holder: "a@example.com")
        f.clock.set(instant("2026-02-01T03:00:00Z"))
        try f.ledger.perform(.issue(IssueRequest(value: Money(minorUnits: 700, currency: .usd), timeZone: "America/New_York")), actor: "t")
        let cohorts = try f.support.redemptionReport().cohorts.map { "\($0.currency) \($0.issueMonth) \($0.vouchers)" }
        #expect(cohorts == ["SEK 2026-02 1", "USD 2026-01 1"])
    }

    @Test func goodwillReport_countsExtensionsByRuleAndAgent() throws {
        let f = try SupportFixture(book: true)
        let g = try f.support.goodwillReport()
        let granted = try f.ledger.db.scalarInt("SELECT count(*) FROM decisions WHERE days_granted > 0")
        #expect(granted > 0)
        #expect(g.byRule.map(\.extensions).reduce(0, +) == Int(granted))
        #expect(g.byAgent.map(\.extensions).reduce(0, +) == Int(granted))
        #expect(g.totals.allSatisfy { $0.laterRedeemed.minorUnits <= $0.valueKeptAlive.minorUnits })
        #expect(g.referred > 0)
    }

    /// The liability report reads the vouchers in one pass over the table (through
    /// `vouchers_status_expiry` it would look up each live voucher's row in expiry order: 1.2 s
    /// against 0.75 s over a million), and the reconciliation's flows read one index and never the
    /// table; that keeps them under a second over a million vouchers.
    @Test func theReportQueries_readTheirIndexesAlone() throws {
        let f = try SupportFixture(book: true)
        func plan(_ sql: String, _ values: [SQLValue]) throws -> String {
            try f.ledger.db.query("EXPLAIN QUERY PLAN " + sql, values) { $0.text(3) }.joined(separator: "; ")
        }
        let liability = try plan(SupportService.liabilitySQL, [.integer(0)])
        #expect(liability.hasPrefix("SCAN vouchers;") && !liability.contains("INDEX"), "\(liability)")
        let flows = try plan(SupportService.flowsSQL, [])
        #expect(flows.contains("COVERING INDEX entries_kind"), "\(flows)")
        // "Later redeemed" follows each extended voucher's links: it read every redemption of the
        // book through entries_kind for each decision (minutes on a book with many extensions).
        let goodwill = try plan(SupportService.goodwillExtensionsSQL, [])
        #expect(goodwill.contains("SEARCH e USING INTEGER PRIMARY KEY (rowid=?)") && !goodwill.contains("entries_kind"), "\(goodwill)")
        // Erasure reads the API's stored answers alone, not a record per ledger write.
        #expect(SupportService.storedAnswerMark == [0x68, 0x31, 0x7C])
        let erase = try plan(SupportService.eraseStoredAnswersSQL, [.blob([]), .blob([]), .text("h")])
        #expect(erase.contains("USING INDEX idempotency_api_answers"), "\(erase)")
    }
}
