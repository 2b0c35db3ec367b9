import Foundation
import GoodwillCore
import Ledger
@testable import Reminders
import Store
import Testing

/// A delivery run as it happens in life: sends take time, the clock moves during the run, and
/// the world (blocks, closures, expiry, 410s) changes between one message and the next.
@Suite struct DeliveryRunTests {
    /// `count` vouchers whose 30-day reminder is due at 2026-03-03T09:00Z (10:00 in Stockholm).
    func fixture(_ count: Int, at now: String = "2026-03-03T09:30:00Z", retry: RetryPolicy = RetryPolicy()) throws -> ReminderFixture {
        let f = try ReminderFixture(retry: retry)
        for i in 0..<count { try f.issue(email: "holder\(i)@example.com") }
        f.clock.set(instant(now))
        return f
    }

    @Test func eachMessage_isSentAndRecordedAtTheTimeItGoesOut_notWhenTheRunBegan() throws {
        let f = try fixture(4)
        let slow = SlowChannel(clock: f.clock, seconds: 120)
        let report = try f.service.run(channel: slow)
        #expect(report.deliveries.map(\.result) == ["sent", "sent", "sent", "sent"])
        // Each message was handed over with the clock as it read when it went out.
        #expect(slow.deliveries.map(\.now) == slow.deliveries.map(\.clock))
        #expect(slow.deliveries.map(\.now) == (0..<4).map { instant("2026-03-03T09:30:00Z").addingTimeInterval(Double($0) * 120) })
        // And recorded when it had gone: 2 minutes after each hand-over.
        let sentAt = try f.rows().compactMap { $0.sentAt }.sorted()
        #expect(sentAt == ["2026-03-03T09:32:00Z", "2026-03-03T09:34:00Z", "2026-03-03T09:36:00Z", "2026-03-03T09:38:00Z"])
    }

    @Test func aRunThatReachesTheNight_stopsSending_andLeavesTheRestForTheMorning() throws {
        // 20:56 in Stockholm; quiet from 21:00. Two messages fit before nine, three do not.
        let f = try fixture(5, at: "2026-03-03T19:56:00Z")
        let slow = SlowChannel(clock: f.clock, seconds: 120)
        let report = try f.service.run(channel: slow)
        #expect(slow.deliveries.count == 2)
        #expect(slow.deliveries.allSatisfy { $0.now < instant("2026-03-03T20:00:00Z") })
        #expect(report.deliveries.map(\.result) == ["sent", "sent", "deferred", "deferred", "deferred"])
        let waiting = try f.rows().filter { $0.status == .pending }
        #expect(waiting.count == 3)
        // The claim that was given back is not an attempt; the morning is 08:00 local.
        #expect(waiting.allSatisfy { $0.attempts == 0 && $0.nextAttemptAt == "2026-03-04T07:00:00Z" })
    }

    @Test func aClaim_takesOnlyWhatTheChannelCanSendWithinHalfTheLease() throws {
        let f = try fixture(30)
        _ = try f.service.sweep()
        // A webhook at its slowest (10 s timeout + 5 s): 150 s of a 300 s lease hold 10.
        let webhook = SlowChannel(clock: f.clock, seconds: 15)
        #expect(try f.service.claimDue(channel: webhook).claimed.count == 10)
        // A channel slower than the lease still gets one at a time.
        #expect(try f.service.claimDue(channel: SlowChannel(clock: f.clock, seconds: 1000)).claimed.count == 1)
    }

    /// Rows a vanished run left claimed count against the same limit as pending ones: a claim
    /// after a crash still takes only what the channel can send within half the lease.
    @Test func aClaimAfterACrash_takesNoMoreThanHalfTheLeaseHolds_abandonedRowsIncluded() throws {
        let f = try fixture(30)
        _ = try f.service.sweep()
        let webhook = SlowChannel(clock: f.clock, seconds: 15)
        // A run claims 10 and dies; its lease runs out.
        #expect(try f.service.claimDue(channel: webhook).claimed.count == 10)
        f.clock.advance(seconds: f.service.retryPolicy.lease + 1)
        let next = try f.service.claimDue(channel: webhook).claimed
        #expect(next.count == 10)
        // The abandoned ones go first: they have waited longest.
        #expect(next.allSatisfy { $0.attempts == 2 })
    }

