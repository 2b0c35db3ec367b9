import Foundation
import GoodwillCore
import Ledger
@testable import Reminders
import Testing

/// "After missed runs only the latest due step goes out": an older step that has not gone out yet
/// gives way to a later one, whether that one is already queued or falls due the same day.
/// The voucher (Stockholm, last valid day 2026-04-02) has its 30-day step at 2026-03-03T09:00Z and
/// its 7-day step at 2026-03-26T09:00Z (10:00 local); the night is 21:00–08:00 local.
@Suite struct LatestStepTests {
    /// The reviewer's morning: nothing ran for weeks; a run at 23:35 local found the 30-day step
    /// overdue and the night held it. At 08:05 it would have gone out saying "in 7 days", and at
    /// 10:05 the 7-day one again.
    @Test func anOverdueStepHeldByTheNight_givesWayToTheStepDueThatMorning() throws {
        let f = try ReminderFixture()
        try f.issue()
        let channel = RecordingChannel()
        for t in ["2026-03-25T22:35:00Z", "2026-03-26T07:05:00Z", "2026-03-26T08:05:00Z", "2026-03-26T09:05:00Z", "2026-03-26T12:05:00Z"] {
            f.clock.set(instant(t))
            _ = try f.service.run(channel: channel)
        }
        #expect(channel.deliveries.map(\.message.daysBefore) == [7])
        #expect(channel.deliveries.map { RFC3339.format($0.at) } == ["2026-03-26T09:05:00Z"])
    }

    /// The 30-day step was queued and held by the night, and no delivery ran until the 7-day step
    /// was due as well: the sweep that queues the 7-day one drops the 30-day one.
    @Test func aHeldStep_isDropped_whenTheNextStepIsQueuedBeforeItWentOut() throws {
        let f = try ReminderFixture()
        try f.issue()
        f.clock.set(instant("2026-03-24T22:30:00Z"))
        #expect(try f.service.sweep().enqueued.map(\.notBefore) == ["2026-03-25T07:00:00Z"])
        let channel = RecordingChannel()
        f.clock.set(instant("2026-03-26T09:05:00Z"))
        let report = try f.service.run(channel: channel)
        #expect(report.deliveries.map(\.result) == ["sent"])
        #expect(channel.deliveries.map(\.message.daysBefore) == [7])
        let old = try #require(try f.rows().first { $0.daysBefore == 30 })
        #expect(old.status == .cancelled && old.lastError == "superseded by the 7-day reminder")
        // Not needed, never dropped: nothing brings it back. Dropped by the run's sweep.
        #expect(old.cancelKind == .notNeeded && old.cancelledAt == "2026-03-26T09:05:00Z")
        #expect(old.attempts == 0 && old.history.isEmpty)
        // It stays dropped: later sweeps neither revive it nor queue it again.
        f.clock.set(instant("2026-03-26T10:05:00Z"))
        _ = try f.service.run(channel: channel)
        #expect(channel.deliveries.count == 1)
    }

    /// Claimed by one process while another queued the 7-day step: dropped just before its send,
    /// and its claim is not counted as an attempt.
    @Test func aClaimedStep_isDroppedBeforeItsSend_whenTheNextStepWasQueuedMeanwhile() throws {
        let f = try ReminderFixture()
        try f.issue()
        f.clock.set(instant("2026-03-24T22:30:00Z"))
        _ = try f.service.sweep()
        f.clock.set(instant("2026-03-26T09:05:00Z"))
        let channel = RecordingChannel()
        let old = try #require(try f.service.claimDue(channel: channel).claimed.first)
        #expect(old.daysBefore == 30 && old.attempts == 1)
        #expect(try f.service.sweep().enqueued.map(\.daysBefore) == [7])
        let held = try f.service.dispatcher.holdBack(old, now: f.clock.now(), channel: channel.name)
        #expect(held?.result == "cancelled")
        #expect(held?.error == "superseded by the 7-day reminder")
        let row = try f.service.reminder(id: old.id)
        #expect(row.status == .cancelled && row.attempts == 0 && row.history.isEmpty)
        #expect(row.cancelKind == .notNeeded && row.cancelledAt == "2026-03-26T09:05:00Z")
    }

    /// The ordinary year: the 30-day note (held by the night, sent in the morning) weeks before the
    /// 7-day one; both go out and the first stays sent.
    @Test func aStepSentLongAgo_doesNotStopTheNextOne() throws {
        let f = try ReminderFixture()
        try f.issue()
        let channel = RecordingChannel()
        for t in ["2026-03-04T02:00:00Z", "2026-03-04T07:00:00Z", "2026-03-26T09:00:00Z"] {
            f.clock.set(instant(t))
            _ = try f.service.run(channel: channel)
        }
        #expect(channel.deliveries.map(\.message.daysBefore) == [30, 7])
        #expect(channel.deliveries.map { RFC3339.format($0.at) } == ["2026-03-04T07:00:00Z", "2026-03-26T09:00:00Z"])
        #expect(try f.rows().map(\.status) == [.sent, .sent])
    }
}
