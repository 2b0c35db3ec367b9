import Foundation
import GoodwillCore
import Ledger
import Testing
@testable import Support

/// What Excel writes and reads beyond the separator: a `sep=` first line that names it, and dates
/// in the order of the computer's settings (German, Norwegian, Finnish: 15.01.2026; Danish: 15-01-2026).
@Suite struct ExcelSettingsTests {
    static let bom = SpreadsheetCSVTests.bom
    static let header = SpreadsheetCSVTests.header

    // MARK: sep=

    /// Excel takes a first line `sep=;` to mean "fields are separated by semicolons", whatever the
    /// computer's settings say. The import reads it so (a semicolon: decimal commas), counts it as
    /// line 1, and the rejects file starts with the same line, so it opens the same way.
    @Test func aSepLine_namesTheSeparator_andTheRejectsFileKeepsIt() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let path = try write(Self.bom + "sep=;\r\n" + Self.header + """
            L-1;499,50;120,25;SEK;2025-01-10;;per@example.se;Lind, Per;;;;\r
            L-2;499,50;600;SEK;2025-01-10;;anna@example.se;=Anna;;;;\r

            """, f)
        let r = try f.support.importVouchers(file: path, skipInvalid: true, actor: "test")
        #expect(r.separator == .semicolon && r.imported == 1, "\(r.rejected)")
        #expect(r.rejected.map(\.line) == [4], "the sep= line is line 1, the header line 2")
        let v = try f.ledger.voucherView(VoucherReference("L-1"))
        #expect(v.value.minorUnits == 49_950 && v.balance.minorUnits == 12_025 && v.holder?.name == "Lind, Per")

        let read = try SpreadsheetCSVTests.records(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(read.dialect.separator == .semicolon && read.dialect.byteOrderMark)
        #expect(read.records[0] == SupportService.importColumns, "the header, not the sep= line, is the first record")
        let rejects = SupportService.rejectsCSV(r.rejected, header: read.records[0], dialect: read.dialect)
        #expect(rejects.hasPrefix(Self.bom + "sep=;\r\n" + Self.header.dropLast() + ";line;reason\r\n"), "\(rejects)")
        let back = try SpreadsheetCSVTests.records(rejects)
        #expect(back.dialect == read.dialect)
        #expect(Array(back.records[1].prefix(12)) == ["L-2", "499,50", "600", "SEK", "2025-01-10", "", "anna@example.se", "'=Anna", "", "", "", ""])
        #expect(back.records[1][12] == "4")
    }

