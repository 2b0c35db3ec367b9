import Foundation
import RepositoryFiles
import GoodwillCore
import Ledger
import Reminders
import Testing
@testable import Support

@Suite struct CloseTests {
    /// A Danish holder (cash-out during validity) with two live vouchers, a note, a gift message and
    /// a reminder waiting; reminders run 30 days before expiry, so the clock sits just inside that.
    func danishHolder() throws -> (SupportFixture, [VoucherView]) {
        let f = try SupportFixture(book: false, now: "2025-04-02T10:00:00Z")
        try f.ledger.setJurisdiction(code: "DK", actor: "test")
        let a = try f.issue(500, holder: "karen@example.dk", name: "Karen Holm", locale: "da", purchaser: "mor@example.dk", message: "Til Karen, med kærlighed")
        let b = try f.issue(300, holder: "karen@example.dk", name: "Karen Holm", locale: "da")
        try f.ledger.perform(.redeem(.id(VoucherID(rawValue: b.id)), amount: Money(minorUnits: 10_000, currency: .sek), reference: nil), actor: "till")
        try f.support.addNote(holder: "karen@example.dk", text: "Karen prefers phone calls.", author: "support:maria")
        f.clock.set(instant("2026-03-10T10:00:00Z"))
        _ = try ReminderService(ledger: f.ledger, catalog: MessageCatalog.embedded()).sweep()
        #expect(try f.ledger.db.scalarInt("SELECT count(*) FROM reminder_outbox WHERE status = 'pending'") == 2)
        return (f, [a, b])
    }

    /// Pseudonyms come from the random end of an ID: holders made in the same millisecond (an
    /// import makes dozens) share the time at the start of their IDs but not their pseudonyms.
    @Test func pseudonyms_ofHoldersMadeTogether_differ() {
        var rng = SystemRandomNumberGenerator()
        let ids = (0..<500).map { _ in HolderID.generate(using: &rng) }
        let pseudonyms = Set(ids.map(SupportService.pseudonym))
        #expect(pseudonyms.count == ids.count)
        #expect(pseudonyms.allSatisfy { $0.hasPrefix("Former customer ") && $0.count == "Former customer ".count + 8 })
        #expect(SupportService.pseudonym(HolderID(rawValue: "hld_0123456789abcdef")) == "Former customer 89ABCDEF")
    }

