import Foundation

/// Calendar questions in one IANA time zone: which local day an instant falls on,
/// and when a local day ends. DST is the zone's business, never "+24 h".
public struct ZonedCalendar: Sendable {
    public let timeZone: TimeZone
    private let calendar: Calendar

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        calendar = c
    }

    /// nil when the name is not a zone this machine knows. Lenient, for names already stored; a
    /// name a person gives goes through `init(zoneName:)`.
    public init?(identifier: String) {
        guard !identifier.isEmpty, let zone = TimeZone(identifier: identifier) else { return nil }
        self.init(timeZone: zone)
    }

    /// UTC, the zone a stored name falls back to when this machine does not know it.
    public static let utc = ZonedCalendar(timeZone: TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0)!)

    /// A stored zone name, or UTC when this machine does not know it (a book moved to a machine
    /// with older zone data): every reader of stored names falls back the same way.
    public static func stored(_ name: String) -> ZonedCalendar { ZonedCalendar(identifier: name) ?? utc }

    /// A zone a person named: an IANA name (Europe/Stockholm, America/New_York, UTC), not an
    /// offset. Foundation also takes "GMT+2" or "UTC+01:00" (as GMT+0200, GMT+0100): an offset that
    /// never follows summer time, so a Stockholm seller who typed GMT+1 would end every summer
    /// voucher an hour late. Throws what to give instead.
    public init(zoneName name: String) throws(ValidityError) {
        try Self.checkZoneName(name)
        self.init(timeZone: TimeZone(identifier: name)!)
    }

    /// `init(zoneName:)`'s check alone, for a name stored to be read later (a holder's zone):
    /// no Calendar is built for it.
    public static func checkZoneName(_ name: String) throws(ValidityError) {
        guard !name.isEmpty, TimeZone(identifier: name) != nil else { throw .unknownTimeZone(name) }
        let upper = name.uppercased()
        guard !offsetPrefixes.contains(where: { upper.hasPrefix($0) }), !fixedAbbreviations.contains(upper) else {
            throw .offsetNotZone(name)
        }
    }

    // IANA's own fixed offsets (Etc/GMT-1 is UTC+1) and the three legacy abbreviations that never
    // change (EST, MST, HST) are offsets too; UTC and GMT themselves are taken.
    private static let offsetPrefixes = ["GMT+", "GMT-", "UTC+", "UTC-", "ETC/GMT+", "ETC/GMT-", "ETC/UTC+", "ETC/UTC-"]
    private static let fixedAbbreviations: Set<String> = ["EST", "MST", "HST"]

    public var identifier: String { timeZone.identifier }

    /// The local calendar day the instant falls on in this zone.
    public func localDate(of instant: Date) -> LocalDate {
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        // Calendar always yields a valid day for a valid instant.
        return LocalDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1) ?? LocalDate(daysSinceEpoch: 0)
    }

    /// The first instant of the local day (local midnight, or the first existing
    /// instant after it where a DST change skips midnight).
    public func startOfDay(_ day: LocalDate) -> Date {
        var c = DateComponents()
        c.year = day.year; c.month = day.month; c.day = day.day
        c.hour = 0; c.minute = 0; c.second = 0
        if let d = calendar.date(from: c) { return calendar.startOfDay(for: d) }
        // Unreachable for valid days; fall back to UTC midnight shifted by the zone's offset.
        let utc = Date(unixMilliseconds: Int64(day.daysSinceEpoch) * 86_400_000)
        return utc.addingTimeInterval(-TimeInterval(timeZone.secondsFromGMT(for: utc)))
    }

    /// "Valid through day D" ends at the next local midnight after D.
    public func endOfDay(_ day: LocalDate) -> Date { startOfDay(day.adding(days: 1)) }

    /// The instant at a local wall-clock time on a day; a time skipped by DST moves forward.
    public func instant(on day: LocalDate, hour: Int, minute: Int = 0) -> Date {
        var c = DateComponents()
        c.year = day.year; c.month = day.month; c.day = day.day
        c.hour = hour; c.minute = minute; c.second = 0
        return calendar.date(from: c) ?? startOfDay(day).addingTimeInterval(TimeInterval(hour * 3600 + minute * 60))
    }

    /// Local hour (0–23) of an instant in this zone.
    public func hour(of instant: Date) -> Int { calendar.component(.hour, from: instant) }

    /// Local minute (0–59) of an instant in this zone (not always UTC's: India is 5:30 ahead).
    public func minute(of instant: Date) -> Int { calendar.component(.minute, from: instant) }
}
