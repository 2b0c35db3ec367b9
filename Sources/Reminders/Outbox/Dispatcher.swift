import Foundation
import GoodwillCore
import Store

/// Delivers the outbox: claims due rows under a lease, hands each to the channel, records the
/// attempt. Delivery is at least once: a crash after the channel took a message but before it was
/// recorded leaves the row claimed; when the lease runs out it is sent again under the same
/// message id, which the receiver (and the maildir file name) recognises.
///
/// Several dispatchers may work on one database (`serve`'s loop, a cron `reminders run`), so a
/// claim can be lost while its run still works on the row: the lease ran out (a slow send) and
/// another run claimed the row, or another process's sweep dropped it (its voucher blocked) and
/// put it back in line (unblocked). A claim is known by its number (`claim_number`, one more at
/// every claim, never reset), not by its lease, whose end two claims in the same millisecond
/// share. Every write the dispatcher makes to a row it claimed (give it back, drop it, retry it,
/// fail it, stretch its lease) is made only while the row is still held under that claim, in the
/// same statement; a run that lost its claim writes nothing over what became of the row, and
/// reports that instead (`lostClaim`): `cancelled` with the reason when dropped, else
/// `taken_over`, saying whether it was claimed or sent by another run or put back in line. It
/// sends only after a check that it still holds the claim (`keepClaim`), so a row is not sent by a
/// run that lost it, and reports such a row the same way. One write is not bound to the claim: a
/// message that went out is recorded sent whatever became of its row (`OutboxStore.markSent`), so
/// it is never recorded as not sent, nor sent again from a row put back in line; a run that
/// claimed the row after ends its claim there. A send may already be under way when another process drops the row (its check came
/// before): the drop keeps the claim's lease end (`lease_until`), and a row put back in line goes
/// out no earlier than that (`OutboxStore.insertIfAbsent`), so the send is recorded sent, or its
/// lease has ended, before another run may claim the row; a revival after that end waits for
/// nothing. What remains is the at-least-once above, under the same message id: a send that
/// outlives its lease (a channel slower than it said) may meet another run's send of it.
struct Dispatcher {
    let db: Database
    let outbox: OutboxStore
    let ledgerStore: LedgerStore
    let composer: MessageComposer
    let settings: ReminderSettings
    let policy: RetryPolicy

    /// Claims up to `limit` due rows for `channel`. Rows whose recipient is asleep are moved to
    /// the morning instead (reported as deferred).
    func claim(now: Date, channel: String, limit: Int) throws -> (claimed: [OutboxRow], deferred: [DeliveryView]) {
        try db.writeTransaction {
            _ = try outbox.cancelStale(now: now)
            var claimed: [OutboxRow] = []
            var deferred: [DeliveryView] = []
            for row in try outbox.claimable(now: now, limit: limit) {
                let voucher = try ledgerStore.voucher(id: row.voucherID)
                let sendable = earliestSendable(row, issuer: voucher?.issuer, from: now)
                if sendable > now {
                    try outbox.postpone(row.id, until: sendable)
                    deferred.append(DeliveryView(id: row.id, messageID: row.messageID, code: voucher?.code, kind: row.kind,
                                                 channel: channel, result: "deferred", error: nil, nextAttemptAt: RFC3339.format(sendable)))
                    continue
                }
                let leaseUntil = now.addingTimeInterval(policy.lease)
                if try outbox.claim(row.id, now: now, leaseUntil: leaseUntil, channel: channel) {
                    var r = row
                    r.attempts += 1
                    r.status = .sending
                    r.leaseUntil = leaseUntil
                    r.claimNumber += 1  // read in this transaction: nobody else claimed it between
                    claimed.append(r)
                }
            }
            return (claimed, deferred)
        }
    }

    /// The end of the recipient's night, or `now` when they are awake.
    func earliestSendable(_ row: OutboxRow, issuer: String?, from now: Date) -> Date {
        let schedule = settings.profile(for: issuer ?? "").schedule
        let zone = ZonedCalendar.stored(row.sendZone)
        return schedule.earliestSendable(from: now, in: zone)
    }