    @Test func aSlowRun_isNotOvertakenByAnotherProcess_soNothingGoesOutTwice() throws {
        let f = try fixture(8, retry: RetryPolicy(lease: 300))
        // Used only from inside this test's run, on this thread.
        nonisolated(unsafe) let other = try f.secondService(clock: f.clock)
        let elsewhere = RecordingChannel()
        // 100 s a message; after the fourth, another `reminders run` starts on the same database.
        let slow = SlowChannel(clock: f.clock, seconds: 100, then: [4: { _ = try? other.run(channel: elsewhere) }])
        _ = try f.service.run(channel: slow)
        let ids = slow.deliveries.map(\.messageID) + elsewhere.deliveries.map(\.message.messageID)
        #expect(ids.count == 8)
        #expect(Set(ids).count == 8)
        #expect(try f.rows().allSatisfy { $0.status == .sent && $0.attempts == 1 })
    }

    @Test func aLeaseAboutToRunOut_isStretchedBeforeTheSend() throws {
        let f = try fixture(2, retry: RetryPolicy(lease: 300))
        _ = try f.service.sweep()
        let channel = SlowChannel(clock: f.clock, seconds: 100)
        let claimed = try f.service.claimDue(channel: channel).claimed
        #expect(claimed.count == 1)
        f.clock.advance(seconds: 250) // 50 s of lease left, 100 s needed
        let other = try f.secondService(clock: f.clock)
        #expect(try f.service.dispatcher.keepLease(claimed[0], now: f.clock.now(), for: channel.maxDeliveryTime))
        f.clock.advance(seconds: 60) // past the lease it was claimed with
        // The other row of the fixture is the other service's to claim; this one is not.
        #expect(try !other.claimDue(channel: RecordingChannel()).claimed.map(\.id).contains(claimed[0].id))
        #expect(try f.ledger.db.scalarInt("SELECT attempts FROM reminder_outbox WHERE id = ?", [.integer(claimed[0].id)]) == 1)
    }

    /// A farewell to an erased holder, as closing writes it, on the voucher `f.issue()` made.
    func erasedHoldersFarewell(_ f: ReminderFixture) throws -> String {
        let voucher = try f.issue(email: "karin@example.com", name: "Karin Berg")
        let holder = try #require(try f.ledger.store.voucher(id: VoucherID(rawValue: voucher.id))?.holderID)
        let id = try f.ledger.db.writeTransaction {
            try FarewellLetters(db: f.ledger.db).enqueue(
                FarewellLetter(holderID: holder, language: .sv, toAddress: "karin@example.com", toName: "Karin Berg", subject: "Hej då",
                               body: "Kära Karin, tack.", fromAddress: "hej@example.com", fromName: "Takvandring"),
                anchor: VoucherID(rawValue: voucher.id), recipient: .holder, sendZone: "Europe/Stockholm", closedAt: f.clock.now(),
                notBefore: f.clock.now(), forgetAddressWhenSent: true)
        }
        _ = try f.ledger.db.run("UPDATE holders SET email = NULL, email_key = NULL, name = 'Former customer', erased_at = 1 WHERE id = ?", [.text(holder.rawValue)])
        return id
    }

    func leftAddress(_ f: ReminderFixture) throws -> Int64 {
        try f.ledger.db.scalarInt("""
            SELECT (SELECT count(*) FROM farewell_letters WHERE to_address IS NOT NULL OR to_name IS NOT NULL OR body LIKE '%Karin%')
                 + (SELECT count(*) FROM reminder_attempts WHERE error LIKE '%karin%')
                 + (SELECT count(*) FROM reminder_outbox WHERE last_error LIKE '%karin%')
            """)
    }

    /// The subject is the operator's template too ("Goodbye, {{name}}"): once the letter has gone
    /// out it is forgotten with the rest of the words, as the stored closing outcome forgets it.
    @Test func anErasedHoldersFarewell_onceSent_forgetsASubjectThatNamesThem() throws {
        let f = try ReminderFixture()
        _ = try erasedHoldersFarewell(f)
        _ = try f.ledger.db.run("UPDATE farewell_letters SET subject = 'Hej då, Karin'")
        let channel = RecordingChannel()
        #expect(try f.service.run(channel: channel).deliveries.map(\.result) == ["sent"])
        #expect(channel.deliveries.first?.message.subject == "Hej då, Karin")
        #expect(try f.ledger.db.scalarInt("SELECT count(*) FROM farewell_letters WHERE subject LIKE '%Karin%'") == 0)
    }

