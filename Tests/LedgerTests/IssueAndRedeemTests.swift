import Foundation
import GoodwillCore
import Testing
@testable import Ledger
import Store

struct IssueTests {
    @Test func issuing_createsAnActiveVoucherWithItsFullValue() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500), holder: "Anna@Example.com ")
        #expect(v.status == .active)
        #expect(v.value == sek(500))
        #expect(v.balance == sek(500))
        #expect(v.lastValidDay == "2026-04-02")
        #expect(v.expiresAt == "2026-04-02T22:00:00Z")
        #expect(v.timeZone == "Europe/Stockholm")
        #expect(v.holder?.email == "Anna@Example.com")
        #expect(try VoucherCode.parse(v.code).display == v.code)
        let entries = try f.ledger.entries(of: VoucherReference(v.id))
        #expect(entries.map(\.kind) == [.issued])
        #expect(entries[0].amount == sek(500))
    }

    @Test func aHolder_isFoundAgainByNormalizedEmail() throws {
        let f = try LedgerFixture()
        let a = try f.issue(holder: "anna@example.com")
        let b = try f.issue(holder: "  ANNA@example.COM")
        #expect(a.holder?.id == b.holder?.id)
        let page = try f.ledger.list(VoucherFilter(holderEmail: "Anna@Example.com"))
        #expect(page.vouchers.count == 2)
    }

    @Test func noExpiry_andAnExplicitLastDay_areKept() throws {
        let f = try LedgerFixture()
        #expect(try f.issue(validity: Validity.none).expiresAt == nil)
        #expect(try f.issue(validity: .lastDay(LocalDate(iso: "2025-12-31")!)).lastValidDay == "2025-12-31")
    }

    @Test func badIssues_areRefused_andStoreNothing() throws {
        let f = try LedgerFixture()
        #expect(ledgerError { try f.issue(Money(minorUnits: 0, currency: .sek)) }?.code == "invalid-amount")
        #expect(ledgerError { try f.issue(validity: .lastDay(LocalDate(iso: "2025-04-01")!)) }?.code == "invalid-request")
        #expect(ledgerError { try f.issue(holder: "not-an-email") }?.code == "invalid-request")
        // Invisible or terminal-controlling characters would make "x@x.se" another holder.
        for hidden in ["x@x.se\u{0}", "x@x.se\u{1B}[31m", "x@x.se\u{7F}", "x\u{202E}@x.se", "x\u{200B}@x.se", "x@x.se\u{2028}"] {
            #expect(ledgerError { try f.issue(holder: hidden) }?.code == "invalid-request", "\(hidden.unicodeScalars.map(\.value))")
        }
        #expect(ledgerError {
            _ = try f.ledger.perform(.issue(IssueRequest(value: sek(5), timeZone: "Mars/Olympus")), actor: "t")
        }?.code == "invalid-request")
        for offset in ["GMT+1", "UTC+01:00"] {
            let refused = ledgerError { _ = try f.ledger.perform(.issue(IssueRequest(value: sek(5), timeZone: offset)), actor: "t") }
            #expect(refused?.code == "invalid-request" && refused?.description.contains("fixed offset") == true, "\(offset)")
            let holder = PersonInput(email: "anna@example.com", timeZone: offset)
            #expect(ledgerError { _ = try f.ledger.perform(.issue(IssueRequest(value: sek(5), holder: holder)), actor: "t") }?.code == "invalid-request")
        }
        #expect(try f.ledger.store.countVouchers() == 0)
        #expect(try f.ledger.store.countEntries() == 0)
    }
}

