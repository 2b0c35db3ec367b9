import Foundation
import GoodwillCore
import Ledger
import Reminders
import Testing
@testable import Support

/// A payout reference is the bank transfer or payment that paid a closing holder out: it
/// identifies one payment, so finance can match it to one close. Another close under it (another
/// holder's, or the same holder's after they came back) is refused and changes nothing; the retry
/// of the close it was given for still answers with that close.
@Suite struct PayoutReferenceTests {
    /// Karen (Denmark, cash-out) closed with BANK-1; Ole, also with a balance, not closed yet.
    func karenClosedWithBank1() throws -> (SupportFixture, CloseResult) {
        let (f, _) = try CloseTests().danishHolder()
        try f.issue(200, holder: "ole@example.dk", name: "Ole Berg", locale: "da")
        let first = try f.support.close(CloseRequest(holder: "karen@example.dk", payoutReference: "BANK-1"), actor: "support:maria")
        #expect(first.vouchers.map(\.action) == ["refunded", "refunded"])
        return (f, first)
    }

    @Test func aReferenceUsedForOneHoldersClose_isRefusedForAnothers_inAnyLetterCase() throws {
        let (f, first) = try karenClosedWithBank1()
        let before = try f.snapshot()
        for reference in ["BANK-1", " bank-1 "] {
            #expect(throws: SupportError.payoutReferenceUsed(reference: reference.trimmingCharacters(in: .whitespaces), holder: first.holderID,
                                                             closedOn: "2026-03-10", sameHolder: false)) {
                try f.support.close(CloseRequest(holder: "ole@example.dk", payoutReference: reference), actor: "support:bo")
            }
        }
        #expect(try f.snapshot() == before)
        let error = SupportError.payoutReferenceUsed(reference: "BANK-1", holder: first.holderID, closedOn: "2026-03-10", sameHolder: false)
        #expect(error.description == "The payout reference 'BANK-1' was already given when holder \(first.holderID) was closed on 2026-03-10; a payout reference identifies one payment. Give the reference of this payout (its own bank transfer or payment id). Nothing was changed.")
        // Its own reference goes through.
        let ole = try f.support.close(CloseRequest(holder: "ole@example.dk", payoutReference: "BANK-2"), actor: "support:bo")
        #expect(!ole.alreadyClosed && ole.payoutReference == "BANK-2" && ole.vouchers.map(\.action) == ["refunded"])
    }

    /// A close that pays nothing (nothing left to refund) makes no payment: the reference given
    /// with it is not kept, and stays free for the payment it names.
    @Test func aCloseThatPaysNothing_keepsNoReference_soItStaysFreeForThePayment() throws {
        let (f, _) = try CloseTests().danishHolder()
        let used = try f.issue(100, holder: "nils@example.dk", name: "Nils Dahl", locale: "da")
        try f.ledger.perform(.redeem(.id(VoucherID(rawValue: used.id)), amount: Money(minorUnits: 10_000, currency: .sek), reference: nil), actor: "till")
        try f.issue(200, holder: "ole@example.dk", name: "Ole Berg", locale: "da")
        let nils = try f.support.close(CloseRequest(holder: "nils@example.dk", payoutReference: "BANK-7"), actor: "support:maria")
        #expect(nils.refunded.isEmpty && nils.payoutReference == nil)
        #expect(try f.ledger.db.scalarInt("SELECT count(*) FROM holder_closures WHERE payout_reference IS NOT NULL") == 0)
        // Closes before 7 Dec kept the reference even when they paid nothing; such a row does not block it either.
        try f.ledger.db.run("UPDATE holder_closures SET payout_reference = 'BANK-7'")
        let ole = try f.support.close(CloseRequest(holder: "ole@example.dk", payoutReference: "BANK-7"), actor: "support:bo")
        #expect(!ole.alreadyClosed && ole.payoutReference == "BANK-7" && ole.vouchers.map(\.action) == ["refunded"])
    }

    @Test func theRetryOfTheSameClose_stillAnswersWithThatClose() throws {
        let (f, first) = try karenClosedWithBank1()
        let before = try f.snapshot()
        let again = try f.support.close(CloseRequest(holder: "karen@example.dk", payoutReference: "BANK-1"), actor: "support:maria")
        #expect(again.alreadyClosed && again.vouchers == first.vouchers && again.payoutReference == "BANK-1")
        #expect(try f.snapshot() == before)
    }

    /// A holder who came back and leaves again is paid out again: a payment of its own.
    @Test func aHolderWhoCameBack_isNotPaidOutAgainUnderTheFirstReference() throws {
        let (f, first) = try karenClosedWithBank1()
        f.clock.set(instant("2026-04-01T10:00:00Z"))
        try f.issue(400, holder: "karen@example.dk", name: "Karen Holm", locale: "da")
        let before = try f.snapshot()
        #expect(throws: SupportError.payoutReferenceUsed(reference: "BANK-1", holder: first.holderID, closedOn: "2026-03-10", sameHolder: true)) {
            try f.support.close(CloseRequest(holder: "karen@example.dk", payoutReference: "BANK-1"), actor: "support:bo")
        }
        #expect(try f.snapshot() == before)
        #expect(SupportError.payoutReferenceUsed(reference: "BANK-1", holder: first.holderID, closedOn: "2026-03-10", sameHolder: true).description
                .hasPrefix("The payout reference 'BANK-1' was already given when this holder was closed before, on 2026-03-10;"))
        #expect(try !f.support.close(CloseRequest(holder: "karen@example.dk", payoutReference: "BANK-2"), actor: "support:bo").alreadyClosed)
    }
}
