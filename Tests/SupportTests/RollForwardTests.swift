import Foundation
import GoodwillCore
import Ledger
import Store
import Testing
@testable import Support

/// The liability roll-forward: opening and closing from the vouchers' state at each instant, the
/// flows in between, and the check that they meet.
@Suite struct RollForwardTests {
    static func day(_ s: String) -> LocalDate { LocalDate(iso: s)! }

    func rollForward(_ f: SupportFixture, _ from: String, _ to: String, zone: String = "UTC") throws -> RollForwardReport {
        try f.support.rollForwardReport(from: Self.day(from), to: Self.day(to), timeZone: zone)
    }

    func line(_ r: RollForwardReport, _ currency: String = "SEK") throws -> RollForwardLine {
        try #require(r.currencies.first { $0.currency == currency }, "no \(currency) line in \(r.currencies.map(\.currency))")
    }

    /// Each figure of a line in minor units, by its JSON name.
    func figures(_ l: RollForwardLine) -> [String: Int64] {
        var out = ["opening": l.opening.minorUnits, "closing": l.closing.minorUnits, "difference": l.difference.minorUnits,
                   "opening_payout_claimable": l.openingPayoutClaimable.minorUnits, "closing_payout_claimable": l.closingPayoutClaimable.minorUnits,
                   "expired_into_payout_claimable": l.expiredIntoPayoutClaimable.minorUnits]
        for flow in l.flows { out[flow.name] = flow.amount.minorUnits }
        return out
    }

    /// The figures expected, every other one zero.
    func expected(_ nonZero: [String: Int64]) -> [String: Int64] {
        var all = figures(RollForwardLine(currency: "SEK", opening: .zero(.sek), openingPayoutClaimable: .zero(.sek), issued: .zero(.sek),
                                          redeemed: .zero(.sek), redemptionReversed: .zero(.sek), refunded: .zero(.sek), voided: .zero(.sek),
                                          adjusted: .zero(.sek), breakage: .zero(.sek), reinstated: .zero(.sek), closing: .zero(.sek),
                                          closingPayoutClaimable: .zero(.sek), expiredIntoPayoutClaimable: .zero(.sek), difference: .zero(.sek)))
        for (k, v) in nonZero { all[k] = v }
        return all
    }

    // MARK: The fixture book

    @Test func theFixtureBook_fromBeforeItsFirstIssueToNow_opensAtZero_andClosesAtTheLiability() throws {
        let f = try SupportFixture(book: true)
        let first = try f.ledger.db.scalarInt("SELECT min(at) FROM entries")
        #expect(first > 0 && first < instant("2017-01-01T00:00:00Z").unixMilliseconds)
        let r = try rollForward(f, "2016-01-01", "2026-11-23")
        #expect(r.balanced)
        #expect(r.closingAt == "2026-11-23T10:00:00Z" && r.openingAt == "2016-01-01T00:00:00Z")
        let liability = try f.support.liabilityReport()
        let reconciliation = try f.support.reconciliation()
        #expect(r.currencies.map(\.currency) == ["EUR", "SEK"])
        for l in r.currencies {
            #expect(l.opening.isZero && l.difference.isZero)
            #expect(l.closing == liability.totals.first { $0.currency == l.currency }?.amount, "\(l.currency)")
            // The flows the entries carry are the ledger's own sums by kind (the reconciliation's side).
            let rec = try #require(reconciliation.currencies.first { $0.currency == l.currency })
            #expect(l.issued == rec.issued && l.voided.minorUnits == -rec.voided.minorUnits && l.refunded.minorUnits == -rec.refunded.minorUnits)
            #expect(l.redeemed.minorUnits + l.redemptionReversed.minorUnits == -rec.redeemed.minorUnits)
            // And what is broken now is what expired less what came back.
            #expect(l.breakage.minorUnits + l.reinstated.minorUnits == -rec.breakage.minorUnits)
        }
        // Every kind of flow carries weight in the fixture, so the check is not trivially true.
        let sek = try line(r)
        #expect(sek.issued.isPositive && sek.redeemed.isNegative && sek.redemptionReversed.isPositive && sek.refunded.isNegative)
        #expect(sek.voided.isNegative && sek.breakage.isNegative && sek.reinstated.isPositive && sek.closing.isPositive)
    }