    /// `sep=,` says commas, as RFC 4180 has them: amounts keep their decimal point.
    @Test func aSepLineOfAComma_readsByCommas() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let path = try write("sep=,\n" + ImportExportTests.header + "C-1,499.50,499.50,SEK,2025-01-10,,per@example.se,\"Lind; Per\",,,,\n", f)
        let r = try f.support.importVouchers(file: path, actor: "test")
        #expect(r.committed && r.imported == 1 && r.separator == .comma, "\(r.rejected)")
        #expect(try f.ledger.voucherView(VoucherReference("C-1")).value.minorUnits == 49_950)
    }

    /// LibreOffice and Google Sheets, re-saving a file that had `sep=;`, read that line as a row
    /// and write it back padded to the column count (`sep=;;;;;;;;;;;`; `sep=,,,,` in a comma
    /// file). It still names one separator: read, as Excel reads it, and the rejects file starts
    /// with the line as the file had it.
    @Test func aSepLinePaddedWithItsSeparator_namesIt_andTheRejectsFileKeepsIt() throws {
        for (line, header, row) in [("sep=;;;;;;;;;;;", Self.header, "P-2;499,50;600;SEK;2025-01-10;;;;;;;\r\n"),
                                    ("sep=,,,,  ", ImportExportTests.header, "P-2,499.50,600,SEK,2025-01-10,,,,,,,\n")] {
            let read = try SpreadsheetCSVTests.records(line + "\r\n" + header + row)
            #expect(read.records.count == 2 && read.records[0] == SupportService.importColumns, "\(line): \(read.records)")
            #expect(read.dialect.separator == (line.hasPrefix("sep=;") ? .semicolon : .comma))

            let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
            let path = try write(Self.bom + line + "\r\n" + header + row, f)
            let r = try f.support.importVouchers(file: path, skipInvalid: true, actor: "test")
            #expect(r.rejected.map(\.line) == [3], "\(line): \(r.rejected)")
            let dialect = try SpreadsheetCSVTests.records(try Data(contentsOf: URL(fileURLWithPath: path))).dialect
            let rejects = SupportService.rejectsCSV(r.rejected, header: SupportService.importColumns, dialect: dialect)
            #expect(rejects.hasPrefix(Self.bom + line + "\r\n" + SupportService.importColumns.joined(separator: String(line.dropFirst(4).prefix(1)))),
                    "\(rejects)")
            #expect(try SpreadsheetCSVTests.records(rejects).dialect == dialect)
        }
    }

    /// A separator Goodwill does not read (a tab, a bar), and a sep= line the header then
    /// contradicts, refuse the file saying what to change; nothing is stored.
    @Test func aSepLineThatCannotBeFollowed_isRefused_sayingWhatToWrite() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        for (text, words) in [("sep=|\n" + Self.header.replacingOccurrences(of: ";", with: "|") + "B-1|500|500|SEK|2025-01-10|||||||\n",
                               ["line 1", "sep=|", "write sep=; or sep=,"]),
                              // Padded with something else than the one separator: which one is meant is not said.
                              ("sep=;,;,\n" + Self.header + "B-3;500;500;SEK;2025-01-10;;;;;;;\n", ["line 1", "sep=;,;,", "write sep=; or sep=,"]),
                              ("sep=;x\n" + Self.header + "B-4;500;500;SEK;2025-01-10;;;;;;;\n", ["line 1", "sep=;x", "write sep=; or sep=,"]),
                              ("sep=;\n" + ImportExportTests.header + "B-2,500,500,SEK,2025-01-10,,,,,,,\n",
                               ["sep=;", "separated by semicolons", "commas"])] {
            let path = try write(text, f)
            #expect {
                _ = try f.support.importVouchers(file: path, skipInvalid: true, actor: "test")
            } throws: { error in
                let message = (error as? SupportError)?.description ?? "\(error)"
                return words.allSatisfy(message.contains)
            }
        }
        #expect(try f.ledger.store.countVouchers() == 0)
    }

    /// A file that is one long line after `sep=` (no line break at all) is not repeated whole in
    /// the refusal: the message quotes its first 40 characters.
    @Test func aSepLineWithNoEnd_isQuotedShort() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let path = try write("sep=|" + String(repeating: "x", count: 100_000), f)
        #expect {
            _ = try f.support.importVouchers(file: path, skipInvalid: true, actor: "test")
        } throws: { error in
            let message = (error as? SupportError)?.description ?? "\(error)"
            return message.contains("'sep=|" + String(repeating: "x", count: 35) + "…'") && message.count < 1_000
        }
    }

    // MARK: Dates

    /// German, Norwegian and Finnish settings write a date as day.month.year (15.01.2026;
    /// Finnish without leading zeros, 1.2.2027). With the dots that order is unambiguous, so it is
    /// read; the rejects file keeps the date as it was written.
    @Test func aDateWithDots_isReadAsDayMonthYear() throws {
        let f = try SupportFixture(book: false, now: "2026-11-23T10:00:00Z")
        let path = try write(Self.header + """
            D-0;500;500;EUR;2026-01-15;2027-02-01;;;;;;
            D-1;500;500;EUR;15.01.2026;1.2.2027;;;;;;
            D-2;500;600;EUR;15.01.2026;31.12.2026;;;;;;

            """, f)
        let r = try f.support.importVouchers(file: path, skipInvalid: true, actor: "test")
        #expect(r.imported == 2 && r.rejected.map(\.line) == [4], "\(r.rejected)")
        let v = try f.ledger.voucherView(VoucherReference("D-1")), iso = try f.ledger.voucherView(VoucherReference("D-0"))
        #expect(v.lastValidDay == "2027-02-01" && v.issuedAt == iso.issuedAt, "\(v.issuedAt)")
        let rejects = SupportService.rejectsCSV(r.rejected, header: SupportService.importColumns, dialect: CSVDialect(separator: .semicolon))
        #expect(rejects.contains("D-2;500;600;EUR;15.01.2026;31.12.2026;"), "\(rejects)")
        // In a comma file too: the dots say the order there as well.
        let comma = try write(ImportExportTests.header + "D-3,500,500,EUR,15.01.2026,15.01.2027,,,,,,\n", f, name: "comma.csv")
        #expect(try f.support.importVouchers(file: comma, actor: "test").imported == 1)
        #expect(try f.ledger.voucherView(VoucherReference("D-3")).lastValidDay == "2027-01-15")
    }

    /// 01/02/2026 is 1 February in the UK and January 2 in the US, 01-02-2026 is 1 February in
    /// Danish settings and January 2 in the US: refused, not guessed, each with its reason and the
    /// formats that are read. So is a day that does not exist, and a year of two digits.
    @Test func anAmbiguousOrImpossibleDate_isRefused_namingTheFormatsRead() throws {
        let f = try SupportFixture(book: false, now: "2026-11-23T10:00:00Z")
        let path = try write(Self.header + """
            X-1;500;500;EUR;01/02/2026;;;;;;;
            X-2;500;500;EUR;2026-01-15;01/02/2027;;;;;;
            X-3;500;500;EUR;31.02.2026;;;;;;;
            X-4;500;500;EUR;15.01.26;;;;;;;
            X-5;500;500;EUR;15-01-2026;;;;;;;
            X-6;500;500;EUR;2026-01-15;1-2-2027;;;;;;

            """, f)
        let r = try f.support.importVouchers(file: path, actor: "test")
        #expect(try !r.committed && f.ledger.store.countVouchers() == 0)
        let reasons = Dictionary(uniqueKeysWithValues: r.rejected.map { ($0.code ?? "", $0.reason) })
        let formats = "2026-01-15 (year-month-day) or 15.01.2026 (day.month.year)"
        #expect(reasons["X-1"]?.hasPrefix("issued '01/02/2026'") == true && reasons["X-1"]?.contains(formats) == true
                && reasons["X-1"]?.contains("month/day") == true, "\(reasons)")
        #expect(reasons["X-2"]?.hasPrefix("expires '01/02/2027'") == true && reasons["X-2"]?.contains(formats) == true
                && reasons["X-2"]?.contains("leave it empty for no expiry") == true, "\(reasons)")
        #expect(reasons["X-3"]?.hasPrefix("issued '31.02.2026' is not a day of the calendar") == true, "\(reasons)")
        #expect(reasons["X-4"]?.contains("four digits") == true, "\(reasons)")
        // Windows' Danish short date: day first, with hyphens; in the US the same shape is month first.
        for (code, date) in [("X-5", "issued '15-01-2026'"), ("X-6", "expires '1-2-2027'")] {
            #expect(reasons[code]?.hasPrefix(date + " could be day-month-year (as in Danish settings) or month-day-year") == true
                    && reasons[code]?.contains(formats) == true, "\(reasons)")
        }
    }

    // MARK: Report CSV for Excel

    /// Every report's CSV separated by semicolons is the comma file's table, cell for cell, with
    /// the decimal columns (amounts, percents) written with a decimal comma; no other cell holds a
    /// point, so no number is left that Excel in those settings would read as text or a date.
    @Test func everyReportCSV_bySemicolons_isTheSameTable_withDecimalCommas() throws {
        let f = try SupportFixture(book: true)
        var reports: [any TabularReport] = try ReportName.asOfNow.map { try f.support.report($0) }
        reports.append(try f.support.rollForwardReport(from: LocalDate(iso: "2025-01-01")!, to: LocalDate(iso: "2025-12-31")!, timeZone: "UTC"))
        for report in reports {
            let table = report.table
            let comma = try SpreadsheetCSVTests.records(table.csv), semicolon = try SpreadsheetCSVTests.records(table.csv(separator: .semicolon))
            #expect(comma.dialect.separator == .comma && semicolon.dialect.separator == .semicolon, "\(table.title)")
            #expect(semicolon.records.count == comma.records.count && semicolon.records.count > 1, "\(table.title)")
            let header = comma.records[0]
            #expect(semicolon.records[0] == header)
            #expect(table.decimalColumns.isSubset(of: header), "\(table.title): \(table.decimalColumns.subtracting(header))")
            for (s, c) in zip(semicolon.records.dropFirst(), comma.records.dropFirst()) {
                for (i, name) in header.enumerated() {
                    let expected = table.decimalColumns.contains(name) ? c[i].replacingOccurrences(of: ".", with: ",") : c[i]
                    #expect(s[i] == expected, "\(table.title) \(name)")
                    #expect(table.textColumns.contains(name) || !s[i].contains("."), "\(table.title) \(name): \(s[i])")
                }
            }
        }
    }

    /// An export separated by semicolons is the comma file, cell for cell: its amounts are whole
    /// minor units, so no cell takes a decimal comma; free text is guarded the same and read back
    /// as it was written, a semicolon in it quoted.
    @Test func exportCSV_bySemicolons_isTheSameTable() throws {
        let f = try SupportFixture(book: true)
        let v = try f.issue(100, holder: "per@example.se")
        _ = try f.ledger.db.run("UPDATE vouchers SET experience = '=Spa; dag, två' WHERE id = ?", [.text(v.id)])
        for table in ExportTable.allCases {
            var comma = "", semicolon = ""
            let n = try f.support.export(table, format: .csv) { comma += $0 }
            try f.support.export(table, format: .csv, separator: .semicolon) { semicolon += $0 }
            let c = try SpreadsheetCSVTests.records(comma), s = try SpreadsheetCSVTests.records(semicolon)
            #expect(c.dialect.separator == .comma && s.dialect.separator == .semicolon, "\(table)")
            #expect(s.records == c.records && s.records.count == n + 1 && n > 100, "\(table)")
        }
        var semicolon = ""
        try f.support.export(.vouchers, format: .csv, separator: .semicolon) { semicolon += $0 }
        #expect(semicolon.contains(#";"'=Spa; dag, två";"#), "the guard's quote, inside the quoting the semicolon needs")
    }

    /// The formula guard holds by semicolons too: a name that starts a formula gets its leading ',
    /// a name with a semicolon is quoted, and a negative amount stays a number (-5,00).
    @Test func reportCSV_bySemicolons_guardsNames_andQuotesTheSeparator() throws {
        let sek = { (minor: Int64) in Money(minorUnits: minor, currency: .sek) }
        let lines = [GoodwillLine(group: "agent", name: "-ops", currency: "SEK", extensions: 1, days: 30, overrides: 0,
                                  valueKeptAlive: sek(-500), laterRedeemed: sek(0)),
                     GoodwillLine(group: "rule", name: "=SUM(A1;A2)", currency: "SEK", extensions: 2, days: 60, overrides: 1,
                                  valueKeptAlive: sek(123_456), laterRedeemed: sek(50))]
        let goodwill = GoodwillReport(asOf: "2025-11-23T10:00:00Z", byRule: [lines[1]], byAgent: [lines[0]], totals: [],
                                      overrides: 1, referred: 0, denied: 0)
        let csv = goodwill.table.csv(separator: .semicolon)
        #expect(csv.contains("\r\nrule;\"'=SUM(A1;A2)\";SEK;2;60;1;1234,56;0,50;"), "\(csv)")
        #expect(csv.contains("\r\nagent;'-ops;SEK;1;30;0;-5,00;0,00;"), "\(csv)")
        let read = try SpreadsheetCSVTests.records(csv).records
        #expect(read.dropFirst().map { $0[1] } == ["'=SUM(A1;A2)", "'-ops"])
    }
}
