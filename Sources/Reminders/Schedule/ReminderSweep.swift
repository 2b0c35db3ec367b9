import Foundation
import GoodwillCore
import Store

/// Finds the messages that are due: scheduled reminders from the expiry index, gift notices from
/// the opt-ins, and event messages from the ledger entries after a stored cursor (so nothing is
/// missed while the sweep was down). Finding reads only; `enqueue` writes what it found.
struct ReminderSweep {
    let db: Database
    let settings: ReminderSettings
    /// On the sweep's first run on a database (an old ledger whose reminders were never on), events
    /// older than this get no message. Once it has run, events it missed while down still get theirs.
    let maxEventAge: TimeInterval
    static let eventCursor = "ledger_events"

    private var zones: [String: ZonedCalendar] = [:]
    private var dueCache: [String: Date] = [:]
    private var sendableCache: [String: Date] = [:]

    init(db: Database, settings: ReminderSettings, maxEventAge: TimeInterval) {
        self.db = db; self.settings = settings; self.maxEventAge = maxEventAge
    }

    /// The recipient's zone, else the voucher's, else UTC; cached (building a Calendar is not free).
    mutating func zone(_ preferred: String?, fallback: String) -> ZonedCalendar {
        for name in [preferred, fallback].compactMap({ $0 }) {
            if let z = zones[name] { return z }
            if let z = ZonedCalendar(identifier: name) { zones[name] = z; return z }
        }
        return ZonedCalendar.utc
    }

    /// A step's due instant, computed once per (zone, day, step, hour).
    mutating func dueInstant(_ schedule: ReminderSchedule, _ day: LocalDate, _ days: Int, _ zone: ZonedCalendar) -> Date {
        let key = "\(zone.identifier)|\(day.isoString)|\(days)|\(schedule.sendHour)"
        if let d = dueCache[key] { return d }
        let d = schedule.dueInstant(lastValidDay: day, daysBefore: days, in: zone)
        dueCache[key] = d
        return d
    }

    /// The end of the recipient's night (or now), once per zone and schedule.
    mutating func earliestSendable(_ schedule: ReminderSchedule, from now: Date, _ zone: ZonedCalendar) -> Date {
        let key = "\(zone.identifier)|\(now.unixMilliseconds)|\(schedule.quietFromHour)|\(schedule.quietUntilHour)"
        if let d = sendableCache[key] { return d }
        let d = schedule.earliestSendable(from: now, in: zone)
        sendableCache[key] = d
        return d
    }

    /// Everything due at `now`, plus the ledger position the event part read up to.
    mutating func findDue(now: Date) throws -> (messages: [PlannedMessage], eventHead: Int64) {
        var found = try dueReminders(now: now)
        found += try dueGiftNotices(now: now)
        let events = try dueEvents(now: now)
        return (found + events.messages, events.head)
    }

    // MARK: Expiry reminders

