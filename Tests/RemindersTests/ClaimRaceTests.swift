import Foundation
import GoodwillCore
import Ledger
@testable import Reminders
import Store
import Testing

/// Two dispatchers on one database (a `serve` loop and a cron `reminders run`, say): a run that
/// lost its claim on a row (its lease ran out and another run claimed it; or another process's
/// sweep dropped it and put it back in line) writes nothing over what became of the row, and
/// says what did. Each test takes the steps of the two runs one by one, on one clock.
@Suite struct ClaimRaceTests {
    /// One voucher whose 30-day reminder is due at 2026-03-03T09:00Z (10:00 in Stockholm).
    func fixture(_ count: Int = 1, at now: String = "2026-03-03T09:30:00Z") throws -> (ReminderFixture, [VoucherView]) {
        let f = try ReminderFixture()
        var vouchers: [VoucherView] = []
        for i in 0..<count { vouchers.append(try f.issue(email: "holder\(i)@example.com")) }
        f.clock.set(instant(now))
        _ = try f.service.sweep()
        return (f, vouchers)
    }

    func block(_ f: ReminderFixture, _ v: VoucherView) throws {
        try f.ledger.perform(.block(VoucherReference(v.id), reason: "card reported stolen"), actor: "support")
    }

    func unblock(_ f: ReminderFixture, _ v: VoucherView) throws {
        try f.ledger.perform(.unblock(VoucherReference(v.id), reason: "found again"), actor: "support")
    }

    // MARK: A lease is not a claim

    /// Dropped, put back in line and claimed again by another run within the same millisecond as
    /// this run's claim (a clock that did not move, or stepped back): the other run's lease ends
    /// when this one's does, so a lease's end cannot tell the two claims apart. The claim number
    /// does, and this run does not send what the other run is about to.
    @Test func aRowClaimedAgainUnderTheSameLeaseEnd_isNotSentByTheRunThatLostIt() throws {
        let (f, vouchers) = try fixture(2)
        nonisolated(unsafe) let other = try f.secondService(clock: f.clock)
        nonisolated(unsafe) let ledger = f.ledger
        final class Claimed: @unchecked Sendable { var rows: [OutboxRow] = [] }  // one thread: the run's
        let claimedThere = Claimed()
        let inner = RecordingChannel()
        let all = vouchers
        // No time passes: every step happens at 09:30:00.000.
        let frozen = SlowChannel(clock: f.clock, seconds: 0, inner: inner, then: [1: {
            let second = all.first { $0.id != inner.deliveries[0].message.voucherID }!
            _ = try? ledger.perform(.block(VoucherReference(second.id), reason: "card reported stolen"), actor: "test")
            _ = try? other.sweep()                                 // drops the claimed row
            _ = try? ledger.perform(.unblock(VoucherReference(second.id), reason: "found again"), actor: "test")
            _ = try? other.sweep()                                 // puts it back in line
            let rows = (try? other.claimDue(channel: RecordingChannel()).claimed) ?? []  // and claims it, not sent yet
            claimedThere.rows = rows
        }])
        _ = try f.service.run(channel: frozen)
        let theirs = claimedThere.rows
        #expect(theirs.count == 1)
        #expect(inner.deliveries.count == 1, "the first run sent only the row it still held")
        let row = try #require(theirs.first)
        #expect(row.leaseUntil == instant("2026-03-03T09:35:00Z"))
        let elsewhere = RecordingChannel()
        #expect(try other.dispatcher.keepLease(row, now: f.clock.now(), for: 1))
        #expect(try other.record(row, outcome: other.send(row, via: elsewhere), channel: elsewhere).result == "sent")
        let ids = inner.deliveries.map(\.message.messageID) + elsewhere.deliveries.map(\.message.messageID)
        #expect(ids.count == 2 && Set(ids).count == 2)
    }
}
