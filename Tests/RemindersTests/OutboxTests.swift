import Foundation
import GoodwillCore
import Ledger
@testable import Reminders
import Store
import Synchronization
import Testing

@Suite struct OutboxTests {
    /// Five vouchers whose 30-day reminder is due at 2026-03-03T09:00Z.
    func fixtureWithDueReminders(_ count: Int = 5) throws -> ReminderFixture {
        let f = try ReminderFixture()
        for i in 0..<count { try f.issue(email: "holder\(i)@example.com") }
        f.clock.set(instant("2026-03-03T09:30:00Z"))
        return f
    }

    /// Blocked across its reminder's step and unblocked with the same expiry, a voucher still gets
    /// that reminder: the one dropped while it was blocked (kind `dropped`, with the time of the
    /// drop) is put back in line, once, and is no longer cancelled at all.
    @Test func aReminderDroppedWhileBlocked_goesOutOnceItIsUnblocked() throws {
        let f = try ReminderFixture()
        let v = try f.issue()
        f.clock.set(instant("2026-03-03T09:30:00Z"))
        _ = try f.service.sweep()
        #expect(try f.rows().map(\.status) == [.pending])
        f.clock.set(instant("2026-03-04T12:00:00Z"))
        try f.ledger.perform(.block(VoucherReference(v.id), reason: "lost card"), actor: "support")
        #expect(try f.service.sweep().cancelled == 1)
        let dropped = try #require(try f.rows().first)
        #expect(dropped.status == .cancelled && dropped.cancelKind == .dropped && dropped.cancelledAt == "2026-03-04T12:00:00Z")
        try f.ledger.perform(.unblock(VoucherReference(v.id), reason: "found"), actor: "support")
        let again = try f.service.sweep()
        #expect(again.enqueued.count == 1)
        let revived = try #require(try f.rows().first)
        #expect(revived.status == .pending && revived.cancelKind == nil && revived.cancelledAt == nil && revived.lastError == nil)
        #expect(try f.service.sweep().enqueued.isEmpty)
        let channel = RecordingChannel()
        _ = try f.service.run(channel: channel)
        #expect(channel.deliveries.count == 1)
        #expect(try f.rows().map(\.status) == [.sent])
    }

    @Test func sweepingTwice_enqueuesNothingTwice() throws {
        let f = try fixtureWithDueReminders()
        #expect(try f.service.sweep().enqueued.count == 5)
        #expect(try f.service.sweep().enqueued.isEmpty)
        #expect(try f.rows().count == 5)
    }