    /// One index range per cadence step: active vouchers ending within the step (plus slack for
    /// zones), that have no reminder yet for this step or a later one at their current expiry. A
    /// reminder dropped while the voucher was not active (blocked, used up) does not count: once
    /// it is active again with the same expiry, the step is due again (`insertIfAbsent` revives it).
    mutating func dueReminders(now: Date) throws -> [PlannedMessage] {
        var out: [PlannedMessage] = []
        let nowMs = now.unixMilliseconds
        for days in settings.allReminderDays {
            let upper = nowMs + Int64(days + 2) * 86_400_000
            var candidates: [(VoucherID, String, String, Date, Expiry, String, String?)] = []
            try db.forEach("""
                SELECT v.id, v.code, v.issuer, v.issued_at, v.last_valid_day, v.expires_at, v.time_zone, h.time_zone
                FROM vouchers v JOIN holders h ON h.id = v.holder_id
                WHERE v.status = 'active' AND v.expires_at > ? AND v.expires_at <= ?
                  AND h.email IS NOT NULL AND h.erased_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM closed_holders c WHERE c.holder_id = h.id)
                  AND NOT EXISTS (SELECT 1 FROM reminder_outbox o WHERE o.voucher_id = v.id AND o.kind = 'expiry_reminder'
                                  AND o.days_before <= ? AND o.expires_at = v.expires_at AND o.cancel_kind IS NOT 'dropped')
                """, [.integer(nowMs), .integer(upper), .integer(Int64(days))]) { r in
                guard let day = LocalDate(iso: r.text(4)) else { return }
                candidates.append((VoucherID(rawValue: r.text(0)), r.text(1), r.text(2), Date(unixMilliseconds: r.int64(3)),
                                   Expiry(lastValidDay: day, timeZone: r.text(6), instant: Date(unixMilliseconds: r.int64(5))),
                                   r.text(6), r.optionalText(7)))
            }
            for (id, code, issuer, issuedAt, expiry, voucherZone, holderZone) in candidates {
                let profile = settings.profile(for: issuer)
                guard profile.reminderDaysBefore.contains(days) else { continue }
                let zone = self.zone(holderZone, fallback: voucherZone)
                let schedule = profile.schedule
                // Cheap check first; the extension lookup only for vouchers with this step due.
                guard let slot = schedule.latestDue(for: expiry, since: issuedAt, now: now, dueAt: {
                    dueInstant(schedule, expiry.lastValidDay, $0, zone)
                }), slot.daysBefore == days else { continue }
                let since = try expirySetAt(id, issuedAt: issuedAt)
                guard slot.dueAt > since else { continue }
                let notBefore = earliestSendable(schedule, from: now, zone)
                // An overdue step the night holds until the day the next falls due gives way to it.
                let steps = schedule.slots(for: expiry, since: since, dueAt: { dueInstant(schedule, expiry.lastValidDay, $0, zone) })
                if schedule.givesWay(slot, to: steps, sendable: notBefore, in: zone) { continue }
                out.append(PlannedMessage(voucherID: id, code: code, kind: .expiryReminder, daysBefore: days,
                                          expiresAt: expiry.instant.unixMilliseconds, entryID: 0, recipient: .holder,
                                          sendZone: zone.identifier, dueAt: slot.dueAt, notBefore: notBefore))
            }
        }
        return out
    }

    /// When the current expiry was set: the last extension, else the issue.
    func expirySetAt(_ id: VoucherID, issuedAt: Date) throws -> Date {
        let last = try db.scalarInt("SELECT coalesce(max(at), 0) FROM entries WHERE voucher_id = ? AND kind <> 'redeemed' AND kind = 'extended'", [.text(id.rawValue)])
        return max(issuedAt, Date(unixMilliseconds: last))
    }

    // MARK: Gift notices

    /// Opted-in, unused gifts whose notice day has come, addressed to the purchaser (not to a buyer
    /// who kept the voucher: as its holder they get the expiry reminders); like a reminder
    /// step, only a notice day after the voucher got its expiry (issue, or the extension that set
    /// it) counts, so a gift valid for less than the notice time is not "still waiting to be used"
    /// the day it was bought. CROSS JOIN keeps
    /// the (small) opt-in table outermost; left to itself the planner may walk every active voucher
    /// (https://sqlite.org/optoverview.html#crossjoin).
    mutating func dueGiftNotices(now: Date) throws -> [PlannedMessage] {
        var out: [PlannedMessage] = []
        var candidates: [(VoucherID, String, String, Expiry, String, String?, Date)] = []
        try db.forEach("""
            SELECT v.id, v.code, v.issuer, v.last_valid_day, v.expires_at, v.time_zone, pu.time_zone, v.issued_at
            FROM reminder_preferences p CROSS JOIN vouchers v ON v.id = p.voucher_id CROSS JOIN holders pu ON pu.id = v.purchaser_id
            WHERE p.notify_purchaser = 1 AND v.status = 'active' AND v.balance = v.value AND v.expires_at > ?
              AND v.holder_id IS NOT v.purchaser_id
              AND pu.email IS NOT NULL AND pu.erased_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM closed_holders c WHERE c.holder_id = pu.id)
              AND NOT EXISTS (SELECT 1 FROM reminder_outbox o WHERE o.voucher_id = v.id AND o.kind = 'gift_notice'
                              AND o.expires_at = v.expires_at AND o.cancel_kind IS NOT 'dropped')
            """, [.integer(now.unixMilliseconds)]) { r in
            guard let day = LocalDate(iso: r.text(3)) else { return }
            candidates.append((VoucherID(rawValue: r.text(0)), r.text(1), r.text(2),
                               Expiry(lastValidDay: day, timeZone: r.text(5), instant: Date(unixMilliseconds: r.int64(4))),
                               r.text(5), r.optionalText(6), Date(unixMilliseconds: r.int64(7))))
        }
        for (id, code, issuer, expiry, voucherZone, purchaserZone, issuedAt) in candidates {
            let profile = settings.profile(for: issuer)
            let zone = self.zone(purchaserZone, fallback: voucherZone)
            let due = dueInstant(profile.schedule, expiry.lastValidDay, profile.giftNoticeDaysBefore, zone)
            guard due <= now, due > (try expirySetAt(id, issuedAt: issuedAt)) else { continue }
            out.append(PlannedMessage(voucherID: id, code: code, kind: .giftNotice, daysBefore: profile.giftNoticeDaysBefore,
                                      expiresAt: expiry.instant.unixMilliseconds, entryID: 0, recipient: .purchaser,
                                      sendZone: zone.identifier, dueAt: due,
                                      notBefore: earliestSendable(profile.schedule, from: now, zone)))
        }
        return out
    }

