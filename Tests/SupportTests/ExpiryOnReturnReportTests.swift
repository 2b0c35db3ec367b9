import Foundation
import GoodwillCore
import Ledger
import Store
import Testing
@testable import Support

/// The finance and support views of a voucher whose expiry passed while it was blocked: it expires
/// at the unblock (breakage then, in the period of the unblock), and the holder's timeline says so;
/// where the policy grants goodwill at expiry, the extension keeps the balance owed instead.
@Suite struct ExpiryOnReturnReportTests {
    func sek(_ units: Int64) -> Money { Money(minorUnits: units * 100, currency: .sek) }

    /// Issued 2025-01-10 for a month (last valid day 2025-02-10), 100 redeemed, blocked on
    /// 2025-01-20; unblocked 2025-03-10.
    func blockedAcrossExpiry(policy: Data? = nil) throws -> (SupportFixture, VoucherView) {
        let f = try SupportFixture(book: false, now: "2025-01-10T10:00:00Z")
        if let policy { try f.ledger.activatePolicy(data: policy, fileName: "at-expiry.json", actor: "admin") }
        let v = try f.ledger.perform(.issue(IssueRequest(
            value: sek(500), validity: .months(1), timeZone: "Europe/Stockholm",
            holder: PersonInput(email: "held@example.com", name: "Held", locale: "en"))), actor: "test").voucher
        try f.ledger.perform(.redeem(.id(VoucherID(rawValue: v.id)), amount: sek(100), reference: nil), actor: "till")
        f.clock.set(instant("2025-01-20T10:00:00Z"))
        try f.ledger.perform(.block(.id(VoucherID(rawValue: v.id)), reason: "chargeback"), actor: "support")
        f.clock.set(instant("2025-03-10T10:00:00Z"))
        _ = try f.ledger.sweepExpired()
        try f.ledger.perform(.unblock(.id(VoucherID(rawValue: v.id)), reason: "investigation closed"), actor: "support")
        f.clock.set(instant("2025-04-01T10:00:00Z"))
        return (f, v)
    }

    func breakage(_ r: RollForwardReport) -> Int64 { r.currencies.first { $0.currency == "SEK" }?.breakage.minorUnits ?? 0 }
    func reinstated(_ r: RollForwardReport) -> Int64 { r.currencies.first { $0.currency == "SEK" }?.reinstated.minorUnits ?? 0 }

    @Test func unblockedPastItsDay_isBreakageAtTheUnblock_andExpiredInTheHoldersTimeline() throws {
        let (f, v) = try blockedAcrossExpiry()
        // Blocked, it was owed through February; it left the liability at the unblock, in March.
        let february = try f.support.rollForwardReport(from: LocalDate(iso: "2025-02-01")!, to: LocalDate(iso: "2025-02-28")!)
        #expect(breakage(february) == 0)
        #expect(february.balanced)
        let march = try f.support.rollForwardReport(from: LocalDate(iso: "2025-03-01")!, to: LocalDate(iso: "2025-03-31")!)
        #expect(breakage(march) == -40_000)
        #expect(march.balanced)
        // Breakage by the month of its last valid day, as every expired balance.
        let report = try f.support.breakageReport()
        #expect(report.byMonth.map(\.month) == ["2025-02"])
        #expect(report.totals.first?.amount == sek(400))
        #expect(try f.support.reconciliation().balanced)
        let timeline = try f.support.holderView("held@example.com").timeline.filter { $0.voucherCode == v.code && $0.kind == "entry" }
        #expect(timeline.contains { $0.entry?.kind == .expired && $0.summary.hasPrefix("Expired with 400.00 SEK unused") },
                "\(timeline.map(\.summary))")
        #expect(try f.ledger.verify().ok)
    }

    @Test func unblockedPastItsDay_withGoodwillAtExpiry_staysOwed_andTheGrantIsReported() throws {
        let policy = Data("""
            {"id": "at-expiry", "version": 1, "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 120,
                        "monthly_goodwill_budget": {"SEK": 1000000}, "when_exceeded": "refer"},
             "rules": [{"name": "unused at expiry", "conditions": [{"fact": "requester", "equals": "system"}],
                        "outcome": {"kind": "grant", "days": 30, "message": "grant.proactive"}}]}
            """.utf8)
        let (f, _) = try blockedAcrossExpiry(policy: policy)
        // Out of the liability at the unblock, back in with the extension at the same instant.
        let march = try f.support.rollForwardReport(from: LocalDate(iso: "2025-03-01")!, to: LocalDate(iso: "2025-03-31")!)
        #expect(breakage(march) == -40_000)
        #expect(reinstated(march) == 40_000)
        #expect(march.balanced)
        #expect(try f.support.liabilityReport().totals.first?.amount == sek(400))
        #expect(try f.support.breakageReport().totals.isEmpty)
        let goodwill = try f.support.goodwillReport()
        #expect(goodwill.byRule.map(\.name) == ["unused at expiry"])
        #expect(goodwill.byRule.first?.valueKeptAlive == sek(400))
        #expect(try f.support.reconciliation().balanced)
        #expect(try f.ledger.verify().ok)
    }
}
