import Foundation
import GoodwillCore

/// When reminders go out: the cadence (days before the last valid day), the local hour, and the
/// night in which nothing is sent. Pure: no clock, no database.
public struct ReminderSchedule: Sendable, Equatable {
    /// Largest first: [30, 7, 1].
    public var daysBefore: [Int]
    public var sendHour: Int
    public var quietFromHour: Int
    public var quietUntilHour: Int

    public init(daysBefore: [Int] = [30, 7, 1], sendHour: Int = 10, quietFromHour: Int = 21, quietUntilHour: Int = 8) {
        self.daysBefore = daysBefore.sorted(by: >); self.sendHour = sendHour
        self.quietFromHour = quietFromHour; self.quietUntilHour = quietUntilHour
    }

    /// One step of the cadence for one expiry.
    public struct Slot: Sendable, Equatable {
        public var daysBefore: Int
        public var dueAt: Date
    }

    /// `sendHour` local time in the recipient's zone, `days` before the last valid day.
    public func dueInstant(lastValidDay: LocalDate, daysBefore days: Int, in zone: ZonedCalendar) -> Date {
        zone.instant(on: lastValidDay.adding(days: -days), hour: sendHour)
    }

    /// Each step for this expiry that still makes sense: due before the voucher ends and after
    /// `since` (issue, or the extension that set this expiry), so a voucher issued five days
    /// before its end does not get a "7 days left" note on the day it was bought.
    public func slots(for expiry: Expiry, zone: ZonedCalendar, since: Date) -> [Slot] {
        slots(for: expiry, since: since) { dueInstant(lastValidDay: expiry.lastValidDay, daysBefore: $0, in: zone) }
    }

    /// The same, with the due instant of each step supplied (the sweep caches them: many vouchers
    /// share a last valid day and a zone, and calendar arithmetic is the costly part).
    public func slots(for expiry: Expiry, since: Date, dueAt: (Int) -> Date) -> [Slot] {
        daysBefore.map { Slot(daysBefore: $0, dueAt: dueAt($0)) }.filter { $0.dueAt > since && $0.dueAt < expiry.instant }
    }

    /// The step to send now: the latest one that is due. Earlier steps that were missed (the sweep
    /// was down) are not sent late as well; one timely note is kinder than three at once.
    public func latestDue(for expiry: Expiry, zone: ZonedCalendar, since: Date, now: Date) -> Slot? {
        guard now < expiry.instant else { return nil }
        return slots(for: expiry, zone: zone, since: since).last { $0.dueAt <= now }
    }

    public func latestDue(for expiry: Expiry, since: Date, now: Date, dueAt: (Int) -> Date) -> Slot? {
        guard now < expiry.instant else { return nil }
        return slots(for: expiry, since: since, dueAt: dueAt).last { $0.dueAt <= now }
    }

    /// Whether a due step gives way to the next one: when it can go out only on the day the next
    /// step falls due (the night held it till 08:00, the next is due at 10:00), the holder would
    /// get "in 7 days" and then, hours later, "tomorrow". The next one goes out alone, as the
    /// latest due step. `slots` are this expiry's steps, largest first; `sendable` is when the
    /// due step could go out.
    public func givesWay(_ slot: Slot, to slots: [Slot], sendable: Date, in zone: ZonedCalendar) -> Bool {
        guard let next = slots.first(where: { $0.daysBefore < slot.daysBefore }) else { return false }
        return zone.localDate(of: next.dueAt) == zone.localDate(of: sendable)
    }

    /// The next step still to come.
    public func next(for expiry: Expiry, zone: ZonedCalendar, since: Date, after now: Date) -> Slot? {
        slots(for: expiry, zone: zone, since: since).first { $0.dueAt > now }
    }

    // MARK: The night

    public func isQuiet(hour: Int) -> Bool {
        if quietFromHour == quietUntilHour { return false }
        if quietFromHour > quietUntilHour { return hour >= quietFromHour || hour < quietUntilHour }
        return hour >= quietFromHour && hour < quietUntilHour
    }

    public func isQuiet(_ instant: Date, in zone: ZonedCalendar) -> Bool { isQuiet(hour: zone.hour(of: instant)) }

    /// `instant` itself when it is daytime for the recipient, else the end of their night.
    public func earliestSendable(from instant: Date, in zone: ZonedCalendar) -> Date {
        guard isQuiet(instant, in: zone) else { return instant }
        var day = zone.localDate(of: instant)
        // Before midnight the night ends tomorrow; after midnight, today.
        if zone.hour(of: instant) >= quietUntilHour { day = day.adding(days: 1) }
        let morning = zone.instant(on: day, hour: quietUntilHour)
        return morning > instant ? morning : instant
    }
}
