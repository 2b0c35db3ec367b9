import Testing
@testable import PolicyEngine

@Suite struct LocalDateTests {
    @Test func parsingAcceptsOnlyRealDays() {
        #expect(LocalDate(iso8601: "2026-04-02") == LocalDate(year: 2026, month: 4, day: 2))
        #expect(LocalDate(iso8601: "2024-02-29") != nil)
        #expect(LocalDate(iso8601: "2026-02-29") == nil)
        #expect(LocalDate(iso8601: "2026-4-2") == nil)
        #expect(LocalDate(iso8601: "2026-13-01") == nil)
        #expect(LocalDate(iso8601: "20260402") == nil)
    }

    @Test(arguments: [
        ("2026-04-02", 14, "2026-04-16"),
        ("2026-04-02", -1, "2026-04-01"),
        ("2024-02-28", 1, "2024-02-29"),
        ("2023-12-31", 1, "2024-01-01"),
        ("1970-01-01", 0, "1970-01-01"),
        ("2026-04-16", 30, "2026-05-16"),
    ])
    func addingDays(from: String, days: Int, expected: String) {
        #expect(date(from).adding(days: days) == date(expected))
        #expect(date(from).days(until: date(expected)) == days)
    }

    @Test(arguments: [
        ("2025-04-02", 12, "2026-04-02"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2025-01-31", 1, "2025-02-28"),
        ("2025-11-15", 3, "2026-02-15"),
        ("2025-03-31", -1, "2025-02-28"),
    ])
    func addingMonthsClampsToTheLastDayOfTheMonth(from: String, months: Int, expected: String) {
        #expect(date(from).adding(months: months) == date(expected))
    }

    @Test func dayCountMatchesTheCalendarDayByDayOverFourCenturies() {
        // Walk day by day with month lengths only, and compare with the closed-form count.
        var (y, m, d) = (1900, 1, 1)
        var mismatches: [String] = []
        for index in 0..<146_097 {
            let expected = LocalDate(unchecked: y, m, d)
            let counted = LocalDate(daysSinceEpoch: date("1900-01-01").daysSinceEpoch + index)
            if counted != expected || expected.daysSinceEpoch != date("1900-01-01").daysSinceEpoch + index {
                mismatches.append(expected.description)
            }
            d += 1
            if d > LocalDate.daysIn(month: m, year: y) { d = 1; m += 1 }
            if m > 12 { m = 1; y += 1 }
        }
        #expect(mismatches.isEmpty)
        #expect(y == 2300)
    }
}