    /// A year cut at any day chains: the closing of one part is the opening of the next, and the
    /// parts' flows add up to the whole year's.
    @Test func periodsThatMeet_chain() throws {
        let f = try SupportFixture(book: true)
        let whole = try rollForward(f, "2025-01-01", "2025-12-31")
        let first = try rollForward(f, "2025-01-01", "2025-08-14"), second = try rollForward(f, "2025-08-15", "2025-12-31")
        #expect(whole.balanced && first.balanced && second.balanced)
        #expect(first.closingAt == second.openingAt)
        for currency in ["EUR", "SEK"] {
            let w = try line(whole, currency), a = try line(first, currency), b = try line(second, currency)
            #expect(a.closing == b.opening, "\(currency)")
            #expect(w.opening == a.opening && w.closing == b.closing, "\(currency)")
            #expect(!w.opening.isZero && a.closing != a.opening, "\(currency): the periods carry something")
            for i in w.flows.indices {
                #expect(w.flows[i].amount.minorUnits == a.flows[i].amount.minorUnits + b.flows[i].amount.minorUnits, "\(currency) \(w.flows[i].name)")
            }
        }
    }

    // MARK: A small book, by hand

    /// Three vouchers in Stockholm: A 500 (partly redeemed, a redemption reversed, adjusted down,
    /// expired, extended after expiry, redeemed again), B 300 (refunded), C 400 (voided).
    func smallBook() throws -> (SupportFixture, a: VoucherID) {
        let f = try SupportFixture(book: false, now: "2025-01-10T10:00:00Z")
        let a = VoucherID(rawValue: try f.issue(500, holder: "a@example.com").id)   // valid through 2026-01-10 (23:00 UTC)
        let b = VoucherID(rawValue: try f.issue(300, holder: "b@example.com").id)
        let c = VoucherID(rawValue: try f.issue(400, holder: "c@example.com").id)
        func sek(_ units: Int64) -> Money { Money(minorUnits: units * 100, currency: .sek) }
        f.clock.set(instant("2025-02-01T10:00:00Z"))
        try f.ledger.perform(.redeem(.id(a), amount: sek(200), reference: nil), actor: "till")
        let second = try f.ledger.perform(.redeem(.id(a), amount: sek(100), reference: nil), actor: "till")
        f.clock.set(instant("2025-02-02T10:00:00Z"))
        try f.ledger.perform(.reverse(entryID: try #require(second.entry?.id), reason: "charged twice"), actor: "till")
        f.clock.set(instant("2025-03-01T10:00:00Z"))
        try f.ledger.perform(.refund(.id(b), reference: "BANK-1", reason: "asked"), actor: "admin")
        f.clock.set(instant("2025-03-05T10:00:00Z"))
        try f.ledger.perform(.void(.id(c), reason: "chargeback"), actor: "admin")
        f.clock.set(instant("2025-04-01T10:00:00Z"))
        try f.ledger.perform(.adjust(.id(a), amount: sek(-25), reason: "price correction"), actor: "admin")
        f.clock.set(instant("2026-01-20T10:00:00Z"))
        #expect(try f.ledger.sweepExpired().expired == [a.rawValue])
        f.clock.set(instant("2026-02-01T10:00:00Z"))
        let extended = try f.ledger.perform(.extend(.id(a), ExtensionRequest(days: 90, reason: "was abroad", override: true)), actor: "support")
        #expect(extended.entry?.kind == .extended)
        f.clock.set(instant("2026-02-10T10:00:00Z"))
        try f.ledger.perform(.redeem(.id(a), amount: sek(100), reference: nil), actor: "till")
        f.clock.set(instant("2026-03-01T10:00:00Z"))
        return (f, a)
    }

    @Test func aSmallBook_flowsAreTheHandComputedOnes() throws {
        let (f, a) = try smallBook()
        let all = try rollForward(f, "2025-01-01", "2026-02-28")
        #expect(all.balanced)
        #expect(figures(try line(all)) == expected([
            "issued": 120_000, "redeemed": -40_000, "redemption_reversed": 10_000, "refunded": -30_000, "voided": -40_000,
            "adjusted": -2_500, "breakage": -27_500, "reinstated": 27_500, "closing": 17_500,
        ]))
        // To now: the closing is the liability report's.
        let toNow = try rollForward(f, "2025-01-01", "2026-03-01")
        #expect(toNow.closingAt == "2026-03-01T10:00:00Z" && toNow.notes.contains { $0.contains("has not ended") })
        #expect(try line(toNow).closing == f.support.liabilityReport().totals.first?.amount)
        // What is recorded at the very instant a period closes now is in it, as in the liability report.
        try f.ledger.perform(.redeem(.id(a), amount: Money(minorUnits: 5_000, currency: .sek), reference: nil), actor: "till")
        let atNow = try line(try rollForward(f, "2025-01-01", "2026-03-01"))
        #expect(atNow.closing.minorUnits == 12_500 && atNow.redeemed.minorUnits == -45_000 && atNow.balanced)
        #expect(atNow.closing == (try f.support.liabilityReport()).totals.first?.amount)