    /// Asked again just before each send, with the clock read then: the claim may be minutes old
    /// (slow sends before it), so what held at the claim may not hold now. A row that must not go
    /// out now is given back (its claim not counted as an attempt) and reported; nil: send it.
    /// The reads before the give-back are not one transaction with it: should the claim be lost
    /// meanwhile (`lostClaim`), the row is left as it became, and the run reports that.
    func holdBack(_ row: OutboxRow, now: Date, channel: String) throws -> DeliveryView? {
        let voucher = try ledgerStore.voucher(id: row.voucherID)
        func view(_ result: String, error: String? = nil, next: Date? = nil) -> DeliveryView {
            DeliveryView(id: row.id, messageID: row.messageID, code: voucher?.code, kind: row.kind, channel: channel,
                         result: result, error: error, nextAttemptAt: next.map(RFC3339.format))
        }
        func lost() throws -> DeliveryView {
            let became = try lostClaim(row)
            return view(became.result, error: became.note, next: became.next)
        }
        func cancel(_ cancel: OutboxCancel) throws -> DeliveryView {
            try db.writeTransaction {
                try outbox.cancelClaimed(row, cancel, now: now) ? view("cancelled", error: cancel.reason) : try lost()
            }
        }
        if row.kind == .expiryReminder || row.kind == .giftNotice, row.expiresAt <= now.unixMilliseconds {
            // The voucher expired since the claim: a reminder about it now would be wrong.
            return try cancel(.dropped("the voucher expired before this went out"))
        }
        if row.kind == .expiryReminder || row.kind == .giftNotice, !(try outbox.stillFits(row.id, now: now)) {
            // Voided, blocked, used up or extended while the sends before this one went out.
            return try cancel(.stale)
        }
        if row.kind == .giftNotice, let voucher, voucher.isKeptByBuyer {
            // Queued by an earlier version for a voucher its buyer kept: "the gift you gave…" to themselves.
            return try cancel(.keptByBuyer)
        }
        if row.kind == .extensionGranted, row.expiresAt != 0, row.expiresAt <= now.unixMilliseconds {
            // A retry that came round after the new last day: the sweep would not have announced
            // it then (`dueEvents`), and the send does not either.
            return try cancel(.dropped("the new last day passed before this went out"))
        }
        if row.kind == .extensionGranted, let voucher, voucher.storedStatus.isFinal {
            // Voided or refunded while this waited (for the morning, or a retry): "you can use it
            // until…" would be wrong now. A refund brings its own closing message.
            return try cancel(.dropped("the voucher was \(voucher.storedStatus.rawValue) before this went out"))
        }
        if row.kind != .farewell, let voucher,
           let person = row.recipient == .holder ? voucher.holderID : voucher.purchaserID,
           try HolderClosures.isClosed(db, person) {
            // They closed their account while this was claimed or waiting for a retry (closing
            // drops only what is pending then): nothing more goes to them but the farewell.
            return try cancel(.holderClosed)
        }
        if let newer = try outbox.newerStep(than: row) {
            // A later step was queued (by another process) while this one was claimed: only the
            // latest due step goes out.
            return try cancel(.superseded(by: newer))
        }
        let sendable = earliestSendable(row, issuer: voucher?.issuer, from: now)
        guard sendable > now else { return nil }
        // The recipient's night began while earlier messages were going out: the morning, then.
        return try db.writeTransaction {
            try outbox.release(row, until: sendable) ? view("deferred", next: sendable) : try lost()
        }
    }

    /// True when the row is still held under this run's claim for at least `needed` more seconds,
    /// stretching the lease if it is shorter; false when the claim is lost. A lease not yet run
    /// out does not prove it is held: another process's sweep may have dropped the row (its
    /// voucher blocked or used up) and put it back in line (unblocked, the redemption reversed),
    /// to go out when this lease ends, all while this run was busy with the rows before it; it is
    /// then not this run's to send. Nor does the lease's end name the claim: `lease_until` outlives
    /// a drop, and two claims in the same millisecond share it. Its number does (`claim_number`,
    /// migration 12).
    func keepLease(_ row: OutboxRow, now: Date, for needed: TimeInterval) throws -> Bool {
        guard row.leaseUntil != nil else { return true }
        guard leaseEndsBefore(row, now: now, needed: needed) else { return try outbox.holds(row) }
        return try db.writeTransaction {
            try outbox.extendLease(row, to: now.addingTimeInterval(max(policy.lease, needed)))
        }
    }

