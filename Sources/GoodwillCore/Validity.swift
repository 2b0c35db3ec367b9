import Foundation

/// How long a voucher is valid, as the seller states it at issue.
public enum Validity: Sendable, Equatable, Hashable {
    /// The months a validity may run (the API's `validity.months` says the same).
    public static let monthsRange = 1...1200

    /// N calendar months from the day of issue, in the issuer's zone.
    case months(Int)
    /// Valid through this local day.
    case lastDay(LocalDate)
    /// Never expires.
    case none

    /// The last valid local day for a voucher issued on `issueDay`; nil means no expiry.
    public func lastValidDay(issuedOn issueDay: LocalDate) throws(ValidityError) -> LocalDate? {
        switch self {
        case .none:
            return nil
        case .lastDay(let day):
            guard day >= issueDay else { throw .endsBeforeIssue(lastDay: day, issueDay: issueDay) }
            return day
        case .months(let n):
            guard Validity.monthsRange.contains(n) else { throw .monthsOutOfRange(n) }
            guard let day = issueDay.adding(months: n) else { throw .endsAfterCalendar(issueDay: issueDay, months: n) }
            return day
        }
    }
}

public enum ValidityError: Error, Equatable, CustomStringConvertible {
    case endsBeforeIssue(lastDay: LocalDate, issueDay: LocalDate)
    case monthsOutOfRange(Int)
    case endsAfterCalendar(issueDay: LocalDate, months: Int)
    case unknownTimeZone(String)
    /// A fixed offset ("GMT+2") where a zone with its summer-time rules belongs.
    case offsetNotZone(String)

    public var description: String {
        switch self {
        case .endsBeforeIssue(let last, let issue):
            return "The expiry day \(last) is before the day of issue (\(issue)). Give a day from \(issue) on, or use --valid-months."
        case .monthsOutOfRange(let n):
            return "A validity of \(n) months is out of range. Give between \(Validity.monthsRange.lowerBound) and \(Validity.monthsRange.upperBound) months, a last valid day, or no expiry."
        case .endsAfterCalendar(let issue, let months):
            return "\(months) months from \(issue) ends after \(LocalDate.latest), the last day Goodwill can store. Give a shorter validity or no expiry."
        case .unknownTimeZone(let name):
            return "'\(name)' is not a time zone this machine knows. Use an IANA name such as Europe/Stockholm."
        case .offsetNotZone(let name):
            return "'\(name)' is a fixed offset, not a time zone: it never follows summer time, so the last valid day would end an hour off for half the year. Use the IANA name of the place, such as Europe/Stockholm."
        }
    }
}

/// When a voucher stops being valid: the last valid local day in a zone, and the
/// instant that day ends (stored together so either can be checked against the other).
public struct Expiry: Sendable, Equatable, Hashable {
    public let lastValidDay: LocalDate
    public let timeZone: String
    public let instant: Date

    public init(lastValidDay: LocalDate, calendar: ZonedCalendar) {
        self.lastValidDay = lastValidDay
        self.timeZone = calendar.identifier
        self.instant = calendar.endOfDay(lastValidDay)
    }

    public init(lastValidDay: LocalDate, timeZone: String, instant: Date) {
        self.lastValidDay = lastValidDay
        self.timeZone = timeZone
        self.instant = instant
    }

    /// Valid up to, not including, the end instant.
    public func hasPassed(at now: Date) -> Bool { now >= instant }
}