        // 2025: A is live at the end of it; 2026's January: it expires (breakage); February: the
        // extension brings it back (reinstated) and 100 is redeemed.
        #expect(figures(try line(try rollForward(f, "2025-01-01", "2025-12-31"))) == expected([
            "issued": 120_000, "redeemed": -30_000, "redemption_reversed": 10_000, "refunded": -30_000, "voided": -40_000,
            "adjusted": -2_500, "closing": 27_500,
        ]))
        #expect(figures(try line(try rollForward(f, "2026-01-01", "2026-01-31"))) == expected(["opening": 27_500, "breakage": -27_500]))
        #expect(figures(try line(try rollForward(f, "2026-02-01", "2026-02-28"))) == expected([
            "reinstated": 27_500, "redeemed": -10_000, "closing": 17_500,
        ]))
    }

    /// Asked at the very instant a period ends (midnight), the period has ended: what is recorded
    /// at that instant opens the next period, as it does for any period, and is counted once.
    @Test func aPeriodEndingExactlyNow_leavesWhatIsRecordedThen_toTheNextPeriod() throws {
        let f = try SupportFixture(book: false, now: "2025-01-10T10:00:00Z")
        let a = VoucherID(rawValue: try f.issue(500, holder: "a@example.com").id)
        f.clock.set(instant("2025-02-01T00:00:00Z"))
        try f.ledger.perform(.redeem(.id(a), amount: Money(minorUnits: 10_000, currency: .sek), reference: nil), actor: "till")
        let january = try rollForward(f, "2025-01-01", "2025-01-31"), february = try rollForward(f, "2025-02-01", "2025-02-01")
        #expect(january.closingAt == "2025-02-01T00:00:00Z" && february.openingAt == january.closingAt)
        #expect(figures(try line(january)) == expected(["issued": 50_000, "closing": 50_000]))
        #expect(figures(try line(february)) == expected(["opening": 50_000, "redeemed": -10_000, "closing": 40_000]))
        #expect(!january.notes.contains { $0.contains("has not ended") })
        // February, which has not ended, closes now with it, as the liability report has it.
        #expect(try line(february).closing == f.support.liabilityReport().totals.first?.amount)
    }

    /// An entry that moves a balance past expiry and leaves it there does not bring the obligation
    /// back: only what it moved passes through. A reversal (of a redemption made before expiry) or
    /// an adjustment up adds to what is broken; an adjustment down takes from it (reinstated, then
    /// adjusted away); the rest of the balance, broken at expiry, is neither reinstated nor broken
    /// again.
    @Test func anEntryOnABalancePastExpiry_movesOnlyWhatItMoves_throughBreakage() throws {
        let f = try SupportFixture(book: false, now: "2025-01-10T10:00:00Z")
        let a = VoucherID(rawValue: try f.issue(500, holder: "a@example.com").id)   // valid through 2026-01-10
        func sek(_ units: Int64) -> Money { Money(minorUnits: units * 100, currency: .sek) }
        f.clock.set(instant("2025-06-01T10:00:00Z"))
        let redemption = try f.ledger.perform(.redeem(.id(a), amount: sek(100), reference: nil), actor: "till")
        f.clock.set(instant("2026-01-20T10:00:00Z"))
        _ = try f.ledger.sweepExpired()
        f.clock.set(instant("2026-02-02T10:00:00Z"))
        try f.ledger.perform(.reverse(entryID: try #require(redemption.entry?.id), reason: "charged twice"), actor: "till")
        f.clock.set(instant("2026-02-03T10:00:00Z"))
        try f.ledger.perform(.adjust(.id(a), amount: sek(20), reason: "price correction"), actor: "admin")
        f.clock.set(instant("2026-02-04T10:00:00Z"))
        try f.ledger.perform(.adjust(.id(a), amount: sek(-50), reason: "price correction"), actor: "admin")
        f.clock.set(instant("2026-03-01T10:00:00Z"))
        #expect(figures(try line(try rollForward(f, "2026-01-01", "2026-01-31"))) == expected(["opening": 40_000, "breakage": -40_000]))
        #expect(figures(try line(try rollForward(f, "2026-02-01", "2026-02-28"))) == expected([
            "redemption_reversed": 10_000, "adjusted": -3_000, "breakage": -12_000, "reinstated": 5_000,
        ]))
    }

    /// A's last valid day is 2026-01-10 in Stockholm, which ends at 23:00 UTC. A period that ends
    /// with that day in Stockholm sees the expiry; one that ends with 2026-01-09 does not. In UTC
    /// the day 2026-01-10 ends an hour later, after the expiry.
    @Test func theDaysOfAPeriod_areTakenInItsZone() throws {
        let (f, _) = try smallBook()
        let stockholm = try rollForward(f, "2026-01-10", "2026-01-10", zone: "Europe/Stockholm")
        #expect(stockholm.openingAt == "2026-01-09T23:00:00Z" && stockholm.closingAt == "2026-01-10T23:00:00Z")
        #expect(figures(try line(stockholm)) == expected(["opening": 27_500, "breakage": -27_500]))
        #expect(figures(try line(try rollForward(f, "2026-01-09", "2026-01-09", zone: "Europe/Stockholm"))) == expected(["opening": 27_500, "closing": 27_500]))
        let utc = try rollForward(f, "2026-01-10", "2026-01-10")
        #expect(utc.openingAt == "2026-01-10T00:00:00Z" && utc.closingAt == "2026-01-11T00:00:00Z")
        #expect(figures(try line(utc)) == expected(["opening": 27_500, "breakage": -27_500]))
    }

    /// An entry the report does not know (an "escheated" kind written behind the ledger's back,
    /// taking A's balance) moves the closing but no flow: the roll-forward no longer balances.
    @Test func aFlowTheReportMisses_isCaughtAsADifference() throws {
        let (f, a) = try smallBook()
        #expect(try rollForward(f, "2025-01-01", "2026-02-28").balanced)
        try f.ledger.db.run("""
            INSERT INTO entries (id, voucher_id, kind, amount, balance_after, currency, at, actor, status_after, prev_hash, hash, voucher_previous)
            VALUES ((SELECT max(id) + 1 FROM entries), ?1, 'escheated', -17500, 0, 'SEK', ?2, 'someone', 'voided', zeroblob(32), zeroblob(32),
                    (SELECT last_entry FROM vouchers WHERE id = ?1))
            """, [.text(a.rawValue), .integer(instant("2026-02-20T10:00:00Z").unixMilliseconds)])
        let r = try rollForward(f, "2025-01-01", "2026-02-28")
        #expect(!r.balanced)
        let sek = try line(r)
        #expect(sek.closing.isZero && sek.difference.minorUnits == 17_500)
        #expect(r.table.footer.last?.hasPrefix("NOT BALANCED") == true)
        // A period before it still balances.
        #expect(try rollForward(f, "2025-01-01", "2026-02-15").balanced)
    }

    /// So does an entry whose amount does not match the balance it leaves (100 redeemed, 150 gone).
    @Test func anAmountThatDisagreesWithItsBalance_isCaughtAsADifference() throws {
        let (f, a) = try smallBook()
        try f.ledger.db.run("""
            INSERT INTO entries (id, voucher_id, kind, amount, balance_after, currency, at, actor, status_after, prev_hash, hash, voucher_previous)
            VALUES ((SELECT max(id) + 1 FROM entries), ?1, 'redeemed', -10000, 2500, 'SEK', ?2, 'till', 'active', zeroblob(32), zeroblob(32),
                    (SELECT last_entry FROM vouchers WHERE id = ?1))
            """, [.text(a.rawValue), .integer(instant("2026-02-20T10:00:00Z").unixMilliseconds)])
        let sek = try line(try rollForward(f, "2026-02-01", "2026-02-28"))
        #expect(sek.redeemed.minorUnits == -20_000 && sek.closing.minorUnits == 2_500 && sek.difference.minorUnits == 5_000)
    }

    // MARK: Payout after expiry

    /// Denmark: a balance past expiry is owed for a year more. It expires into payout_claimable
    /// (no breakage), and is breakage when the year ends (end of 2027-01-10 in Copenhagen).
    @Test func aDanishBalance_staysOwedAfterExpiry_andIsBreakageWhenThePayoutYearEnds() throws {
        let f = try PayoutLiabilityTests.expiredVoucher(jurisdiction: "DK", now: "2027-02-15T10:00:00Z")
        let dkk = "DKK"
        let year = try rollForward(f, "2026-01-01", "2026-12-31")
        #expect(year.balanced && year.notes.contains { $0.contains("(DK)") })
        let y = try line(year, dkk)
        #expect(y.opening.minorUnits == 50_000 && y.openingPayoutClaimable.isZero)
        #expect(y.expiredIntoPayoutClaimable.minorUnits == 50_000 && y.breakage.isZero)
        #expect(y.closing.minorUnits == 50_000 && y.closingPayoutClaimable.minorUnits == 50_000)
        let january = try line(try rollForward(f, "2027-01-01", "2027-01-31"), dkk)
        #expect(january.opening.minorUnits == 50_000 && january.openingPayoutClaimable.minorUnits == 50_000)
        #expect(january.breakage.minorUnits == -50_000 && january.closing.isZero && january.balanced)
        // The last day of the right, in Copenhagen: still owed at its end's eve, not after.
        #expect(try line(try rollForward(f, "2027-01-10", "2027-01-10", zone: "Europe/Copenhagen"), dkk).breakage.minorUnits == -50_000)
        #expect(try line(try rollForward(f, "2027-01-09", "2027-01-09", zone: "Europe/Copenhagen"), dkk).closing.minorUnits == 50_000)
    }

    @Test func aDanishBalanceStillClaimable_closesAtTheLiabilityReportsTotal() throws {
        let f = try PayoutLiabilityTests.expiredVoucher(jurisdiction: "DK", now: "2026-04-15T10:00:00Z")
        let r = try rollForward(f, "2025-01-01", "2026-04-15")
        let dkk = try line(r, "DKK")
        #expect(r.balanced && dkk.issued.minorUnits == 50_000 && dkk.breakage.isZero)
        #expect(try dkk.closing == f.support.liabilityReport().totals.first?.amount && dkk.closingPayoutClaimable == dkk.closing)
    }

    /// Without a payout right (Sweden, the default) the same balance is breakage at expiry.
    @Test func withoutAPayoutRight_theBalanceIsBreakageAtExpiry() throws {
        let f = try PayoutLiabilityTests.expiredVoucher(jurisdiction: "SE", now: "2026-04-15T10:00:00Z")
        let r = try rollForward(f, "2026-01-01", "2026-01-31")
        let dkk = try line(r, "DKK")
        #expect(dkk.breakage.minorUnits == -50_000 && dkk.expiredIntoPayoutClaimable.isZero && dkk.closing.isZero)
        #expect(!r.notes.contains { $0.contains("Payout after expiry") })
    }

    // MARK: What it says and refuses

    @Test func escheat_isSaidNotToBeRecorded_notShownAsAZero() throws {
        let (f, _) = try smallBook()
        let r = try rollForward(f, "2025-01-01", "2026-02-28")
        #expect(r.notRecorded == ["escheated"])
        #expect(r.notes.first?.hasPrefix("Escheated: not recorded.") == true)
        #expect(!r.table.rows.contains { $0[1].contains("escheat") })
        #expect(r.table.footer.contains { $0.hasPrefix("Escheated: not recorded.") })
        let json = String(decoding: try JSONEncoder().encode(r), as: UTF8.self)
        #expect(json.contains(#""not_recorded":["escheated"]"#) && !json.contains(#""escheated":"#))
    }

    @Test func aBadPeriod_isRefusedSayingWhatToGive() throws {
        let f = try SupportFixture(book: false, now: "2026-03-01T10:00:00Z")
        func refusal(_ from: String, _ to: String, zone: String = "UTC") -> String {
            do {
                _ = try rollForward(f, from, to, zone: zone)
                return "no refusal"
            } catch {
                return "\(error)"
            }
        }
        #expect(refusal("2026-02-01", "2026-01-31") == "The period would start on 2026-02-01, after its end on 2026-01-31; give a start on or before the end.")
        #expect(refusal("2026-03-02", "2026-03-31").contains("after now (2026-03-01T10:00:00Z): nothing has happened in it yet"))
        #expect(refusal("2026-01-01", "2026-01-31", zone: "GMT+1").contains("'GMT+1' is a fixed offset, not a time zone"))
        #expect(refusal("2026-01-01", "2026-01-31", zone: "Mars/Olympus").contains("not a time zone this machine knows"))
        // One day is a period; today is one that closes now.
        #expect(refusal("2026-03-01", "2026-03-01") == "no refusal")
        #expect(try rollForward(f, "2026-03-01", "2026-03-01").currencies.isEmpty)
    }

    /// Before 1582-10-15 the machine's calendar counts Julian days, so a period from 1500-01-01
    /// opened on what the report printed as 1500-01-10. Periods start on 1970-01-01 at the earliest
    /// (the tz database's rules are kept from then on, and no book holds an entry before it); an
    /// earlier day is refused, naming it and the bound, and 1970-01-01 itself opens where it says.
    @Test func aPeriodBefore1970_isRefused_and1970OpensOnItsOwnDay() throws {
        let f = try SupportFixture(book: false, now: "2026-03-01T10:00:00Z")
        for (from, to, which) in [("1500-01-01", "2026-01-31", "starts on 1500-01-01"), ("1969-12-31", "2026-01-31", "starts on 1969-12-31"),
                                  ("0001-01-01", "1582-10-04", "starts on 0001-01-01")] {
            #expect(throws: SupportError.invalid("The period \(which), before 1970-01-01, the earliest day a report period can start: the ledger's instants count from then, and time zones' rules before it are not kept reliably. Give a day from 1970-01-01 on.")) {
                try rollForward(f, from, to)
            }
        }
        let r = try rollForward(f, "1970-01-01", "1970-01-01", zone: "Europe/Stockholm")
        #expect(r.openingAt == "1969-12-31T23:00:00Z" && r.closingAt == "1970-01-01T23:00:00Z")
        #expect(try rollForward(f, "1970-01-01", "2026-02-28").openingAt == "1970-01-01T00:00:00Z")
    }

    /// One pass over the entries, sorted voucher by voucher: no query per voucher. (Along the
    /// index, before redemptions left it in migration 13: "SCAN entries USING INDEX entries_voucher".)
    @Test func theReplay_readsTheEntriesOnce_sortedByVoucher() throws {
        let f = try SupportFixture(book: true)
        let plan = try f.ledger.db.query("EXPLAIN QUERY PLAN " + SupportService.rollForwardSQL, [.integer(0)]) { $0.text(3) }.joined(separator: "; ")
        #expect(plan == "SCAN entries; USE TEMP B-TREE FOR ORDER BY", "\(plan)")
    }
}
