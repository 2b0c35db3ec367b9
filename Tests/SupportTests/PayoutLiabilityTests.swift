import Foundation
import GoodwillCore
import Ledger
import PolicyEngine
import Store
import Testing
@testable import Support

/// Where the holder may demand payout after expiry (Denmark: a year, lov om betalinger § 96), the
/// balance is still owed until that right ends: liability, not breakage, in every report.
@Suite struct PayoutLiabilityTests {
    static let dkk500 = Money(minorUnits: 50_000, currency: .dkk)

    /// One voucher of 500 DKK for a holder in Copenhagen, issued `issuedAt`, expired by the sweep at `now`.
    static func expiredVoucher(jurisdiction: String?, preset: Data? = nil, issuedAt: String = "2025-01-10T10:00:00Z",
                               validity: Validity = .months(12), now: String) throws -> SupportFixture {
        let f = try SupportFixture(book: false, now: issuedAt)
        if jurisdiction != nil || preset != nil { try f.ledger.setJurisdiction(code: jurisdiction, data: preset, actor: "test") }
        try f.ledger.perform(.issue(IssueRequest(
            value: dkk500, validity: validity, timeZone: "Europe/Copenhagen",
            holder: PersonInput(email: "karen@example.dk", name: "Karen Holm", locale: "da", timeZone: "Europe/Copenhagen"))), actor: "test")
        f.clock.set(instant(now))
        _ = try f.ledger.sweepExpired()
        #expect(try f.ledger.db.scalarInt("SELECT count(*) FROM vouchers WHERE status = 'expired'") == 1)
        return f
    }

    /// Liability, breakage and the reconciliation's two parts, in DKK minor units.
    static func owedAndBroken(_ f: SupportFixture) throws -> (liability: Int64, claimable: Int64, breakage: Int64, reconciled: (Int64, Int64)) {
        let l = try f.support.liabilityReport(), b = try f.support.breakageReport(), r = try f.support.reconciliation()
        #expect(r.balanced)
        #expect(l.byExpiryMonth.map(\.amount.minorUnits).reduce(0, +) == l.totals.map(\.amount.minorUnits).reduce(0, +))
        #expect(b.payoutClaimable == l.payoutClaimable)
        let line = r.currencies.first { $0.currency == "DKK" }
        return (l.totals.map(\.amount.minorUnits).reduce(0, +), l.payoutClaimable.map(\.amount.minorUnits).reduce(0, +),
                b.totals.map(\.amount.minorUnits).reduce(0, +), (line?.liability.minorUnits ?? 0, line?.breakage.minorUnits ?? 0))
    }

    /// The reviewer's case: last valid day 2026-01-10, reports on 2026-04-15.
    @Test func aDanishBalanceThreeMonthsPastExpiry_isLiabilityClaimableAsPayout_notBreakage() throws {
        let f = try Self.expiredVoucher(jurisdiction: "DK", now: "2026-04-15T10:00:00Z")
        let l = try f.support.liabilityReport()
        #expect(l.totals == [AmountLine(currency: "DKK", month: nil, vouchers: 1, amount: Self.dkk500)])
        #expect(l.byExpiryMonth == [AmountLine(currency: "DKK", month: "2026-01", vouchers: 1, amount: Self.dkk500)])
        #expect(l.payoutClaimable == [AmountLine(currency: "DKK", month: "2026-01", vouchers: 1, amount: Self.dkk500)])
        #expect(l.table.footer.contains("Of which past expiry, still claimable as payout, DKK expired 2026-01: 500.00 on 1 voucher"))
        let b = try f.support.breakageReport()
        #expect(b.totals.isEmpty && b.byMonth.isEmpty)
        #expect(b.table.footer == ["Not yet breakage, still claimable as payout (counted as liability), DKK expired 2026-01: 500.00 on 1 voucher"])
        let parts = try Self.owedAndBroken(f)
        #expect(parts.reconciled == (50_000, 0))
        // What the report calls claimable is what closing the account refunds.
        let closed = try f.support.close(CloseRequest(holder: "karen@example.dk", payoutReference: "P1"), actor: "support:maria")
        #expect(closed.vouchers.map(\.action) == ["refunded"])
        #expect(try Self.owedAndBroken(f).liability == 0 && Self.owedAndBroken(f).breakage == 0)
    }

    @Test func aDanishBalanceThirteenMonthsPastExpiry_isBreakage_notLiability() throws {
        let f = try Self.expiredVoucher(jurisdiction: "DK", now: "2027-02-15T10:00:00Z")
        let parts = try Self.owedAndBroken(f)
        #expect(parts.liability == 0 && parts.claimable == 0 && parts.breakage == 50_000)
        #expect(parts.reconciled == (0, 50_000))
    }

    /// Last valid day 2027-03-01: the payout year ends on 2028-03-01 (the same-numbered day), not
    /// 365 days on (2028-02-29), at midnight in Copenhagen (UTC+1 in March).
    @Test(arguments: [
        ("2028-03-01T22:59:00Z", true),    // 23:59 on 2028-03-01 in Copenhagen: the last day of the right
        ("2028-03-01T23:00:00Z", false),   // 00:00 on 2028-03-02: the right has ended
        ("2028-02-29T23:30:00Z", true),    // 00:30 on 2028-03-01: where 365 days would already have ended
    ])
    func theLastDayOfThePayoutYear_isStillLiability_theDayAfterIsBreakage(now: String, owed: Bool) throws {
        let f = try Self.expiredVoucher(jurisdiction: "DK", issuedAt: "2026-03-01T10:00:00Z", now: now)
        let parts = try Self.owedAndBroken(f)
        #expect(parts.liability == (owed ? 50_000 : 0) && parts.claimable == parts.liability)
        #expect(parts.breakage == (owed ? 0 : 50_000))
        #expect(parts.reconciled == (parts.liability, parts.breakage))
    }

