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

    // MARK: a) a drop just before the send

    /// This run stalled past its lease; another run claimed the row and sent it. Reaching it, this
    /// run finds its voucher blocked since and would drop it: the message went out, so the row
    /// stays sent (the drop used to overwrite it by id, and the send was recorded as never made).
    @Test func aDropByARunThatLostItsClaim_doesNotUndoTheOtherRunsSend() throws {
        let (f, vouchers) = try fixture()
        let channel = RecordingChannel()
        let mine = try #require(try f.service.claimDue(channel: channel).claimed.first)
        f.clock.advance(seconds: f.service.retryPolicy.lease + 1)
        let other = try f.secondService(clock: f.clock)
        let elsewhere = RecordingChannel()
        #expect(try other.run(channel: elsewhere).deliveries.map(\.result) == ["sent"])
        try f.ledger.block(vouchers[0])
        let held = try #require(try f.service.dispatcher.holdBack(mine, now: f.clock.now(), channel: channel.name))
        #expect(held.result == "taken_over")
        #expect(held.error == "sent by another run meanwhile")
        let row = try f.service.reminder(id: mine.id)
        #expect(row.status == .sent && row.cancelKind == nil && row.cancelledAt == nil && row.attempts == 2, "\(row)")
        #expect(channel.deliveries.isEmpty && elsewhere.deliveries.count == 1)
    }

    /// Another process's sweep dropped the claimed row (blocked) and put it back in line
    /// (unblocked); blocked again, this run would drop it just before the send. The row is that
    /// sweep's now: it stays in line (the next sweep decides), and the run says so, not "cancelled".
    /// In line from this run's lease end: the sweep cannot know this run is not sending it.
    @Test func aDropByARunThatLostItsClaim_doesNotUndoARevival() throws {
        let (f, vouchers) = try fixture()
        let channel = RecordingChannel()
        let mine = try #require(try f.service.claimDue(channel: channel).claimed.first)
        let other = try f.secondService(clock: f.clock)
        try f.ledger.block(vouchers[0])
        #expect(try other.sweep().cancelled == 1)
        try f.ledger.unblock(vouchers[0])
        #expect(try other.sweep().enqueued.count == 1)
        try f.ledger.block(vouchers[0])
        let held = try #require(try f.service.dispatcher.holdBack(mine, now: f.clock.now(), channel: channel.name))
        #expect(held.result == "taken_over")
        #expect(held.error == "put back in line by another process meanwhile")
        #expect(held.nextAttemptAt == "2026-03-03T09:35:00Z")
        let row = try f.service.reminder(id: mine.id)
        #expect(row.status == .pending && row.cancelKind == nil && row.cancelledAt == nil, "\(row)")
    }

    // MARK: b) put back in line while its message was on its way

    /// Dropped and put back in line by another process's sweep while its message was on its way,
    /// and the message did not go out: the row waits in line (the sweep's doing) until this run's
    /// lease ends, and the run says so with when it goes out, instead of reporting it cancelled.
    /// One that went out is sent.
    @Test(arguments: [DeliveryOutcome.delivered, .temporary("timed out"), .permanent("the endpoint answered 400"),
                      .endpointGone("the endpoint answered 410")])
    func aRowPutBackInLineWhileItsMessageWasSent_isReportedAsBackInLine(outcome: DeliveryOutcome) throws {
        let (f, vouchers) = try fixture()
        nonisolated(unsafe) let other = try f.secondService(clock: f.clock)
        nonisolated(unsafe) let ledger = f.ledger
        let v = vouchers[0]
        struct Revived: DeliveryChannel, @unchecked Sendable {  // one thread: the run's
            let meanwhile: () -> Void
            let outcome: DeliveryOutcome
            var name: String { "test" }
            var endpoint: String? { nil }
            func deliver(_ m: OutgoingMessage, now: Date) -> DeliveryOutcome { meanwhile(); return outcome }
        }
        let channel = Revived(meanwhile: {
            _ = try? ledger.block(v)
            _ = try? other.sweep()
            _ = try? ledger.unblock(v)
            _ = try? other.sweep()
        }, outcome: outcome)
        let mine = try #require(try f.service.claimDue(channel: channel).claimed.first)
        let view = try f.service.record(mine, outcome: f.service.send(mine, via: channel), channel: channel)
        let row = try #require(try f.rows().first)
        if outcome == .delivered {
            #expect(view.result == "sent")
            #expect(row.status == .sent && row.cancelKind == nil, "\(row)")
        } else {
            #expect(view.result == "taken_over")
            #expect(view.error == "put back in line by another process meanwhile")
            #expect(view.nextAttemptAt == "2026-03-03T09:35:00Z")
            #expect(row.status == .pending && row.attempts == 0 && row.cancelKind == nil && row.lastError == nil, "\(row)")
        }
        #expect(row.history.count == 1, "the attempt was made, and is kept")
    }

    // MARK: d) dropped and put back in line while its message is under way

    /// A channel that, while it has the message (the run checked its claim before and is sending
    /// now), lets another process act, then answers as told.
    struct UnderWay: DeliveryChannel, @unchecked Sendable {  // one thread: the run's
        let inner: RecordingChannel
        let meanwhile: () -> Void
        var name: String { "test" }
        var endpoint: String? { nil }
        func deliver(_ m: OutgoingMessage, now: Date) -> DeliveryOutcome {
            meanwhile()
            return inner.deliver(m, now: now)
        }
    }

    /// This run checked its claim and is sending; meanwhile another process (its own clock)
    /// drops the row (blocked), puts it back in line (unblocked) and runs. The message may be on
    /// its way, so the row waits in line for this claim's lease to end: this run's send is
    /// recorded sent before then, and the other run never sends it (it used to: twice).
    @Test func aRowPutBackInLineWhileItsMessageIsUnderWay_isNotSentByAnotherRun() throws {
        let (f, vouchers) = try fixture()
        let v = vouchers[0]
        let otherClock = ManualClock(f.clock.now())
        nonisolated(unsafe) let other = try f.secondService(clock: otherClock)
        nonisolated(unsafe) let ledger = f.ledger
        let elsewhere = RecordingChannel()
        final class Seen: @unchecked Sendable { var next: [String?] = []; var results: [String] = [] }  // one thread
        let seen = Seen()
        let mine = RecordingChannel()
        let channel = UnderWay(inner: mine, meanwhile: {
            _ = try? ledger.block(v)
            _ = try? other.sweep()                                   // drops the row
            _ = try? ledger.unblock(v)
            otherClock.advance(seconds: 60)
            let report = try? other.run(channel: elsewhere)          // puts it back in line, and delivers what is due
            seen.results = report?.deliveries.map(\.result) ?? ["failed to run"]
            seen.next = (try? other.reminders(status: nil, limit: 10).map(\.nextAttemptAt)) ?? []
        })
        let report = try f.service.run(channel: channel)
        #expect(seen.results.isEmpty, "the other run sent nothing: \(seen.results)")
        #expect(seen.next == ["2026-03-03T09:35:00Z"], "back in line when this run's lease ends")
        #expect(report.deliveries.map(\.result) == ["sent"] && report.deliveries[0].error == nil, "\(report.deliveries)")
        #expect(mine.deliveries.count == 1 && elsewhere.deliveries.isEmpty)
        let row = try #require(try f.rows().first)
        #expect(row.status == .sent && row.cancelKind == nil && row.cancelledAt == nil, "\(row)")

        // Nothing goes out again once the lease has ended.
        otherClock.set(instant("2026-03-03T09:40:00Z"))
        #expect(try other.run(channel: elsewhere).deliveries.isEmpty)
        #expect(elsewhere.deliveries.isEmpty)
    }

    /// Dropped while under way, put back in line and dropped again before the lease ended: the
    /// second revival still waits for that lease (a drop of a row in line keeps it). Once the
    /// lease has ended, a row put back in line goes out at once, not a lease later.
    @Test func aRowDroppedTwiceWhileUnderWay_waitsForTheLease_andGoesOutAtOnceAfterIt() throws {
        let (f, vouchers) = try fixture()
        let v = vouchers[0]
        let otherClock = ManualClock(f.clock.now())
        nonisolated(unsafe) let other = try f.secondService(clock: otherClock)
        nonisolated(unsafe) let ledger = f.ledger
        let channel = UnderWay(inner: RecordingChannel(answer: .temporary("timed out")), meanwhile: {
            _ = try? ledger.block(v)
            _ = try? other.sweep()                                   // drops it
            _ = try? ledger.unblock(v)
            _ = try? other.sweep()                                   // puts it back in line
            _ = try? ledger.block(v, reason: "card reported stolen again")
            _ = try? other.sweep()                                   // drops it again, from the line
        })
        let report = try f.service.run(channel: channel)
        #expect(report.deliveries.map(\.result) == ["cancelled"], "\(report.deliveries)")

        otherClock.set(instant("2026-03-03T09:33:00Z"))
        try ledger.unblock(v)
        let elsewhere = RecordingChannel()
        let early = try other.run(channel: elsewhere)
        #expect(early.enqueued.count == 1 && early.deliveries.isEmpty, "\(early.deliveries)")
        #expect(try f.rows().first?.nextAttemptAt == "2026-03-03T09:35:00Z")

        otherClock.set(instant("2026-03-03T09:35:00Z"))
        #expect(try other.run(channel: elsewhere).deliveries.map(\.result) == ["sent"])
        #expect(elsewhere.deliveries.count == 1)
    }

    /// Dropped while under way and put back in line only after that claim's lease ended: nothing
    /// can be on its way any more, so it goes out at once.
    @Test func aRowPutBackInLineAfterTheLeaseOfTheClaimItWasDroppedUnder_goesOutAtOnce() throws {
        let (f, vouchers) = try fixture()
        let v = vouchers[0]
        let otherClock = ManualClock(f.clock.now())
        nonisolated(unsafe) let other = try f.secondService(clock: otherClock)
        nonisolated(unsafe) let ledger = f.ledger
        let channel = UnderWay(inner: RecordingChannel(answer: .temporary("timed out")), meanwhile: {
            _ = try? ledger.block(v)
            _ = try? other.sweep()                                   // drops it
        })
        #expect(try f.service.run(channel: channel).deliveries.map(\.result) == ["cancelled"])

        otherClock.set(instant("2026-03-03T09:50:00Z"))
        try ledger.unblock(v)
        let elsewhere = RecordingChannel()
        let run = try other.run(channel: elsewhere)
        #expect(run.enqueued.count == 1 && run.deliveries.map(\.result) == ["sent"], "\(run.deliveries)")
        #expect(elsewhere.deliveries.map(\.at) == [instant("2026-03-03T09:50:00Z")])
    }

    // MARK: c) a run whose lease ran out, against the run that claimed the row after it

    /// This run's send took longer than its lease; another run claimed the row meanwhile. Whatever
    /// this run's send answered short of delivery, the other run's claim stands: it sends the row
    /// (a permanent failure used to mark it failed, and the other run then skipped it: never sent).
    @Test(arguments: [DeliveryOutcome.temporary("timed out"), .permanent("the endpoint answered 400"),
                      .endpointGone("the endpoint answered 410")])
    func aRunWhoseLeaseRanOut_doesNotResetTheClaimOfTheRunAfterIt(outcome: DeliveryOutcome) throws {
        let (f, _) = try fixture()
        let channel = RecordingChannel(answer: outcome)
        let mine = try #require(try f.service.claimDue(channel: channel).claimed.first)
        f.clock.advance(seconds: f.service.retryPolicy.lease + 1)
        let other = try f.secondService(clock: f.clock)
        let elsewhere = RecordingChannel()
        let theirs = try #require(try other.claimDue(channel: elsewhere).claimed.first)
        #expect(theirs.id == mine.id)

        let view = try f.service.record(mine, outcome: f.service.send(mine, via: channel), channel: channel)
        #expect(view.result == "taken_over")
        #expect(view.error == "claimed by another run meanwhile")
        let row = try f.service.reminder(id: mine.id)
        #expect(row.status == .sending && row.attempts == 2, "\(row)")

        #expect(try other.dispatcher.keepLease(theirs, now: f.clock.now(), for: elsewhere.maxDeliveryTime))
        #expect(try other.dispatcher.holdBack(theirs, now: f.clock.now(), channel: elsewhere.name) == nil)
        let sent = try other.record(theirs, outcome: other.send(theirs, via: elsewhere), channel: elsewhere)
        #expect(sent.result == "sent")
        #expect(try f.service.reminder(id: mine.id).status == .sent)
        #expect(elsewhere.deliveries.count == 1)
    }

    /// The same run, its message delivered after all: it went out, so the row is sent, and the
    /// run that claimed it after sees that before its own send and leaves it.
    @Test func aRunWhoseLeaseRanOut_recordsADeliveryAsSent_andTheRunAfterItDoesNotSendAgain() throws {
        let (f, _) = try fixture()
        let channel = RecordingChannel()
        let mine = try #require(try f.service.claimDue(channel: channel).claimed.first)
        f.clock.advance(seconds: f.service.retryPolicy.lease + 1)
        let other = try f.secondService(clock: f.clock)
        let elsewhere = RecordingChannel()
        let theirs = try #require(try other.claimDue(channel: elsewhere).claimed.first)
        #expect(try f.service.record(mine, outcome: f.service.send(mine, via: channel), channel: channel).result == "sent")
        #expect(try f.service.reminder(id: mine.id).status == .sent)
        #expect(try !other.dispatcher.keepLease(theirs, now: f.clock.now(), for: elsewhere.maxDeliveryTime))
        // Had it sent already, its record says the row was sent, and by whom it does not know.
        let late = try other.record(theirs, outcome: .temporary("timed out"), channel: elsewhere)
        #expect(late.result == "taken_over" && late.error == "sent by another run meanwhile")
        #expect(try f.service.reminder(id: mine.id).status == .sent)
    }

    /// Both sent it (this run's send outlived its lease: the at-least-once a lease cannot rule
    /// out): the first record stands, and this run says its send was the second.
    @Test func aRunWhoseLeaseRanOut_findingTheRowSentByTheRunAfterIt_leavesThatRecord() throws {
        let (f, _) = try fixture()
        let channel = RecordingChannel()
        let mine = try #require(try f.service.claimDue(channel: channel).claimed.first)
        #expect(f.service.send(mine, via: channel) == .delivered)
        f.clock.advance(seconds: f.service.retryPolicy.lease + 1)
        let other = try f.secondService(clock: f.clock)
        let elsewhere = RecordingChannel()
        #expect(try other.run(channel: elsewhere).deliveries.map(\.result) == ["sent"])
        f.clock.advance(seconds: 60)
        let view = try f.service.record(mine, outcome: .delivered, channel: channel)
        #expect(view.result == "sent" && view.error == "also sent by another run meanwhile")
        let row = try f.service.reminder(id: mine.id)
        #expect(row.status == .sent && row.sentAt == "2026-03-03T09:35:01Z" && row.attempts == 2, "\(row)")
        #expect(row.history.map(\.outcome) == ["sent", "sent"])
    }

    /// The commonest loss: a send outlives the lease and another run claims the rest of the batch.
    /// Reaching the next row, this run finds its claim gone before the send: it does not send it,
    /// and reports it as it reports every lost claim, `taken_over` with what became of the row
    /// (it used to leave the row out of the report, as if the batch had held one row).
    @Test func theRestOfABatchClaimedByAnotherRunDuringASlowSend_isReportedTakenOver() throws {
        let (f, _) = try fixture(2)
        nonisolated(unsafe) let other = try f.secondService(clock: f.clock)
        final class Claimed: @unchecked Sendable { var rows: [OutboxRow] = [] }  // one thread: the run's
        let claimedThere = Claimed()
        let clock = f.clock, lease = f.service.retryPolicy.lease
        let inner = RecordingChannel()
        let slow = SlowChannel(clock: f.clock, seconds: 0, inner: inner, then: [1: {
            clock.advance(seconds: lease + 1)                                              // the send outlived the lease
            claimedThere.rows = (try? other.claimDue(channel: RecordingChannel()).claimed) ?? []  // and the rest was taken
        }])
        let report = try f.service.run(channel: slow)
        #expect(inner.deliveries.count == 1)
        #expect(claimedThere.rows.count == 2, "both leases had run out")
        #expect(report.deliveries.map(\.result) == ["sent", "taken_over"], "\(report.deliveries)")
        let lost = try #require(report.deliveries.last)
        #expect(lost.error == "claimed by another run meanwhile" && lost.nextAttemptAt == nil && lost.code != nil, "\(lost)")
        #expect(lost.messageID != inner.deliveries[0].message.messageID)
        let row = try f.service.reminder(id: lost.id)
        #expect(row.status == .sending && row.attempts == 2, "left to the run that claimed it: \(row)")

        let theirs = try #require(claimedThere.rows.first { $0.id == lost.id })
        let elsewhere = RecordingChannel()
        #expect(try other.dispatcher.keepLease(theirs, now: f.clock.now(), for: elsewhere.maxDeliveryTime))
        #expect(try other.record(theirs, outcome: other.send(theirs, via: elsewhere), channel: elsewhere).result == "sent")
        #expect(elsewhere.deliveries.map(\.message.messageID) == [lost.messageID])
    }

    /// A run that lost its claim and then finds the recipient's night begun, or its endpoint
    /// disabled, does not give the row back: the run that claimed it after keeps it.
    @Test func aRunWhoseLeaseRanOut_givesNothingBack() throws {
        // 20:50 in Stockholm: the night begins at 21:00.
        let (f, _) = try fixture(2, at: "2026-03-03T19:50:00Z")
        let channel = RecordingChannel()
        let mine = try f.service.claimDue(channel: channel).claimed
        #expect(mine.count == 2)
        f.clock.advance(seconds: f.service.retryPolicy.lease + 1)
        let other = try f.secondService(clock: f.clock)
        let theirs = try other.claimDue(channel: RecordingChannel()).claimed
        #expect(theirs.map(\.id) == mine.map(\.id))

        let held = try #require(try f.service.dispatcher.holdBack(mine[0], now: instant("2026-03-03T20:01:00Z"), channel: channel.name))
        #expect(held.result == "taken_over" && held.error == "claimed by another run meanwhile" && held.nextAttemptAt == nil)
        try f.service.dispatcher.giveBack(mine[1...])
        let rows = try f.rows()
        #expect(rows.allSatisfy { $0.status == .sending && $0.attempts == 2 }, "\(rows)")
        for row in theirs { #expect(try other.dispatcher.keepLease(row, now: f.clock.now(), for: 1)) }
    }

    // MARK: A lease is not a claim

    /// Dropped and put back in line by another process within the same millisecond as this run's
    /// claim (a clock that did not move, or stepped back). The row waits in line for this run's
    /// lease to end, so no other claim can have the same lease end; and this run, its claim gone
    /// (the claim number says so, not the lease), does not send it. It goes out once, at that end.
    @Test func aRowPutBackInLineWithinTheSameMillisecond_isSentOnceAfterTheLeaseOfTheRunThatLostIt() throws {
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
            _ = try? ledger.block(second, actor: "test")
            _ = try? other.sweep()                                 // drops the claimed row
            _ = try? ledger.unblock(second, actor: "test")
            _ = try? other.sweep()                                 // puts it back in line
            claimedThere.rows = (try? other.claimDue(channel: RecordingChannel()).claimed) ?? []  // not yet claimable
        }])
        let report = try f.service.run(channel: frozen)
        #expect(claimedThere.rows.isEmpty)
        #expect(inner.deliveries.count == 1, "the first run sent only the row it still held")
        #expect(report.deliveries.map(\.result) == ["sent", "taken_over"], "\(report.deliveries)")
        #expect(report.deliveries[1].error == "put back in line by another process meanwhile")
        #expect(report.deliveries[1].nextAttemptAt == "2026-03-03T09:35:00Z")

        f.clock.set(instant("2026-03-03T09:35:00Z"))
        let row = try #require(try other.claimDue(channel: RecordingChannel()).claimed.first)
        #expect(row.leaseUntil == instant("2026-03-03T09:40:00Z"))
        let elsewhere = RecordingChannel()
        #expect(try other.dispatcher.keepLease(row, now: f.clock.now(), for: 1))
        #expect(try other.record(row, outcome: other.send(row, via: elsewhere), channel: elsewhere).result == "sent")
        let ids = inner.deliveries.map(\.message.messageID) + elsewhere.deliveries.map(\.message.messageID)
        #expect(ids.count == 2 && Set(ids).count == 2)
    }
}