    /// `keepLease` as a run asks it before a send: nil while the row is still held (send it);
    /// else what became of it (`lostClaim`), read in the same transaction as the check that found
    /// the claim gone, for the run to report. The commonest loss: a slow send before this one
    /// outlived the lease and another run claimed the rest of the batch.
    func keepClaim(_ row: OutboxRow, now: Date, for needed: TimeInterval, channel: String) throws -> DeliveryView? {
        func check() throws -> DeliveryView? {
            guard try !keepLease(row, now: now, for: needed) else { return nil }
            let became = try lostClaim(row)
            return DeliveryView(id: row.id, messageID: row.messageID, code: try ledgerStore.voucher(id: row.voucherID)?.code,
                                kind: row.kind, channel: channel, result: became.result, error: became.note,
                                nextAttemptAt: became.next.map(RFC3339.format))
        }
        // A lease to stretch is a write, taken up front; a check alone is a read.
        return leaseEndsBefore(row, now: now, needed: needed) ? try db.writeTransaction(check) : try db.readTransaction(check)
    }

    /// Whether the lease runs out within `needed` seconds (then `keepLease` stretches it).
    private func leaseEndsBefore(_ row: OutboxRow, now: Date, needed: TimeInterval) -> Bool {
        guard let leaseUntil = row.leaseUntil else { return false }
        return leaseUntil.timeIntervalSince(now) < needed
    }

    /// Claimed rows that will not be sent in this run go back as they were, the claim not counted.
    /// A row whose claim this run lost is left to whoever has it now (it was not sent here either
    /// way, and given-back rows are not reported).
    func giveBack(_ rows: ArraySlice<OutboxRow>) throws {
        guard !rows.isEmpty else { return }
        try db.writeTransaction {
            for row in rows { _ = try outbox.release(row, until: row.nextAttemptAt) }
        }
    }

    /// What became of a row whose claim this run lost, as the run reports it, read in the
    /// transaction whose write found the claim gone: `cancelled` with its reason when it was
    /// dropped; else `taken_over`, with whether another run claimed, sent or gave up on it, or
    /// it was put back in line (and when it goes out).
    func lostClaim(_ row: OutboxRow) throws -> (result: String, note: String, next: Date?) {
        guard let now = try outbox.row(id: row.id) else { return ("taken_over", "removed meanwhile", nil) }
        switch now.status {
        case .cancelled: return ("cancelled", now.lastError ?? "dropped while it was being sent", nil)
        case .pending: return ("taken_over", "put back in line by another process meanwhile", now.nextAttemptAt)
        case .sending: return ("taken_over", "claimed by another run meanwhile", nil)
        case .sent: return ("taken_over", "sent by another run meanwhile", nil)
        case .failed: return ("taken_over", "given up on by another run meanwhile", nil)
        }
    }

    /// Renders and hands over one claimed message. A message that cannot be written (the holder
    /// was erased, a template is missing) is a permanent failure, not a crash.
    func send(_ row: OutboxRow, via channel: any DeliveryChannel, now: Date) -> DeliveryOutcome {
        let message: OutgoingMessage
        do {
            message = try composer.compose(.init(messageID: row.messageID, voucherID: row.voucherID, kind: row.kind,
                                                 daysBefore: row.daysBefore, entryID: row.entryID, recipient: row.recipient), at: now)
        } catch {
            return .permanent("\(error)")
        }
        return channel.deliver(message, now: now)
    }