    @Test func theUniqueConstraint_notTheCode_refusesASecondCopy() throws {
        let f = try fixtureWithDueReminders(1)
        _ = try f.service.sweep()
        let row = try #require(try f.rows().first)
        // A second insert of the same (voucher, kind, step, expiry, entry) under another message id.
        #expect(throws: DatabaseError.self) {
            try f.ledger.db.run("""
                INSERT INTO reminder_outbox (message_id, voucher_id, kind, days_before, expires_at, entry_id, recipient_role,
                    send_zone, due_at, created_at, status, next_attempt_at)
                SELECT 'msg_other', voucher_id, kind, days_before, expires_at, entry_id, recipient_role, send_zone, due_at,
                    created_at, 'pending', next_attempt_at FROM reminder_outbox WHERE id = ?
                """, [.integer(row.id)])
        }
    }

    @Test func twoConnectionsOnTwoThreads_sweepingAtOnce_enqueueEachMessageOnce() throws {
        let f = try fixtureWithDueReminders(40)
        let path = f.databasePath
        let catalog = f.service.catalog
        let errors = Mutex<[String]>([])
        let enqueued = Mutex<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            do {
                let ledger = try Ledger(path: path, clock: ManualClock(instant("2026-03-03T09:30:00Z")), options: .init(durable: false))
                let service = ReminderService(ledger: ledger, catalog: catalog)
                for _ in 0..<20 {
                    let n = try service.sweep().enqueued.count
                    enqueued.withLock { $0 += n }
                }
            } catch {
                errors.withLock { $0.append("\(error)") }
            }
        }
        #expect(errors.withLock { $0 } == [])
        #expect(enqueued.withLock { $0 } == 40)
        #expect(try f.ledger.db.scalarInt("SELECT count(*) FROM reminder_outbox") == 40)
        #expect(try f.ledger.db.scalarInt("SELECT count(DISTINCT voucher_id) FROM reminder_outbox") == 40)
    }

    @Test func aCrashBetweenSendingAndRecording_losesNothing_andWritesNoSecondFile() throws {
        let f = try fixtureWithDueReminders(3)
        let maildir = MaildirChannel(root: f.folder.url.appendingPathComponent("maildir").path)
        _ = try f.service.sweep()
        // The dispatcher claims and the channel writes every message, then the process "dies":
        // nothing is recorded.
        let claimed = try f.service.claimDue(channel: maildir).claimed
        #expect(claimed.count == 3)
        for row in claimed { #expect(f.service.send(row, via: maildir) == .delivered) }
        let newDir = maildir.root + "/new"
        #expect(try FileManager.default.contentsOfDirectory(atPath: newDir).count == 3)

        // Within the lease nobody else sends them.
        #expect(try f.service.run(channel: maildir).deliveries.isEmpty)
        // After the lease runs out they are delivered again, under the same ids, into the same files.
        f.clock.advance(seconds: f.service.retryPolicy.lease + 1)
        let again = try f.service.run(channel: maildir)
        #expect(again.deliveries.map(\.result) == ["sent", "sent", "sent"])
        let files = try FileManager.default.contentsOfDirectory(atPath: newDir).sorted()
        #expect(files == claimed.map { MaildirChannel.fileName(for: $0.messageID) }.sorted())
        #expect(try f.rows().allSatisfy { $0.status == .sent && $0.attempts == 2 })
        #expect(try FileManager.default.contentsOfDirectory(atPath: maildir.root + "/tmp").isEmpty)
    }

    @Test func aSendThatSucceededButReportedFailure_isRetried_andRecognisedByItsId() throws {
        let f = try fixtureWithDueReminders(2)
        let maildir = MaildirChannel(root: f.folder.url.appendingPathComponent("maildir").path)
        // Writes the message, then loses the answer (as a connection dropped after the server took it).
        struct LostAnswer: DeliveryChannel {
            let inner: MaildirChannel
            var name: String { "maildir" }
            var endpoint: String? { nil }
            func deliver(_ m: OutgoingMessage, now: Date) -> DeliveryOutcome {
                _ = inner.deliver(m, now: now)
                return .temporary("connection lost after writing")
            }
        }
        let first = try f.service.run(channel: LostAnswer(inner: maildir))
        #expect(first.deliveries.map(\.result) == ["retrying", "retrying"])
        f.clock.advance(seconds: 24 * 3600) // next morning, past the first retry
        let second = try f.service.run(channel: maildir)
        #expect(second.deliveries.map(\.result) == ["sent", "sent"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: maildir.root + "/new").count == 2)
        let history = try f.rows().map { $0.history.map(\.outcome) }
        #expect(history == [["temporary", "sent"], ["temporary", "sent"]])
    }

    /// A row dropped while its message is being sent (a block and a sweep in another process, or
    /// the holder's close, during a slow webhook): a message that went out is recorded as sent, no
    /// longer cancelled; one that did not stays dropped, not put back in line. Either way the run
    /// goes on (the cancel columns' CHECKs refused the record and stopped the run, 7 Dec). A 410
    /// too: the row does not wait for the endpoint, so it is reported cancelled, with its reason.
    @Test(arguments: [DeliveryOutcome.delivered, .temporary("timed out"), .permanent("the endpoint answered 400"),
                      .endpointGone("the endpoint answered 410")])
    func aRowDroppedWhileItsMessageIsSent_isRecordedAndTheRunGoesOn(outcome: DeliveryOutcome) throws {
        let f = try fixtureWithDueReminders(2)
        struct DroppedMidSend: DeliveryChannel, @unchecked Sendable {  // one thread: the run's
            let db: Database
            let outcome: DeliveryOutcome
            var name: String { "test" }
            var endpoint: String? { nil }
            func deliver(_ m: OutgoingMessage, now: Date) -> DeliveryOutcome {
                _ = try? db.run("""
                    UPDATE reminder_outbox SET status = 'cancelled', cancel_kind = 'dropped', cancelled_at = ?,
                        last_error = 'dropped: the voucher was blocked while this was sent' WHERE message_id = ?
                    """, [.integer(now.unixMilliseconds), .text(m.messageID)])
                return outcome
            }
        }
        let report = try f.service.run(channel: DroppedMidSend(db: f.ledger.db, outcome: outcome))
        #expect(report.deliveries.count == 2, "both rows were tried")
        #expect(report.deliveries.map(\.result) == (outcome == .delivered ? ["sent", "sent"] : ["cancelled", "cancelled"]))
        if outcome != .delivered {
            #expect(report.deliveries.allSatisfy { $0.error == "dropped: the voucher was blocked while this was sent" && $0.nextAttemptAt == nil })
        }
        let rows = try f.rows()
        if outcome == .delivered {
            #expect(rows.allSatisfy { $0.status == .sent && $0.cancelKind == nil && $0.cancelledAt == nil }, "\(rows)")
        } else {
            #expect(rows.allSatisfy { $0.status == .cancelled && $0.cancelKind == .dropped }, "\(rows)")
        }
    }

    @Test func failures_backOff_thenStayFailed_untilRetried() throws {
        let f = try ReminderFixture(retry: RetryPolicy(maxAttempts: 4, baseDelay: 300, maxDelay: 12 * 3600))
        try f.issue()
        f.clock.set(instant("2026-03-03T09:00:00Z"))
        let channel = RecordingChannel(answer: .temporary("mail server busy"))
        var waits: [TimeInterval] = []
        for _ in 0..<4 {
            let r = try f.service.run(channel: channel)
            let d = try #require(r.deliveries.first)
            if let next = d.nextAttemptAt {
                waits.append(instant(next).timeIntervalSince(f.clock.now()))
                f.clock.set(instant(next))
            } else {
                #expect(d.result == "failed")
            }
        }
        // Each wait lies in the upper half of a doubling ceiling: 5, 10, 20 minutes.
        #expect(waits.count == 3)
        for (i, w) in waits.enumerated() {
            let ceiling = 300 * pow(2, Double(i))
            #expect(w >= ceiling / 2 && w <= ceiling, "wait \(i) was \(w) s")
        }
        let failed = try f.service.reminders(status: .failed)
        #expect(failed.count == 1)
        #expect(failed[0].history.count == 4)
        #expect(failed[0].lastError?.contains("gave up after 4 attempts") == true)
        #expect(try f.service.run(channel: channel).deliveries.isEmpty)

        channel.answer(.delivered)
        _ = try f.service.retry(id: failed[0].id)
        let r = try f.service.run(channel: channel)
        #expect(r.deliveries.map(\.result) == ["sent"])
        #expect(Set(channel.deliveries.map(\.message.messageID)).count == 1)
        #expect(throws: ReminderError.notFailed(id: failed[0].id, status: .sent)) { try f.service.retry(id: failed[0].id) }
    }

    @Test func aRetryNeverLandsInTheNight() throws {
        let f = try ReminderFixture(retry: RetryPolicy(maxAttempts: 5, baseDelay: 4 * 3600, maxDelay: 4 * 3600))
        try f.issue()
        f.clock.set(instant("2026-03-03T19:30:00Z")) // 20:30 in Stockholm
        let r = try f.service.run(channel: RecordingChannel(answer: .temporary("busy")))
        let next = try #require(r.deliveries.first?.nextAttemptAt)
        #expect(next == "2026-03-04T07:00:00Z")
    }

    @Test func aDryRun_changesNothing() throws {
        let f = try fixtureWithDueReminders(2)
        let channel = RecordingChannel()
        let r = try f.service.run(channel: channel, dryRun: true)
        #expect(r.enqueued.count == 2)
        #expect(channel.deliveries.isEmpty)
        #expect(try f.rows().isEmpty)
    }

    @Test func anErasedHolder_getsNothing() throws {
        let f = try fixtureWithDueReminders(1)
        try f.ledger.db.run("UPDATE holders SET email = NULL, email_key = NULL, erased_at = 1")
        #expect(try f.service.run(channel: RecordingChannel()).enqueued.isEmpty)
    }
}