    /// A preset counting the right in days (`after_expiry_days`): 30 days after 2026-01-10.
    @Test(arguments: [("2026-02-09T22:59:00Z", true), ("2026-02-09T23:00:00Z", false)])
    func aPayoutPeriodInDays_endsAtTheEndOfItsLastDay(now: String, owed: Bool) throws {
        let dk = try #require(EmbeddedPolicies.jurisdictions["DK"])
        let days = dk.replacingOccurrences(of: #""after_expiry_days": null,"#, with: #""after_expiry_days": 30,"#)
            .replacingOccurrences(of: #""after_expiry_months": 12,"#, with: "")
        #expect(days != dk)
        let f = try Self.expiredVoucher(jurisdiction: nil, preset: Data(days.utf8), now: now)
        let parts = try Self.owedAndBroken(f)
        #expect(parts.liability == (owed ? 50_000 : 0) && parts.claimable == parts.liability)
        #expect(parts.breakage == (owed ? 0 : 50_000))
    }

    /// No payout right after expiry (no jurisdiction set, or Sweden): breakage at once, as before.
    @Test(arguments: [nil, "SE"] as [String?])
    func withoutAPayoutRight_anExpiredBalanceIsBreakage(jurisdiction: String?) throws {
        let f = try Self.expiredVoucher(jurisdiction: jurisdiction, now: "2026-04-15T10:00:00Z")
        let parts = try Self.owedAndBroken(f)
        #expect(parts.liability == 0 && parts.claimable == 0 && parts.breakage == 50_000)
        #expect(parts.reconciled == (0, 50_000))
        #expect(try f.support.breakageReport().table.footer == ["Total DKK: 500.00 on 1 voucher"])
    }

    /// With a small-balance threshold too (a preset of DK's year and a 1000.00 DKK threshold), the
    /// report decides as closing does: a balance under the threshold stays claimable long after the
    /// year; one over it becomes breakage when the year ends. (500 DKK is under 1000 DKK.)
    @Test(arguments: [("DKK", 100_000, true), ("DKK", 10_000, false)])
    func aBalanceUnderAThreshold_staysClaimableAfterThePeriod(currency: String, below: Int, owed: Bool) throws {
        let dk = try #require(EmbeddedPolicies.jurisdictions["DK"])
        let threshold = #""thresholds": [{"below_minor": \#(below), "currency": "\#(currency)", "effective_from": "2000-01-01"}],"#
        let preset = dk.replacingOccurrences(of: #""thresholds": [],"#, with: threshold)
        #expect(preset != dk)
        let f = try Self.expiredVoucher(jurisdiction: nil, preset: Data(preset.utf8), now: "2028-06-15T10:00:00Z")
        let parts = try Self.owedAndBroken(f)
        #expect(parts.liability == (owed ? 50_000 : 0) && parts.claimable == parts.liability)
        #expect(parts.breakage == (owed ? 0 : 50_000))
        let closed = try f.support.close(CloseRequest(holder: "karen@example.dk", payoutReference: "P1"), actor: "support:maria")
        #expect(closed.vouchers.map(\.action).contains("refunded") == owed, "\(closed.vouchers.map(\.action))")
    }

    /// A threshold set in another currency: closing says "check by hand" and refunds nothing, so the
    /// report, within the year, does not count the balance as claimable either.
    @Test func aThresholdInAnotherCurrency_leavesTheBalanceToBreakage_asClosingDoes() throws {
        let dk = try #require(EmbeddedPolicies.jurisdictions["DK"])
        let preset = dk.replacingOccurrences(of: #""thresholds": [],"#,
                                             with: #""thresholds": [{"below_minor": 1000, "currency": "EUR", "effective_from": "2000-01-01"}],"#)
        let f = try Self.expiredVoucher(jurisdiction: nil, preset: Data(preset.utf8), now: "2026-04-15T10:00:00Z")
        let parts = try Self.owedAndBroken(f)
        #expect(parts.liability == 0 && parts.claimable == 0 && parts.breakage == 50_000)
        let closed = try f.support.close(CloseRequest(holder: "karen@example.dk", payoutReference: "P1"), actor: "support:maria")
        #expect(!closed.vouchers.map(\.action).contains("refunded"))
    }

    /// The extra read is a range of `expires_at` on its index, not a pass over every voucher.
    @Test func thePayoutCandidates_areARangeOfExpiry() throws {
        let f = try SupportFixture(book: true)
        let plan = try f.ledger.db.query("EXPLAIN QUERY PLAN " + SupportService.payoutCandidatesSQL, [.integer(0), .integer(0)]) { $0.text(3) }
            .joined(separator: "; ")
        #expect(plan.contains("INDEX vouchers_status_expiry (status=? AND expires_at>?)"), "\(plan)")
        #expect(!plan.contains("SCAN vouchers"), "\(plan)")
    }
}