    /// Writes down how the attempt went and what happens next.
    func record(_ row: OutboxRow, outcome: DeliveryOutcome, channel: any DeliveryChannel, now: Date) throws -> DeliveryView {
        let voucher = try ledgerStore.voucher(id: row.voucherID)
        let code = voucher?.code
        var view = DeliveryView(id: row.id, messageID: row.messageID, code: code, kind: row.kind, channel: channel.name,
                                result: "sent", error: nil, nextAttemptAt: nil)
        // The claim was lost while its message was on its way, and the message did not go out:
        // the row stays as it became (dropped, put back in line, another run's), and is reported so.
        func lostMeanwhile() throws {
            let became = try lostClaim(row)
            view.result = became.result; view.error = became.note; view.nextAttemptAt = became.next.map(RFC3339.format)
        }
        try db.writeTransaction {
            // Its recipient erased while it was on its way (a close with erasure, which wiped the
            // errors already stored): the answer may quote the address ("550 <anna@…>"), so what
            // is stored says only that there was one. A farewell keeps its errors until it is
            // done (`FarewellLetters.forgetIfAsked`).
            // Asked only when an error is to be stored, once: a delivered message costs no read.
            var erased: Bool?
            func stored(_ error: String) throws -> String {
                if erased == nil { erased = try row.kind != .farewell && recipientErased(row, of: voucher) }
                return erased == true ? "[erased]" : error
            }
            switch outcome {
            case .delivered:
                try outbox.recordAttempt(row.id, at: now, channel: channel.name, outcome: "sent", error: nil)
                // Sent whatever became of the row meanwhile (`OutboxStore.markSent`).
                if try !outbox.markSent(row.id, at: now, channel: channel.name) { view.error = "also sent by another run meanwhile" }
            case .temporary(let error, let retryAfter):
                try outbox.recordAttempt(row.id, at: now, channel: channel.name, outcome: "temporary", error: try stored(error))
                view.error = error
                if row.attempts >= policy.maxAttempts {
                    let final = "gave up after \(Plural.count(row.attempts, "attempt")); last: "
                    if try outbox.markFailed(row, error: final + (try stored(error))) {
                        view.result = "failed"; view.error = final + error
                    } else {
                        try lostMeanwhile()
                    }
                } else {
                    var rng = SystemRandomNumberGenerator()
                    let wait = policy.delay(afterAttempt: row.attempts, retryAfter: retryAfter, using: &rng)
                    let next = earliestSendable(row, issuer: voucher?.issuer, from: now.addingTimeInterval(wait))
                    if try outbox.markRetry(row, next: next, error: try stored(error)) {
                        view.result = "retrying"; view.nextAttemptAt = RFC3339.format(next)
                    } else {
                        try lostMeanwhile()
                    }
                }
            case .permanent(let error):
                try outbox.recordAttempt(row.id, at: now, channel: channel.name, outcome: "permanent", error: try stored(error))
                if try outbox.markFailed(row, error: try stored(error)) { view.result = "failed"; view.error = error } else { try lostMeanwhile() }
            case .endpointGone(let error):
                // The endpoint is gone, not the message: it waits (first in line) with the others
                // until an operator enables the endpoint again; nothing more is sent there till then.
                // A row whose claim was lost meanwhile does not wait: it is reported as it became
                // (cancelled when dropped), as for any outcome.
                try outbox.recordAttempt(row.id, at: now, channel: channel.name, outcome: "endpoint_gone", error: try stored(error))
                if try outbox.markRetry(row, next: now, error: try stored(error)) { view.result = "endpoint_gone"; view.error = error } else { try lostMeanwhile() }
                if let endpoint = channel.endpoint { try outbox.disable(endpoint: endpoint, at: now, reason: error) }
            }
            // A farewell that went out, or never will, forgets the address if the holder asked.
            if row.kind == .farewell, view.result == "sent" || view.result == "failed" {
                try FarewellLetters(db: db).forgetIfAsked(row.messageID, outboxID: row.id, delivered: view.result == "sent")
            }
        }
        return view
    }

    /// Whether the person the row is addressed to (its voucher's holder or buyer) has been erased.
    func recipientErased(_ row: OutboxRow, of voucher: Voucher?) throws -> Bool {
        guard let voucher, let person = row.recipient == .holder ? voucher.holderID : voucher.purchaserID else { return false }
        return try ledgerStore.holder(id: person)?.erasedAt != nil
    }
}
