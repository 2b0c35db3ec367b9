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
}