    @Test func closingInACashOutJurisdiction_refundsBoth_saysGoodbyeOnce_erases_andStillVerifies() throws {
        let (f, vouchers) = try danishHolder()
        let r = try f.support.close(CloseRequest(holder: "karen@example.dk", erase: true, payoutReference: "BANK-2026-0042"), actor: "support:maria")
        #expect(!r.alreadyClosed)
        #expect(r.vouchers.map(\.action) == ["refunded", "refunded"])
        #expect(r.refunded == [AmountLine(currency: "SEK", month: nil, vouchers: 2, amount: Money(minorUnits: 70_000, currency: .sek))])
        for v in vouchers {
            let entries = try f.ledger.entries(of: VoucherReference(v.id))
            #expect(entries.last?.kind == .refunded)
            #expect(entries.last?.reference == "BANK-2026-0042")
            #expect(try f.ledger.voucherView(VoucherReference(v.id)).status == .refunded)
        }
        #expect(r.remindersDropped == 2)
        #expect(try f.ledger.db.scalarInt("SELECT count(*) FROM reminder_outbox WHERE status = 'pending'") == 1)
        #expect(try f.ledger.db.scalarInt("SELECT count(*) FROM reminder_outbox WHERE kind = 'farewell'") == 1)
        let farewell = try #require(r.farewell)
        #expect(farewell.language == "da")
        #expect(farewell.body.contains("Kære Karen"))
        #expect(farewell.body.contains("BANK-2026-0042"))
        // Erased: no name, email, gift message or note text is left; the amounts are.
        let h = try #require(try f.ledger.store.holder(id: HolderID(rawValue: r.holderID)))
        #expect(h.email == nil && h.erasedAt != nil && h.name == r.pseudonym)
        #expect(try f.ledger.store.holder(email: "karen@example.dk") == nil)
        #expect(try f.ledger.db.scalarInt("SELECT count(*) FROM vouchers WHERE message IS NOT NULL") == 0)
        #expect(try f.ledger.db.query("SELECT text FROM support_notes") { $0.text(0) } == ["[erased]"])
        #expect(try f.ledger.db.scalarInt("SELECT count(*) FROM holder_closures WHERE summary_json LIKE '%Karen%'") == 0)
        #expect(try f.ledger.verify().ok)
        #expect(try f.support.reconciliation().balanced)
        // The purchaser (mother) is not touched.
        #expect(try f.ledger.store.holder(email: "mor@example.dk") != nil)

        // The farewell still goes out once (the letter kept the address), then the address is forgotten.
        let folder = f.folder.appendingPathComponent("maildir").path
        let service = ReminderService(ledger: f.ledger, catalog: try MessageCatalog.embedded())
        let report = try service.run(channel: MaildirChannel(root: folder))
        #expect(report.deliveries.filter { $0.kind == .farewell && $0.result == "sent" }.count == 1)
        #expect(report.deliveries.allSatisfy { $0.kind == .farewell })
        let mail = try FileManager.default.contentsOfDirectory(atPath: folder + "/new")
        #expect(mail.count == 1)
        #expect(try f.ledger.db.scalarInt("SELECT count(*) FROM farewell_letters WHERE to_address IS NOT NULL") == 0)
        #expect(try service.run(channel: MaildirChannel(root: folder)).deliveries.isEmpty)
    }

    @Test func closingTwice_reportsAlreadyClosed_andChangesNothing() throws {
        let (f, _) = try danishHolder()
        let first = try f.support.close(CloseRequest(holder: "karen@example.dk", payoutReference: "BANK-1"), actor: "support:maria")
        let before = try f.snapshot()
        let second = try f.support.close(CloseRequest(holder: "karen@example.dk", payoutReference: "BANK-2"), actor: "support:bo")
        #expect(second.alreadyClosed)
        #expect(second.vouchers == first.vouchers && second.closedBy == "support:maria")
        #expect(try f.snapshot() == before)
    }