    @Test func anErasedHoldersFarewell_thatFailsForGood_forgetsTheAddress() throws {
        let f = try ReminderFixture()
        _ = try erasedHoldersFarewell(f)
        let r = try f.service.run(channel: RecordingChannel(answer: .permanent("550 5.1.1 <karin@example.com>: no such user")))
        #expect(r.deliveries.map(\.result) == ["failed"])
        #expect(try leftAddress(f) == 0)
        #expect(try f.ledger.db.scalarText("SELECT body FROM farewell_letters") == "[erased: not delivered]")
    }

    @Test func anErasedHoldersFarewell_givenUpOn_forgetsTheAddress() throws {
        let f = try ReminderFixture(retry: RetryPolicy(maxAttempts: 2, baseDelay: 60, maxDelay: 60))
        _ = try erasedHoldersFarewell(f)
        let channel = RecordingChannel(answer: .temporary("450 <karin@example.com>: mailbox busy"))
        _ = try f.service.run(channel: channel)
        #expect(try leftAddress(f) > 0) // still to be sent: it keeps what it needs
        f.clock.advance(seconds: 3600)
        #expect(try f.service.run(channel: channel).deliveries.map(\.result) == ["failed"])
        #expect(try leftAddress(f) == 0)
    }

    @Test func aReminderRetriedPastTheExpiry_isDropped_notSent() throws {
        let f = try ReminderFixture()
        try f.issue()  // last valid day 2026-04-02 (Stockholm): expires 2026-04-02T22:00Z
        f.clock.set(instant("2026-04-01T08:30:00Z"))
        let channel = RecordingChannel(answer: .temporary("mail server busy"))
        let first = try f.service.run(channel: channel)
        #expect(first.deliveries.map(\.result) == ["retrying"])
        let id = try #require(first.deliveries.first?.id)
        // Its retry lands on the day after the last valid day (as a long Retry-After would put it).
        _ = try f.ledger.db.run("UPDATE reminder_outbox SET next_attempt_at = ? WHERE id = ?",
                                [.integer(instant("2026-04-03T08:00:00Z").unixMilliseconds), .integer(id)])
        f.clock.set(instant("2026-04-03T08:00:00Z"))
        channel.answer(.delivered)
        let late = try f.service.run(channel: channel)
        #expect(late.sentCount == 0)
        #expect(channel.deliveries.count == 1)
        #expect(try f.service.reminder(id: id).status == .cancelled)
    }

    /// The check at the claim is not enough: a batch claimed minutes before the expiry may reach a
    /// message after it. That one is dropped just before the send, with no attempt recorded.
    @Test func aReminderClaimedBeforeTheExpiry_butReachedAfterIt_isDropped_notSent() throws {
        // Lasts until 2026-04-02T22:00Z (midnight in Stockholm); the holders live in New York, where
        // 21:55Z is 17:55, awake. A long lease: both fit in one claim at 10 minutes a message.
        let f = try ReminderFixture(retry: RetryPolicy(lease: 3600))
        for i in 0..<2 { try f.issue(email: "holder\(i)@example.com", holderZone: "America/New_York") }
        f.clock.set(instant("2026-04-02T21:55:00Z"))
        let slow = SlowChannel(clock: f.clock, seconds: 600)
        let report = try f.service.run(channel: slow)
        // Both were claimed while valid; the second's turn came at 22:05.
        #expect(slow.deliveries.map(\.now) == [instant("2026-04-02T21:55:00Z")])
        #expect(report.deliveries.map(\.result) == ["sent", "cancelled"])
        #expect(report.deliveries.last?.error == "dropped: the voucher expired before this went out")
        let dropped = try #require(try f.rows().last)
        #expect(dropped.status == .cancelled && dropped.history.isEmpty && dropped.attempts == 0)
        // Dropped when the dispatcher reached it, not when it was claimed.
        #expect(dropped.cancelKind == .dropped && dropped.cancelledAt == "2026-04-02T22:05:00Z")
    }