struct RedeemTests {
    @Test func partialRedemptions_reduceTheBalance_untilItIsUsedUp() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500))
        #expect(try f.redeem(v, sek(120)).voucher.balance == sek(380))
        let last = try f.redeem(v, sek(380))
        #expect(last.voucher.balance == sek(0))
        #expect(last.voucher.status == .redeemed)
        #expect(ledgerError { try f.redeem(v, sek(1)) } == .voucherFullyUsed)
    }

    @Test func redeemingMoreThanTheBalance_isRefused() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(100))
        #expect(ledgerError { try f.redeem(v, sek(101)) } == .insufficientBalance(balance: sek(100), requested: sek(101)))
        #expect(try f.show(v).balance == sek(100))
    }

    @Test func redeemingInAnotherCurrency_orNothing_isRefused() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(100))
        #expect(ledgerError { try f.redeem(v, Money(minorUnits: 100, currency: .eur)) }?.code == "currency-mismatch")
        #expect(ledgerError { try f.redeem(v, Money(minorUnits: 0, currency: .sek)) }?.code == "invalid-amount")
    }

    @Test func anExpiredVoucher_isRefused_evenBeforeTheSweep_withTheGoodwillItCouldGet() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(100))
        f.clock.set(instant("2026-04-02T21:59:59Z"))
        try f.redeem(v, sek(10))
        f.clock.set(instant("2026-04-02T22:00:00Z"))
        #expect(try f.show(v).status == .expired)
        // 18 days late: beyond the default policy's soft expiry (14 days) at the till.
        f.clock.set(instant("2026-04-20T10:00:00Z"))
        let error = ledgerError { try f.redeem(v, sek(10)) }
        guard case .voucherExpired(let day, let goodwill, _)? = error else {
            Issue.record("expected voucherExpired, got \(String(describing: error))")
            return
        }
        #expect(day == LocalDate(iso: "2026-04-02"))
        #expect(goodwill?.sentence.contains("would extend it by 30 days") == true)
        #expect(try f.show(v).balance == sek(90))
    }

    @Test func softExpiry_acceptsARedemptionShortlyAfterExpiry_inOneTransaction() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(100))
        f.clock.set(instant("2026-04-05T10:00:00Z"))  // three days after the last valid day
        let r = try f.redeem(v, sek(40))
        #expect(r.voucher.balance == sek(60))
        #expect(r.voucher.lastValidDay == "2026-04-12")  // 7 days from the day presented
        let kinds = try f.ledger.entries(of: VoucherReference(v.id)).map(\.kind)
        #expect(kinds == [.issued, .extended, .redeemed])
        // Too much asked: the redemption fails and the extension is rolled back with it.
        let w = try f.issue(sek(100))
        f.clock.set(instant("2027-04-08T10:00:00Z"))
        #expect(ledgerError { try f.redeem(w, sek(400)) }?.code == "insufficient-balance")
        #expect(try f.ledger.entries(of: VoucherReference(w.id)).map(\.kind) == [.issued])
        #expect(try f.ledger.verify().ok)
    }

    /// The till learns that goodwill let the redemption through: the receipt carries the decision
    /// (LedgerReceipt.decision says so), and a retry of it gets the same receipt back.
    @Test func aSoftExpiryRedemption_receiptCarriesTheDecision_andItsReplayToo() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(100))
        f.clock.set(instant("2026-04-05T10:00:00Z"))  // three days after the last valid day
        let r = try f.redeem(v, sek(40), key: "till-1")
        let kinds = try f.ledger.entries(of: VoucherReference(v.id)).map(\.kind)
        #expect(kinds == [.issued, .extended, .redeemed])
        #expect(r.decision?.outcome == "grant")
        #expect(r.decision?.id != nil)
        #expect(r.decision?.applied?.days == 7)
        #expect(r.decision?.applied?.newLastValidDay == "2026-04-12")
        let replay = try f.redeem(v, sek(40), key: "till-1")
        var unmarked = replay
        unmarked.replayed = false
        #expect(replay.replayed && unmarked == r)
    }

    @Test func voidedAndBlockedVouchers_cannotBeRedeemed() throws {
        let f = try LedgerFixture()
        let a = try f.issue(), b = try f.issue()
        try f.ledger.perform(.void(VoucherReference(a.id), reason: "issued twice"), actor: "t")
        try f.ledger.perform(.block(VoucherReference(b.code), reason: "reported stolen"), actor: "t")
        #expect(ledgerError { try f.redeem(a, sek(1)) } == .voucherVoided)
        #expect(ledgerError { try f.redeem(b, sek(1)) } == .voucherBlocked)
        try f.ledger.perform(.unblock(VoucherReference(b.code), reason: "found"), actor: "t")
        #expect(try f.redeem(b, sek(1)).voucher.balance == sek(499))
    }

    @Test func unknownAndMistypedCodes_areToldApart() throws {
        let f = try LedgerFixture()
        let v = try f.issue()
        var typo = Array(v.code)
        typo[0] = typo[0] == "A" ? "B" : "A"
        #expect(ledgerError { _ = try f.ledger.voucherView(VoucherReference(String(typo))) }?.code == "code-check-failed")
        let unknown = VoucherCode.generate().display
        #expect(ledgerError { _ = try f.ledger.voucherView(VoucherReference(unknown)) }?.code == "voucher-not-found")
        #expect(ledgerError { _ = try f.ledger.voucherView(VoucherReference("hello")) }?.code == "invalid-code")
        // Lower case, spaces and Crockford look-alikes find the same voucher.
        let sloppy = v.code.lowercased().replacingOccurrences(of: "-", with: " ")
            .replacingOccurrences(of: "0", with: "o").replacingOccurrences(of: "1", with: "l")
        #expect(try f.ledger.voucherView(VoucherReference(sloppy)).id == v.id)
    }
}

struct ReversalTests {
    @Test func aRedemption_canBeReversedOnce() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(100))
        let r = try f.redeem(v, sek(100))
        #expect(r.voucher.status == .redeemed)
        let back = try f.ledger.perform(.reverse(entryID: r.entry!.id, reason: "wrong voucher scanned"), actor: "t")
        #expect(back.voucher.balance == sek(100))
        #expect(back.voucher.status == .active)
        #expect(back.entry?.relatedEntryID == r.entry!.id)
        #expect(ledgerError { try f.ledger.perform(.reverse(entryID: r.entry!.id, reason: nil), actor: "t") } == .alreadyReversed(r.entry!.id))
    }

    @Test func onlyRedemptions_canBeReversed() throws {
        let f = try LedgerFixture()
        _ = try f.issue()
        #expect(ledgerError { try f.ledger.perform(.reverse(entryID: 1, reason: nil), actor: "t") }?.code == "not-a-redemption")
        #expect(ledgerError { try f.ledger.perform(.reverse(entryID: 99, reason: nil), actor: "t") } == .entryNotFound(99))
    }
}