    /// A failure at any step (a crash simulated by throwing inside the transaction) leaves every table as it was.
    @Test(arguments: CloseStep.allCases)
    func aFailureMidway_leavesEverythingAsItWas(step: CloseStep) throws {
        let (f, _) = try danishHolder()
        let before = try f.snapshot()
        struct Crash: Error {}
        f.support.closeFaultInjection = { if $0 == step { throw Crash() } }
        #expect(throws: Crash.self) {
            try f.support.close(CloseRequest(holder: "karen@example.dk", erase: true, payoutReference: "BANK-1"), actor: "support:maria")
        }
        #expect(try f.snapshot() == before)
        // And the close can then be done in full.
        f.support.closeFaultInjection = nil
        let r = try f.support.close(CloseRequest(holder: "karen@example.dk", erase: true, payoutReference: "BANK-1"), actor: "support:maria")
        #expect(!r.alreadyClosed && r.erased)
        #expect(try f.ledger.verify().ok)
    }

    @Test func refundsWithoutAPayoutReference_areRefused_andNothingChanges() throws {
        let (f, _) = try danishHolder()
        let before = try f.snapshot()
        #expect(throws: SupportError.payoutReferenceRequired(count: 2)) {
            try f.support.close(CloseRequest(holder: "karen@example.dk"), actor: "support:maria")
        }
        #expect(try f.snapshot() == before)
    }

    /// An empty payout reference is refused with what a reference is, not with the words meant
    /// for a note ("write what happened, in a sentence or two").
    @Test func anEmptyPayoutReference_isRefusedSayingWhatAReferenceIs() throws {
        let (f, _) = try danishHolder()
        let before = try f.snapshot()
        for reference in ["", "   "] {
            #expect {
                try f.support.close(CloseRequest(holder: "karen@example.dk", payoutReference: reference), actor: "support:maria")
            } throws: { error in
                let text = "\(error)"
                return text.contains("payout reference is empty") && text.contains("bank transfer or payment id") && !text.contains("what happened")
            }
        }
        #expect(try f.snapshot() == before)
    }

    /// Sweden: no cash-out right, so the live voucher is kept (and said so), the expired one is breakage.
    @Test func withoutACashOutRight_eachVouchersFateIsSaidPlainly() throws {
        let f = try SupportFixture(book: false, now: "2025-04-02T10:00:00Z")
        let a = try f.issue(500, holder: "anna@example.se", locale: "sv")
        f.clock.set(instant("2025-12-01T10:00:00Z"))
        let b = try f.issue(300, holder: "anna@example.se", locale: "sv")
        f.clock.set(instant("2026-05-01T10:00:00Z"))
        let r = try f.support.close(CloseRequest(holder: "anna@example.se"), actor: "support:maria")
        #expect(r.vouchers.map(\.code) == [a.code, b.code])
        #expect(r.vouchers.map(\.action) == ["expired", "kept"])
        #expect(r.vouchers[1].explanation.contains("through 2026-12-01"))
        #expect(r.refunded.isEmpty)
        #expect(r.farewell?.language == "sv")
        #expect(try f.ledger.store.holder(email: "anna@example.se")?.name == "Anna Berg")
        // With the issuer's terms, everything is paid out.
        let g = try SupportFixture(book: false, now: "2025-04-02T10:00:00Z")
        _ = try g.issue(500, holder: "bo@example.se")
        let all = try g.support.close(CloseRequest(holder: "bo@example.se", payoutReference: "X-1", refundAll: true), actor: "t")
        #expect(all.vouchers.map(\.action) == ["refunded"])
    }

    @Test func erasureAskedForAfterAnEarlierClose_isStillDone() throws {
        let (f, _) = try danishHolder()
        _ = try f.support.close(CloseRequest(holder: "karen@example.dk", payoutReference: "BANK-1"), actor: "support:maria")
        let id = try #require(try f.ledger.store.holder(email: "karen@example.dk")).id
        let r = try f.support.close(CloseRequest(holder: id.rawValue, erase: true), actor: "support:maria")
        #expect(r.alreadyClosed && r.erased && r.erasedNow)
        // What the first close wrote is still to go out; the answer says so rather than "queued".
        #expect(r.farewell?.status == "pending" && r.farewell?.sentAt == nil)
        let again = try f.support.close(CloseRequest(holder: id.rawValue, erase: true), actor: "support:maria")
        #expect(again.alreadyClosed && again.erased && !again.erasedNow)
        #expect(try f.ledger.store.holder(id: id)?.email == nil)
        #expect(try f.ledger.verify().ok)
    }

    /// A farewell with no template in the holder's language is English throughout: the greeting and
    /// the stored language too, not "Hej Anna!" above English words.
    @Test func aFarewellFallingBackToEnglish_isEnglishThroughout() throws {
        let f = try SupportFixture(book: false, now: "2025-04-02T10:00:00Z")
        try f.issue(500, holder: "anna@example.se", name: "Anna Berg", locale: "sv")
        let messages = f.folder.appendingPathComponent("messages").path
        try FileManager.default.copyItem(atPath: Repository.file("Policies/messages").path, toPath: messages)
        try FileManager.default.removeItem(atPath: messages + "/sv/farewell.txt")
        let support = SupportService(ledger: f.ledger, catalog: try MessageCatalog.load(directory: messages))
        let r = try support.close(CloseRequest(holder: "anna@example.se"), actor: "support:maria")
        let farewell = try #require(r.farewell)
        #expect(farewell.language == "en")
        #expect(farewell.body.hasPrefix("Hi Anna,"))
    }
}
