import Foundation
import GoodwillCore
import Ledger
import Testing
@testable import Reminders

/// Which ledger events still get their message when the sweep sees them late.
@Suite struct EventAgeTests {
    @Test func anExtensionMadeDuringALongOutage_isStillAnnounced() throws {
        let f = try ReminderFixture()
        let v = try f.issue()
        let channel = RecordingChannel()
        _ = try f.service.run(channel: channel)  // reminders have run here before: the cursor is stored
        f.clock.set(instant("2025-06-01T10:00:00Z"))
        try f.recordExtension(v, to: LocalDate(iso: "2026-06-30")!)
        // The reminder loop is down for three weeks (a broken deploy over the holidays).
        f.clock.set(instant("2025-06-22T10:00:00Z"))
        _ = try f.service.run(channel: channel)
        #expect(channel.deliveries.map(\.message.kind) == [.extensionGranted])
        #expect(channel.deliveries.first?.message.lastValidDay == LocalDate(iso: "2026-06-30"))
    }

    @Test func aFirstRunOnAnOldLedger_announcesNoOldExtension() throws {
        let f = try ReminderFixture()
        let v = try f.issue()
        f.clock.set(instant("2025-06-01T10:00:00Z"))
        try f.recordExtension(v, to: LocalDate(iso: "2026-06-30")!)
        // Reminders are switched on for the first time three weeks later.
        f.clock.set(instant("2025-06-22T10:00:00Z"))
        let channel = RecordingChannel()
        _ = try f.service.run(channel: channel)
        #expect(channel.deliveries.isEmpty)
        // A new extension after that first run is announced.
        f.clock.set(instant("2025-06-23T10:00:00Z"))
        try f.recordExtension(v, to: LocalDate(iso: "2026-07-31")!)
        _ = try f.service.run(channel: channel)
        #expect(channel.deliveries.map(\.message.kind) == [.extensionGranted])
    }

    @Test func anExtensionWhoseNewLastDayHasPassed_isNotAnnouncedLate() throws {
        let f = try ReminderFixture()
        let v = try f.issue(months: 1)
        let channel = RecordingChannel()
        _ = try f.service.run(channel: channel)
        // Extended by a few days, seen by the sweep nine days later, after the new last day.
        f.clock.set(instant("2025-04-28T10:00:00Z"))
        try f.recordExtension(v, to: LocalDate(iso: "2025-05-05")!)
        f.clock.set(instant("2025-05-07T10:00:00Z"))
        _ = try f.service.run(channel: channel)
        #expect(!channel.deliveries.contains { $0.message.kind == .extensionGranted })
    }

    /// The same holds at the send: a retry that lands after the new last day does not announce it.
    @Test func anExtensionMessageRetriedPastItsNewLastDay_isDropped_notSent() throws {
        let f = try ReminderFixture()
        let v = try f.issue(months: 1)
        let channel = RecordingChannel(answer: .temporary("mail server busy"))
        _ = try f.service.run(channel: channel)
        f.clock.set(instant("2025-04-28T10:00:00Z"))
        try f.recordExtension(v, to: LocalDate(iso: "2025-05-05")!)  // ends 2025-05-05T22:00Z
        let first = try f.service.run(channel: channel)
        let row = try #require(first.deliveries.first { $0.kind == .extensionGranted })
        #expect(row.result == "retrying")
        // The retry comes round the day after the new last day (a long Retry-After, a mail outage).
        _ = try f.ledger.db.run("UPDATE reminder_outbox SET next_attempt_at = ? WHERE id = ?",
                                [.integer(instant("2025-05-06T08:00:00Z").unixMilliseconds), .integer(row.id)])
        f.clock.set(instant("2025-05-06T08:00:00Z"))
        channel.answer(.delivered)
        let before = channel.deliveries.count
        _ = try f.service.run(channel: channel)
        #expect(channel.deliveries.count == before)
        #expect(try f.service.reminder(id: row.id).status == .cancelled)
    }

    /// An extension granted late in the evening waits for the morning; a voucher voided that night
    /// is not told in the morning that it can be used until its new day.
    @Test func anExtensionOfAVoucherVoidedBeforeTheMessageWentOut_isNotAnnounced() throws {
        let f = try ReminderFixture()
        let v = try f.issue()
        let channel = RecordingChannel()
        _ = try f.service.run(channel: channel)
        f.clock.set(instant("2025-06-01T19:30:00Z"))  // 21:30 in Stockholm: the night
        try f.recordExtension(v, to: LocalDate(iso: "2026-06-30")!)
        _ = try f.service.run(channel: channel)
        #expect(channel.deliveries.isEmpty)
        f.clock.set(instant("2025-06-01T20:00:00Z"))
        try f.ledger.perform(.void(VoucherReference(v.id), reason: "sold in error"), actor: "test")
        f.clock.set(instant("2025-06-02T06:00:00Z"))  // 08:00
        _ = try f.service.run(channel: channel)
        #expect(channel.deliveries.isEmpty)
    }
}
