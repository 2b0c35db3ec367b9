import Foundation
import GoodwillCore
import Ledger
import Store

extension ReminderService {
    /// What the holder would receive next, in their language, rendered as of when it would go out.
    /// Neither sends nor stores anything.
    public func preview(_ ref: VoucherReference) throws -> ReminderPreview {
        let now = ledger.clock.now()
        let voucher = try ledger.resolve(ref)
        // A message already waiting in the outbox comes first.
        if let row = try outbox.rows(voucher: voucher.id).filter({ ($0.status == .pending || $0.status == .sending) && $0.recipient == .holder })
            .min(by: { $0.nextAttemptAt < $1.nextAttemptAt }) {
            let at = max(now, row.nextAttemptAt)
            return try render(.init(messageID: row.messageID, voucherID: voucher.id, kind: row.kind, daysBefore: row.daysBefore,
                                    entryID: row.entryID, recipient: .holder), at: at, reminderID: row.id)
        }
        guard voucher.status(at: now) == .active else {
            throw ReminderError.nothingToPreview(code: voucher.code, reason: "it is \(voucher.status(at: now).rawValue), so no more reminders go out")
        }
        guard let expiry = voucher.expiry else {
            throw ReminderError.nothingToPreview(code: voucher.code, reason: "it never expires, so no reminders are planned")
        }
        guard let holderID = voucher.holderID, let holder = try ledger.store.holder(id: holderID), holder.email != nil, holder.erasedAt == nil else {
            throw ReminderError.nothingToPreview(code: voucher.code, reason: "no holder email is on file")
        }
        // As the sweep: nothing more goes to a holder who closed their account but the farewell.
        guard try !HolderClosures.isClosed(db, holderID) else {
            throw ReminderError.nothingToPreview(code: voucher.code, reason: "its holder closed their account, so no more reminders go out")
        }
        let profile = catalog.settings.profile(for: voucher.issuer)
        let zone = ZonedCalendar(identifier: holder.timeZone ?? voucher.timeZone) ?? ZonedCalendar(identifier: voucher.timeZone)
        guard let zone else { throw ReminderError.nothingToPreview(code: voucher.code, reason: "its time zone is unknown") }
        let since = try sweeper().expirySetAt(voucher.id, issuedAt: voucher.issuedAt)
        let schedule = profile.schedule
        // Steps queued, sent or superseded count as taken, as in the sweep; one dropped while the
        // voucher was blocked or used up does not: the sweep sends it again now it is active.
        let sentDays = Set(try outbox.rows(voucher: voucher.id)
            .filter { $0.kind == .expiryReminder && $0.expiresAt == expiry.instant.unixMilliseconds && !$0.mayComeBack }.map(\.daysBefore))
        var slot = schedule.latestDue(for: expiry, zone: zone, since: since, now: now)
        if let s = slot, sentDays.contains(where: { $0 <= s.daysBefore }) { slot = nil }
        // As the sweep: a step the night holds until the day the next one falls due gives way to it.
        if let s = slot, schedule.givesWay(s, to: schedule.slots(for: expiry, zone: zone, since: since),
                                           sendable: schedule.earliestSendable(from: now, in: zone), in: zone) { slot = nil }
        guard let chosen = slot ?? schedule.next(for: expiry, zone: zone, since: since, after: now) else {
            throw ReminderError.nothingToPreview(code: voucher.code, reason: "every reminder for its last valid day \(expiry.lastValidDay) has gone out or its time has passed")
        }
        let planned = PlannedMessage(voucherID: voucher.id, code: voucher.code, kind: .expiryReminder, daysBefore: chosen.daysBefore,
                                     expiresAt: expiry.instant.unixMilliseconds, entryID: 0, recipient: .holder,
                                     sendZone: zone.identifier, dueAt: chosen.dueAt, notBefore: chosen.dueAt)
        let at = schedule.earliestSendable(from: max(now, chosen.dueAt), in: zone)
        return try render(.init(messageID: planned.messageID, voucherID: voucher.id, kind: .expiryReminder,
                                daysBefore: chosen.daysBefore, entryID: 0, recipient: .holder), at: at, reminderID: nil)
    }

    func render(_ subject: MessageComposer.Subject, at: Date, reminderID: Int64?) throws -> ReminderPreview {
        let m = try composer.compose(subject, at: at)
        return ReminderPreview(kind: m.kind, daysBefore: m.kind.isScheduled ? m.daysBefore : nil, sendAt: RFC3339.format(at),
                               language: m.language, to: m.toAddress, subject: m.subject, body: m.body,
                               calendar: m.calendarText, reminderID: reminderID)
    }

    /// The full mail a message would be, for tools that want to inspect it.
    public func renderedMail(reminderID: Int64) throws -> String {
        guard let row = try outbox.row(id: reminderID) else { throw ReminderError.reminderNotFound(reminderID) }
        return try composer.compose(.init(messageID: row.messageID, voucherID: row.voucherID, kind: row.kind,
                                          daysBefore: row.daysBefore, entryID: row.entryID, recipient: row.recipient),
                                    at: max(ledger.clock.now(), row.dueAt)).mail()
    }
}
