import Foundation
import GoodwillCore
import Ledger
@testable import Reminders
import Testing

/// `reminders preview` shows what the sweep will actually send next, no more and no less.
@Suite struct PreviewTests {
    /// A reminder dropped while its voucher was blocked comes back once it is unblocked with the
    /// same expiry (the sweep puts it back in line); preview must not count it as already sent.
    @Test func aStepDroppedWhileBlocked_isPreviewedAgain_onceUnblocked_asTheSweepWillSendIt() throws {
        let f = try ReminderFixture()
        let v = try f.issue()
        f.clock.set(instant("2026-03-03T09:30:00Z"))
        _ = try f.service.sweep()
        try f.ledger.perform(.block(VoucherReference(v.id), reason: "lost card"), actor: "support")
        #expect(try f.service.sweep().cancelled == 1)
        try f.ledger.perform(.unblock(VoucherReference(v.id), reason: "found"), actor: "support")
        let preview = try f.service.preview(VoucherReference(v.code))
        #expect(preview.kind == .expiryReminder)
        #expect(preview.daysBefore == 30)
        #expect(preview.sendAt == "2026-03-03T09:30:00Z")
        // And that is what the sweep does.
        #expect(try f.service.sweep().enqueued.map(\.daysBefore) == [30])
    }

    /// The last step dropped while blocked is not "gone out": there is something to preview.
    @Test func theLastStepDroppedWhileBlocked_isNotNothingToPreview() throws {
        let f = try ReminderFixture()
        let v = try f.issue()
        f.clock.set(instant("2026-04-01T08:30:00Z"))  // the 1-day step, due 10:00 Stockholm
        _ = try f.service.sweep()
        try f.ledger.perform(.block(VoucherReference(v.id), reason: "lost card"), actor: "support")
        _ = try f.service.sweep()
        try f.ledger.perform(.unblock(VoucherReference(v.id), reason: "found"), actor: "support")
        let preview = try f.service.preview(VoucherReference(v.code))
        #expect(preview.daysBefore == 1)
        #expect(try f.service.sweep().enqueued.map(\.daysBefore) == [1])
    }

    /// A holder who closed their account gets nothing more from the sweep but the farewell; a
    /// voucher of theirs still active (no refund where closing could not give one) has no reminder.
    @Test func aVoucherOfAHolderWhoClosed_hasNoReminderToPreview() throws {
        let f = try ReminderFixture()
        let v = try f.issue()
        let holder = try #require(try f.ledger.store.voucher(id: VoucherID(rawValue: v.id))?.holderID)
        _ = try f.ledger.db.run("INSERT INTO holder_closures (holder_id, closed_at, closed_by, erased, summary_json) VALUES (?, 0, 'test', 0, '{}')",
                                [.text(holder.rawValue)])
        f.clock.set(instant("2026-03-03T09:30:00Z"))
        let refusal = #expect(throws: ReminderError.self) { try f.service.preview(VoucherReference(v.code)) }
        #expect(refusal?.description.contains("closed") == true)
        #expect(try f.service.sweep().enqueued.isEmpty)
    }

    /// A holder who closed and then was issued a voucher again is a customer again: the new
    /// voucher's reminders are previewed and swept as anyone's (the closure stays, reopened).
    @Test func aHolderWhoClosedAndCameBack_isRemindedOfTheNewVoucher() throws {
        let f = try ReminderFixture()
        let old = try f.issue(months: 1)  // long expired when the new one's reminders are due
        let holder = try #require(try f.ledger.store.voucher(id: VoucherID(rawValue: old.id))?.holderID)
        _ = try f.ledger.db.run("INSERT INTO holder_closures (holder_id, closed_at, closed_by, erased, summary_json) VALUES (?, 0, 'test', 0, '{}')",
                                [.text(holder.rawValue)])
        f.clock.set(instant("2025-05-02T10:00:00Z"))
        let back = try f.issue()  // the same email: found again, last valid day 2026-05-02
        #expect(try f.ledger.store.voucher(id: VoucherID(rawValue: back.id))?.holderID == holder)
        f.clock.set(instant("2026-04-02T09:30:00Z"))
        #expect(try f.service.preview(VoucherReference(back.code)).daysBefore == 30)
        #expect(try f.service.sweep().enqueued.map(\.code) == [back.code])
        #expect(try f.ledger.db.scalarInt("SELECT count(*) FROM holder_closures WHERE holder_id = ?", [.text(holder.rawValue)]) == 1)
    }

    /// A step overdue in the night whose next step falls due the morning it could go out gives way
    /// to that one in the sweep (one note, the latest); preview shows the same one.
    @Test func anOverdueStepThatGivesWayToTheMorningsStep_isNotPreviewed_theMorningsIs() throws {
        let f = try ReminderFixture()
        let v = try f.issue()  // last valid day 2026-04-02: the 7-day step 26 March, the 1-day 1 April 10:00
        f.clock.set(instant("2026-03-03T09:30:00Z"))
        _ = try f.service.run(channel: RecordingChannel())  // the 30-day step; then down until 05:00 on 1 April
        f.clock.set(instant("2026-04-01T03:00:00Z"))
        let preview = try f.service.preview(VoucherReference(v.code))
        #expect(preview.daysBefore == 1)
        #expect(preview.sendAt == "2026-04-01T08:00:00Z")
        #expect(try f.service.sweep().enqueued.isEmpty)
        f.clock.set(instant("2026-04-01T08:00:00Z"))
        #expect(try f.service.sweep().enqueued.map(\.daysBefore) == [1])
    }
}
