import Foundation

/// A calendar day with no time and no zone: "the last valid day is 2026-04-02".
/// Arithmetic is proleptic Gregorian, so it needs no Calendar and no I/O.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// nil when the day does not exist (2026-02-29, month 13).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= LocalDate.daysIn(month: month, year: year) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    /// The last day a `LocalDate` can be written as (and read back from) `YYYY-MM-DD`.
    public static let latest = LocalDate(year: 9999, month: 12, day: 31)!

    /// False for a day past 9999-12-31 (or before year 1), which `adding(days:)` can reach: such a
    /// day would be stored as "10000-01-30" and never read back, so it must not be stored.
    public var isStorable: Bool { (1...9999).contains(year) }

    /// Parses `YYYY-MM-DD` exactly.
    public init?(iso text: String) {
        var text = text
        let parsed: (Int, Int, Int)? = text.withUTF8 { b in
            guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
            func digits(_ from: Int, _ count: Int) -> Int? {
                var n = 0
                for i in from..<from + count {
                    let c = b[i]
                    guard c >= 48, c <= 57 else { return nil }
                    n = n * 10 + Int(c - 48)
                }
                return n
            }
            guard let y = digits(0, 4), let m = digits(5, 2), let d = digits(8, 2) else { return nil }
            return (y, m, d)
        }
        guard let (y, m, d) = parsed else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The same as `init?(iso:)`.
    public init?(iso8601 text: String) { self.init(iso: text) }

    /// 31 December of the same year (Germany counts limitation periods from it, BGB § 199).
    public var endOfYear: LocalDate { LocalDate(daysSinceEpoch: LocalDate(year: year + (year < 9999 ? 1 : 0), month: 1, day: 1).map { $0.daysSinceEpoch - 1 } ?? daysSinceEpoch) }

    /// Whole days from `self` to `other` (positive when other is later).
    public func days(until other: LocalDate) -> Int { other.daysSinceEpoch - daysSinceEpoch }

    public var isoString: String {
        guard (0...9999).contains(year) else {
            let y = String(year), m = String(month), d = String(day)
            return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + (m.count < 2 ? "0" : "") + m + "-" + (d.count < 2 ? "0" : "") + d
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buffer in
            let n = writeISO(into: buffer, at: 0)
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<n]), as: UTF8.self)
        }
    }

    /// Writes `YYYY-MM-DD` (year 0...9999 only, so always 10 bytes) at `start`; returns the end.
    func writeISO(into buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) -> Int {
        let y = year, m = month, d = day
        buffer[start] = UInt8(48 + y / 1000 % 10); buffer[start + 1] = UInt8(48 + y / 100 % 10)
        buffer[start + 2] = UInt8(48 + y / 10 % 10); buffer[start + 3] = UInt8(48 + y % 10)
        buffer[start + 4] = UInt8(ascii: "-")
        buffer[start + 5] = UInt8(48 + m / 10); buffer[start + 6] = UInt8(48 + m % 10)
        buffer[start + 7] = UInt8(ascii: "-")
        buffer[start + 8] = UInt8(48 + d / 10); buffer[start + 9] = UInt8(48 + d % 10)
        return start + 10
    }

    public var description: String { isoString }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Calendar months later; a day that does not exist in the target month
    /// becomes that month's last day (31 Jan + 1 month = 28/29 Feb; 29 Feb + 12 months = 28 Feb),
    /// as BGB §§ 187–188 and java.time's plusMonths count a period.
    public func adding(months: Int) -> LocalDate? {
        let total = year * 12 + (month - 1) + months
        let y = total / 12, m = total % 12 + 1
        guard (1...9999).contains(y) else { return nil }
        return LocalDate(year: y, month: m, day: min(day, LocalDate.daysIn(month: m, year: y)))
    }

    public func adding(days: Int) -> LocalDate {
        LocalDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// Whole days from `other` to `self` (positive when self is later).
    public func days(since other: LocalDate) -> Int { daysSinceEpoch - other.daysSinceEpoch }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(daysSinceEpoch n: Int) {
        let z = n + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        month = m
        day = d
    }
}

extension LocalDate: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        // A null is no day: said as a missing date, not as a missing string.
        guard !c.decodeNil() else {
            throw DecodingError.valueNotFound(LocalDate.self, .init(codingPath: decoder.codingPath,
                debugDescription: "a date is null; write it as YYYY-MM-DD, for example 2027-04-16."))
        }
        let text = try c.decode(String.self)
        guard let date = LocalDate(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "'\(text)' is not a calendar day; write it as YYYY-MM-DD, for example 2027-04-16."))
        }
        self = date
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(isoString)
    }
}