    // MARK: Ledger events

    /// `extended` and `refunded` entries after the cursor, each a message to the holder. An
    /// extension whose new last day has passed by the time it is seen is not announced: the message
    /// would tell the holder of a day already gone. A refund made while the holder stood closed
    /// (the close's own refunds) is told in the farewell, not again here, even when the holder has
    /// come back by the time the sweep runs (reminders run from cron can be hours apart).
    mutating func dueEvents(now: Date) throws -> (messages: [PlannedMessage], head: Int64) {
        let stored = try OutboxStore(db: db).cursor(Self.eventCursor)
        let cursor = stored ?? 0
        let head = try db.scalarInt("SELECT coalesce(max(id), 0) FROM entries")
        guard head > cursor else { return ([], cursor) }
        var out: [PlannedMessage] = []
        var rows: [(Int64, VoucherID, String, String, Date, Int64?, String, String, String?)] = []
        try db.forEach("""
            SELECT e.id, e.voucher_id, v.code, e.kind, e.at, e.expires_at_after, v.issuer, v.time_zone, h.time_zone
            FROM entries e CROSS JOIN vouchers v ON v.id = e.voucher_id CROSS JOIN holders h ON h.id = v.holder_id
            WHERE e.id > ? AND e.id <= ? AND e.kind IN ('extended', 'refunded')
              AND h.email IS NOT NULL AND h.erased_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM closed_holders c WHERE c.holder_id = h.id)
              AND NOT (e.kind = 'refunded' AND EXISTS (
                  SELECT 1 FROM holder_closures c WHERE c.holder_id = h.id AND c.closed_at <= e.at
                    AND (c.reopened_at IS NULL OR e.at < c.reopened_at)))
            ORDER BY e.id
            """, [.integer(cursor), .integer(head)]) { r in
            rows.append((r.int64(0), VoucherID(rawValue: r.text(1)), r.text(2), r.text(3), Date(unixMilliseconds: r.int64(4)),
                         r.optionalInt64(5), r.text(6), r.text(7), r.optionalText(8)))
        }
        for (entryID, voucherID, code, kind, at, expiresAfter, issuer, voucherZone, holderZone) in rows {
            if stored == nil, now.timeIntervalSince(at) > maxEventAge { continue }
            if kind == "extended", let ends = expiresAfter, ends <= now.unixMilliseconds { continue }
            let zone = self.zone(holderZone, fallback: voucherZone)
            let schedule = settings.profile(for: issuer).schedule
            out.append(PlannedMessage(voucherID: voucherID, code: code, kind: kind == "extended" ? .extensionGranted : .refundClosing,
                                      daysBefore: 0, expiresAt: expiresAfter ?? 0, entryID: entryID, recipient: .holder,
                                      sendZone: zone.identifier, dueAt: at,
                                      notBefore: schedule.earliestSendable(from: max(now, at), in: zone)))
        }
        return (out, head)
    }
}
