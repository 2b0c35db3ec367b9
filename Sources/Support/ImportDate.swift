import GoodwillCore

/// The dates an import reads: `2026-01-15` (ISO 8601, as Swedish settings write it) and
/// `15.01.2026`, day.month.year with dots, as German, Norwegian and Finnish settings write it
/// (Finnish without leading zeros: `1.2.2026`). With dots the order is always day, month, year,
/// so nothing is guessed. `01/02/2026` is 1 February in the UK and January 2 in the US, and
/// `01-02-2026` is 1 February in Danish settings (Windows' short date, `15-01-2026`) and January 2
/// as written in the US: both refused, each with its own reason and the formats that are read.
enum ImportDate {
    /// The formats, for a reason: what to write instead.
    static let formats = "2026-01-15 (year-month-day) or 15.01.2026 (day.month.year)"

    /// The day the text names, or nil (then `problem` says why).
    static func day(_ text: String) -> LocalDate? {
        FastText.localDate(text) ?? dotted(text).flatMap { LocalDate(year: $0.year, month: $0.month, day: $0.day) }
    }

    /// `D.M.YYYY` to `DD.MM.YYYY` split into numbers, whether or not such a day exists; nil for
    /// any other shape. `yearDigits` tells a year of two digits apart, to say so.
    static func dotted(_ text: String, yearDigits: Int = 4) -> (day: Int, month: Int, year: Int)? {
        numbers(text, separatedBy: 0x2E, yearDigits: yearDigits)
    }

    /// Three numbers of one or two, one or two and `yearDigits` digits between `separator`s, in
    /// the order written; nil for any other shape.
    static func numbers(_ text: String, separatedBy separator: UInt8, yearDigits: Int) -> (day: Int, month: Int, year: Int)? {
        let parts = text.utf8.split(separator: separator, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count <= 2, parts[1].count <= 2, parts[2].count == yearDigits else { return nil }
        var n: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            n.append(part.reduce(0) { $0 * 10 + Int($1 - 0x30) })
        }
        return (n[0], n[1], n[2])
    }

    /// Why `text` is not read as a date, to follow "issued '…'".
    static func problem(_ text: String) -> String {
        let isoShape = text.utf8.count == 10 && text.utf8.enumerated().allSatisfy { i, b in
            i == 4 || i == 7 ? b == 0x2D : b >= 0x30 && b <= 0x39
        }
        if isoShape || dotted(text) != nil {
            return "is not a day of the calendar; check the day and the month (write it as \(formats))"
        }
        if dotted(text, yearDigits: 2) != nil {
            return "has a year of two digits, which could be in any century; write the year with four digits, as in \(formats)"
        }
        if text.contains("/") {
            return "could be month/day/year (as in the US) or day/month/year (as in the UK), so it is not guessed; write it as \(formats)"
        }
        // Windows' Danish short date, 15-01-2026; in the US the same shape is month first (01-15-2026).
        if numbers(text, separatedBy: 0x2D, yearDigits: 4) != nil {
            return "could be day-month-year (as in Danish settings) or month-day-year (as in the US), so it is not guessed; write it as \(formats)"
        }
        return "is not a date; write it as \(formats)"
    }
}