    @Test func aHolderWhoClosedWhileAReminderWasInFlight_doesNotGetIt() throws {
        let f = try fixture(1)
        _ = try f.service.sweep()
        let channel = RecordingChannel(answer: .temporary("mail server busy"))
        // Claimed and sent with a temporary failure: back to pending, with a retry ahead.
        let row = try #require(try f.service.claimDue(channel: channel).claimed.first)
        // Meanwhile the holder closes (closing dropped only pending rows; this one was sending).
        let holder = try #require(try f.ledger.store.voucher(id: row.voucherID)?.holderID)
        _ = try f.ledger.db.run("INSERT INTO holder_closures (holder_id, closed_at, closed_by, erased, summary_json) VALUES (?, 0, 'test', 0, '{}')",
                                [.text(holder.rawValue)])
        _ = try f.service.record(row, outcome: f.service.send(row, via: channel), channel: channel)
        channel.answer(.delivered)
        f.clock.advance(seconds: 24 * 3600)
        let later = try f.service.run(channel: channel)
        #expect(later.deliveries.map(\.result) == ["cancelled"])
        #expect(channel.deliveries.count == 1)
        #expect(try f.service.reminder(id: row.id).status == .cancelled)
    }
}

@Suite struct ChangedWhileClaimedTests {
    /// A run claims several reminders and sends them one after another; a voucher voided, blocked
    /// or used up while the sends before its own were going out gets no reminder.
    @Test func aVoucherChangedWhileItsReminderWasClaimed_getsNoReminder() throws {
        let f = try ReminderFixture()
        var vouchers: [VoucherView] = []
        for i in 0..<4 { vouchers.append(try f.issue(email: "holder\(i)@example.com")) }
        f.clock.set(instant("2026-03-03T09:30:00Z"))
        let inner = RecordingChannel()
        nonisolated(unsafe) let ledger = f.ledger
        let all = vouchers
        // After the first message goes out, the other three vouchers change.
        let slow = SlowChannel(clock: f.clock, seconds: 10, inner: inner, then: [1: {
            let others = all.filter { $0.id != inner.deliveries[0].message.voucherID }
            _ = try? ledger.perform(.void(VoucherReference(others[0].id), reason: "sold in error"), actor: "test")
            _ = try? ledger.block(others[1], actor: "test")
            _ = try? ledger.perform(.redeem(VoucherReference(others[2].id), amount: sek(500), reference: nil), actor: "test")
        }])
        let report = try f.service.run(channel: slow)
        #expect(inner.deliveries.count == 1)
        #expect(report.deliveries.map(\.result).sorted() == ["cancelled", "cancelled", "cancelled", "sent"])
        #expect(try f.rows().filter { $0.status == .cancelled }.count == 3)
    }
}

@Suite struct ClaimTakenMeanwhileTests {
    /// A row claimed by a slow run can be dropped by another process's sweep (the voucher blocked)
    /// and put back in line by it (unblocked) and sent there, all while this run's lease on the
    /// row has not run out. Neither run may send it while this run's lease runs (this run may be
    /// sending it): this run's claim is gone, and the row waits in line for the lease to end. It
    /// then goes out once, from the line.
    @Test func aClaimedReminderDroppedAndRevived_isSentOnceAfterTheFirstRunsLease() throws {
        let f = try ReminderFixture()
        var vouchers: [VoucherView] = []
        for i in 0..<2 { vouchers.append(try f.issue(email: "holder\(i)@example.com")) }
        f.clock.set(instant("2026-03-03T09:30:00Z"))
        nonisolated(unsafe) let other = try f.secondService(clock: f.clock)
        nonisolated(unsafe) let ledger = f.ledger
        let inner = RecordingChannel()
        let elsewhere = RecordingChannel()
        let all = vouchers
        let slow = SlowChannel(clock: f.clock, seconds: 10, inner: inner, then: [1: {
            let second = all.first { $0.id != inner.deliveries[0].message.voucherID }!
            _ = try? ledger.block(second, actor: "test")
            _ = try? other.run(channel: elsewhere)     // drops the claimed row
            _ = try? ledger.unblock(second, actor: "test")
            _ = try? other.run(channel: elsewhere)     // puts it back in line, from this run's lease end
        }])
        _ = try f.service.run(channel: slow)
        #expect(elsewhere.deliveries.isEmpty && inner.deliveries.count == 1)
        f.clock.set(instant("2026-03-03T09:35:00Z"))
        _ = try other.run(channel: elsewhere)
        #expect(elsewhere.deliveries.count == 1)
        let ids = inner.deliveries.map(\.message.messageID) + elsewhere.deliveries.map(\.message.messageID)
        #expect(ids.count == 2)
        #expect(Set(ids).count == 2)
    }
}
