import Foundation
import Testing
@testable import GoodwillCore

struct LocalDateTests {
    func day(_ s: String) -> LocalDate { LocalDate(iso: s)! }

    @Test func nonexistentDays_areRefused() {
        #expect(LocalDate(year: 2026, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 2024, month: 2, day: 29) != nil)
        #expect(LocalDate(year: 2026, month: 13, day: 1) == nil)
        #expect(LocalDate(iso: "2026-4-2") == nil)
        #expect(LocalDate(iso: "2026-04-02x") == nil)
        #expect(LocalDate(iso: "２０２６-04-02") == nil)
    }

    @Test(arguments: [
        ("2025-04-02", 12, "2026-04-02"),
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-02-29", 48, "2028-02-29"),
        ("2025-08-31", 1, "2025-09-30"),
        ("2025-12-15", 1, "2026-01-15"),
        ("2025-03-31", -1, "2025-02-28"),
    ])
    func addingMonths_clampsToTheLastDayOfTheMonth(start: String, months: Int, expected: String) {
        #expect(day(start).adding(months: months) == day(expected))
    }

    @Test func dayNumbers_roundTripAcrossCenturies() {
        #expect(day("1970-01-01").daysSinceEpoch == 0)
        #expect(day("2000-03-01").daysSinceEpoch == 11_017)
        // Walk 80,000 days one at a time, checking every day against the proleptic calendar.
        var d = day("1899-12-25")
        var mismatches = 0
        for _ in 0..<80_000 {
            let next = d.adding(days: 1)
            let expected = d.day < LocalDate.daysIn(month: d.month, year: d.year)
                ? LocalDate(year: d.year, month: d.month, day: d.day + 1)
                : (d.month == 12 ? LocalDate(year: d.year + 1, month: 1, day: 1) : LocalDate(year: d.year, month: d.month + 1, day: 1))
            if next != expected || next.days(since: d) != 1 || LocalDate(daysSinceEpoch: next.daysSinceEpoch) != next { mismatches += 1 }
            d = next
        }
        #expect(mismatches == 0)
        #expect(d == day("2119-01-06"))
    }

    @Test func comparesByCalendarOrder() {
        #expect(day("2026-01-31") < day("2026-02-01"))
        #expect(day("2025-12-31") < day("2026-01-01"))
        #expect(day("2026-04-16").days(since: day("2026-04-02")) == 14)
    }
}

struct ZonedCalendarTests {
    let stockholm = ZonedCalendar(identifier: "Europe/Stockholm")!

    @Test func endOfDay_isTheNextLocalMidnight_evenOnDSTDays() {
        // Spring forward: 2026-03-29 has 23 hours in Stockholm.
        let start = stockholm.startOfDay(LocalDate(iso: "2026-03-29")!)
        let end = stockholm.endOfDay(LocalDate(iso: "2026-03-29")!)
        #expect(end.timeIntervalSince(start) == 23 * 3600)
        #expect(RFC3339.format(end) == "2026-03-29T22:00:00Z")
        // Fall back: 2026-10-25 has 25 hours.
        let s2 = stockholm.startOfDay(LocalDate(iso: "2026-10-25")!)
        #expect(stockholm.endOfDay(LocalDate(iso: "2026-10-25")!).timeIntervalSince(s2) == 25 * 3600)
    }

    @Test func localDate_dependsOnTheZone() {
        let instant = RFC3339.parse("2026-04-02T22:30:00Z")!
        #expect(stockholm.localDate(of: instant) == LocalDate(iso: "2026-04-03"))
        #expect(ZonedCalendar(identifier: "America/New_York")!.localDate(of: instant) == LocalDate(iso: "2026-04-02"))
    }

    @Test func unknownZones_areRefused() {
        #expect(ZonedCalendar(identifier: "Europe/Stockholmm") == nil)
        #expect(ZonedCalendar(identifier: "") == nil)
        #expect(throws: ValidityError.unknownTimeZone("Europe/Stockholmm")) { try ZonedCalendar(zoneName: "Europe/Stockholmm") }
    }

    /// Foundation reads "GMT+2" as a zone; a person who types it means Stockholm's summer and
    /// would get an offset that ignores winter. Named zones, fixed ones included, are taken.
    @Test func offsetsGivenAsZones_areRefused_namedZonesAreTaken() throws {
        for offset in ["GMT+2", "GMT-05:00", "UTC+01:00", "UTC-3", "GMT+0200", "Etc/GMT-1", "Etc/GMT+5", "EST", "MST", "HST"] {
            #expect(ZonedCalendar(identifier: offset) != nil, "Foundation takes \(offset); a stored one still reads")
            #expect(throws: ValidityError.offsetNotZone(offset)) { try ZonedCalendar(zoneName: offset) }
        }
        for name in ["Europe/Stockholm", "America/Argentina/Buenos_Aires", "UTC", "GMT", "Etc/UTC", "Etc/GMT", "CET", "EST5EDT", "America/Phoenix"] {
            #expect(try ZonedCalendar(zoneName: name).identifier.isEmpty == false, "\(name)")
        }
        #expect(ValidityError.offsetNotZone("GMT+1").description.contains("Europe/Stockholm"))
    }
}

struct ValidityTests {
    let issue = LocalDate(iso: "2025-04-02")!

    @Test func twelveMonthsFromIssue_endsOnTheSameNumberedDay() throws {
        #expect(try Validity.months(12).lastValidDay(issuedOn: issue) == LocalDate(iso: "2026-04-02"))
        let expiry = Expiry(lastValidDay: LocalDate(iso: "2026-04-02")!, calendar: ZonedCalendar(identifier: "Europe/Stockholm")!)
        // 2026-04-03 00:00 CEST (+02:00).
        #expect(RFC3339.format(expiry.instant) == "2026-04-02T22:00:00Z")
        #expect(!expiry.hasPassed(at: RFC3339.parse("2026-04-02T21:59:59Z")!))
        #expect(expiry.hasPassed(at: RFC3339.parse("2026-04-02T22:00:00Z")!))
    }

