import Foundation
import GoodwillCore
import Ledger
import Reminders
import Store
import Testing
@testable import Support

/// A reminder dropped before it went out sits in the holder's timeline when it was dropped, after
/// what dropped it, not back when it was queued.
@Suite struct DroppedReminderTimelineTests {
    /// Anna's voucher (last valid day 2026-04-02) with its 30-day reminder queued at 2026-03-03T09:30Z.
    func queuedReminder() throws -> (SupportFixture, ReminderService, VoucherView) {
        let f = try SupportFixture(book: false, now: "2025-04-02T10:00:00Z")
        let v = try f.issue(500, holder: "anna@example.com")
        f.clock.set(instant("2026-03-03T09:30:00Z"))
        let service = ReminderService(ledger: f.ledger, catalog: try MessageCatalog.embedded())
        #expect(try service.sweep().enqueued.map(\.kind) == [.expiryReminder])
        return (f, service, v)
    }

    func reminderEvents(_ f: SupportFixture) throws -> [TimelineEvent] {
        try f.support.holderView("anna@example.com").timeline.filter { $0.kind == "reminder" }
    }

    @Test func aReminderDroppedByTheSweep_showsWhenItWasDropped_afterTheBlockThatDroppedIt() throws {
        let (f, service, v) = try queuedReminder()
        f.clock.set(instant("2026-03-05T10:00:00Z"))
        try f.ledger.perform(.block(VoucherReference(v.id), reason: "lost card"), actor: "support")
        f.clock.set(instant("2026-03-05T11:00:00Z"))
        #expect(try service.sweep().cancelled == 1)
        let timeline = try f.support.holderView("anna@example.com").timeline
        let dropped = try #require(timeline.first { $0.kind == "reminder" })
        #expect(dropped.at == "2026-03-05T11:00:00Z")
        #expect(dropped.summary == "Message dropped before it went out: expiry reminder.")
        #expect(dropped.reminder?.status == "cancelled")
        // Newest first: the drop, then the block that led to it.
        #expect(timeline.prefix(2).map(\.kind) == ["reminder", "entry"])
        #expect(timeline[1].summary.hasPrefix("Blocked"))
    }

    @Test func aReminderDroppedByAClose_showsAtTheClose() throws {
        let (f, _, _) = try queuedReminder()
        f.clock.set(instant("2026-03-06T14:00:00Z"))
        _ = try f.support.close(CloseRequest(holder: "anna@example.com", payoutReference: "BANK-9"), actor: "support:maria")
        let dropped = try #require(try reminderEvents(f).first { $0.reminder?.kind == "expiry_reminder" })
        #expect(dropped.reminder?.status == "cancelled")
        #expect(dropped.at == "2026-03-06T14:00:00Z")
    }

    /// A row dropped before drops had a time (migration 11) keeps the place it had, and says why.
    @Test func aReminderDroppedBeforeDropTimesWereKept_showsWhenItWasQueued_andSaysSo() throws {
        let (f, service, v) = try queuedReminder()
        f.clock.set(instant("2026-03-05T10:00:00Z"))
        try f.ledger.perform(.block(VoucherReference(v.id), reason: "lost card"), actor: "support")
        #expect(try service.sweep().cancelled == 1)
        try f.ledger.db.run("UPDATE reminder_outbox SET cancelled_at = NULL")
        let dropped = try #require(try reminderEvents(f).first)
        #expect(dropped.at == "2026-03-03T09:30:00Z")
        #expect(dropped.summary == "Message dropped before it went out: expiry reminder (its drop time was not recorded; shown when it was queued).")
    }
}
