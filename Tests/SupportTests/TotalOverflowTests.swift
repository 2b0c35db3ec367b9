import Foundation
import GoodwillCore
import Ledger
import Testing
@testable import Support

/// Books written before the voucher limit may hold amounts whose sums do not fit in Int64. Each
/// report and a close must then refuse with a clear error; a plain `+=` trapped and took the
/// server down. The rows are set by SQL, as such a book would hold them.
@Suite struct TotalOverflowTests {
    /// Two huge SEK vouchers expiring in different months: each report line fits, their total does not.
    func hugeBook() throws -> (SupportFixture, [VoucherView]) {
        let f = try SupportFixture(book: false, now: "2025-04-02T10:00:00Z")
        var vouchers: [VoucherView] = []
        for day in ["2026-01-15", "2026-02-15"] {
            let v = try f.ledger.perform(.issue(IssueRequest(
                value: Money(minorUnits: 100_000, currency: .sek), validity: .lastDay(LocalDate(iso: day)!), timeZone: "Europe/Stockholm",
                holder: PersonInput(email: "rich@example.se", name: "Rich", locale: "sv"))), actor: "test").voucher
            vouchers.append(v)
        }
        try f.ledger.db.run("UPDATE vouchers SET value = ?1, balance = ?1", [.integer(Int64.max / 2 + 1)])
        return (f, vouchers)
    }

    func expectTooLarge(_ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected the sum to be refused")
        } catch let e as SupportError {
            guard case .tooLargeToAdd(_, "SEK") = e else { Issue.record("wrong error: \(e)"); return }
            #expect(e.description.contains("too large to add up") && e.description.contains("void or adjust"))
        } catch {
            Issue.record("wrong error: \(error)")
        }
    }

    @Test func liabilityTotals_overflowing_areRefused() throws {
        let (f, _) = try hugeBook()
        expectTooLarge { _ = try f.support.liabilityReport() }
    }

    @Test func reconciliation_overflowing_isRefused() throws {
        let f = try SupportFixture(book: false, now: "2025-04-02T10:00:00Z")
        let v = try f.issue(1000, holder: "anna@example.se")
        try f.ledger.perform(.redeem(.id(VoucherID(rawValue: v.id)), amount: Money(minorUnits: 50_000, currency: .sek), reference: nil), actor: "till")
        // liability (Int64.max) + redeemed (500.00) does not fit.
        try f.ledger.db.run("UPDATE vouchers SET balance = ?", [.integer(Int64.max)])
        expectTooLarge { _ = try f.support.reconciliation() }
    }

    @Test func closing_withRefundsTooLargeToAdd_isRefused_andChangesNothing() throws {
        let (f, _) = try hugeBook()
        let before = try f.snapshot()
        expectTooLarge {
            _ = try f.support.close(CloseRequest(holder: "rich@example.se", payoutReference: "BANK-1", refundAll: true), actor: "support:maria")
        }
        #expect(try f.snapshot() == before)
    }

    @Test func ageing_overflowing_isRefused() throws {
        let (f, _) = try hugeBook()
        expectTooLarge { _ = try f.support.ageingReport() }
    }

    /// The roll-forward reads the entries, so the huge amounts are entries here: two adjustments
    /// that each fit, written behind the ledger's back as an old book could hold them.
    @Test func rollForward_overflowing_isRefused() throws {
        let (f, vouchers) = try hugeBook()
        for v in vouchers {
            try f.ledger.db.run("""
                INSERT INTO entries (id, voucher_id, kind, amount, balance_after, currency, at, actor, status_after, prev_hash, hash, voucher_previous)
                VALUES ((SELECT max(id) + 1 FROM entries), ?1, 'adjusted', ?2, ?2 + 10000000, 'SEK', ?3, 'old system', 'active', zeroblob(32), zeroblob(32),
                        (SELECT last_entry FROM vouchers WHERE id = ?1))
                """, [.text(v.id), .integer(Int64.max / 2 + 1), .integer(f.clock.now().unixMilliseconds)])
        }
        expectTooLarge { _ = try f.support.rollForwardReport(from: LocalDate(iso: "2025-01-01")!, to: LocalDate(iso: "2025-04-02")!) }
    }
}