    @Test func aLastDayBeforeIssue_isRefused() {
        #expect(throws: ValidityError.endsBeforeIssue(lastDay: LocalDate(iso: "2025-04-01")!, issueDay: issue)) {
            try Validity.lastDay(LocalDate(iso: "2025-04-01")!).lastValidDay(issuedOn: issue)
        }
    }

    @Test func monthsOutOfRange_areRefused() {
        #expect(throws: ValidityError.monthsOutOfRange(0)) { try Validity.months(0).lastValidDay(issuedOn: issue) }
        #expect(throws: ValidityError.monthsOutOfRange(5000)) { try Validity.months(5000).lastValidDay(issuedOn: issue) }
    }

    @Test func noExpiry_hasNoLastDay() throws {
        #expect(try Validity.none.lastValidDay(issuedOn: issue) == nil)
    }
}

struct RFC3339Tests {
    @Test(arguments: [
        ("2026-04-16T09:30:00Z", "2026-04-16T09:30:00Z"),
        ("2026-04-16T11:30:00+02:00", "2026-04-16T09:30:00Z"),
        ("2026-04-16t09:30:00.250z", "2026-04-16T09:30:00.250Z"),
        ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"),
        ("2026-04-16T09:30:00.123456Z", "2026-04-16T09:30:00.123Z"),
    ])
    func parsesAndFormats(input: String, canonical: String) throws {
        let date = try #require(RFC3339.parse(input))
        #expect(RFC3339.format(date) == canonical)
    }

    @Test(arguments: ["", "2026-04-16", "2026-04-16T09:30:00", "2026-02-30T00:00:00Z", "2026-04-16T25:00:00Z",
                      "2026-04-16T09:30:00+0200", "2026-04-16T09:30:00Zjunk", "2026-04-16T09:30:00."])
    func refusesWhatIsNotRFC3339(input: String) {
        #expect(RFC3339.parse(input) == nil)
    }
}

/// The byte-level formatters against the plain string arithmetic they replaced.
@Suite struct ByteFormattingTests {
    func reference(_ d: LocalDate) -> String {
        let y = String(d.year), m = String(d.month), dd = String(d.day)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + (m.count < 2 ? "0" : "") + m + "-" + (dd.count < 2 ? "0" : "") + dd
    }

    /// RFC3339.format as it was written before (string interpolation).
    func referenceFormat(_ date: Date) -> String {
        func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let ms = date.unixMilliseconds
        var seconds = ms / 1000
        var millis = ms % 1000
        if millis < 0 { millis += 1000; seconds -= 1 }
        let days = Int((seconds - ((seconds % 86_400) + 86_400) % 86_400) / 86_400)
        let secs = Int(seconds - Int64(days) * 86_400)
        var text = "\(reference(LocalDate(daysSinceEpoch: days)))T\(pad2(secs / 3600)):\(pad2(secs / 60 % 60)):\(pad2(secs % 60))"
        if millis != 0 { text += "." + String(repeating: "0", count: 3 - String(millis).count) + String(millis) }
        return text + "Z"
    }

    @Test func isoStringAndRFC3339_matchTheReference() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let ms = Int64.random(in: -62_000_000_000_000...253_000_000_000_000, using: &rng)
            let date = Date(unixMilliseconds: ms)
            let text = RFC3339.format(date)
            #expect(text == referenceFormat(date))
            let day = LocalDate(daysSinceEpoch: Int((ms - ((ms % 86_400_000) + 86_400_000) % 86_400_000) / 86_400_000))
            #expect(day.isoString == reference(day))
            #expect(text.hasPrefix(day.isoString + "T"))
            #expect(LocalDate(iso: day.isoString) == day)
        }
        #expect(RFC3339.format(Date(unixMilliseconds: 0)) == "1970-01-01T00:00:00Z")
        #expect(RFC3339.format(Date(unixMilliseconds: 1_776_331_800_007)) == "2026-04-16T09:30:00.007Z")
        #expect(RFC3339.format(Date(unixMilliseconds: -1_000)) == "1969-12-31T23:59:59Z")
    }

    @Test func isoParsing_refusesWhatItAlwaysRefused() {
        for text in ["2026-4-16", "2026-04-16 ", "26-04-16", "2026/04/16", "2026-02-30", "2026-13-01", "２026-04-16", "+026-04-16", "2026-0a-16", ""] {
            #expect(LocalDate(iso: text) == nil, "\(text)")
        }
        #expect(LocalDate(iso: "2024-02-29") == LocalDate(year: 2024, month: 2, day: 29))
    }

    @Test func generatedIDsAndCodes_areWellFormedAndDistinct_acrossThreads() async throws {
        let perTask = 2000
        let all = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask { (0..<perTask).flatMap { _ in [VoucherID.generate().rawValue, VoucherCode.generate().canonical] } }
            }
            var out: [String] = []
            for await part in group { out += part }
            return out
        }
        #expect(all.count == 4 * perTask * 2)
        #expect(Set(all).count == all.count)
        for text in all.prefix(200) {
            if text.hasPrefix("vch_") {
                #expect(VoucherID.parse(text) != nil && text.count == 4 + IdentifierTime.symbols + 16)
            } else {
                #expect((try? VoucherCode.parse(text))?.canonical == text)
            }
        }
        // Every symbol shows up: the low five bits of each byte are used, not a constant.
        let symbols = Set(all.filter { !$0.hasPrefix("vch_") }.joined())
        #expect(symbols.count == 32)
    }
}
