import Foundation
import GoodwillCore
import Ledger
import Testing
@testable import Support

/// CSV as it really goes into and comes out of a spreadsheet: Excel set to Swedish, Danish, German
/// or French writes fields separated by semicolons with decimal commas ("499,50"), and its "CSV
/// UTF-8" starts with a byte-order mark.
@Suite struct SpreadsheetCSVTests {
    static let bom = "\u{FEFF}"
    /// "\r\n" is one Character.
    static let header = "code;value;balance;currency;issued;expires;holder_email;holder_name;purchaser_email;purchaser_name;experience;kind\r\n"

    /// Records of a CSV text, its separator found from its header line as the import finds it.
    static func records(_ csv: String) throws -> (dialect: CSVDialect, records: [[String]]) { try records(Data(csv.utf8)) }

    static func records(_ bytes: Data) throws -> (dialect: CSVDialect, records: [[String]]) {
        try bytes.withUnsafeBytes { raw in
            var reader = CSVReader(detectingSeparatorIn: raw)
            var out: [[String]] = []
            while let r = try reader.next() { out.append(r.fields) }
            return (reader.dialect, out)
        }
    }

    @Test func aSemicolonFileFromExcel_isRead_withDecimalCommas_andQuotedSeparators() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let path = try write(Self.bom + Self.header + """
            S-1;499,50;120,25;SEK;2025-01-10;2026-01-10;per@example.se;Lind, Per;;;"Spa; dag, två";\r
            S-2;500;500;EUR;2025-02-01;;;;;;;\r
            S-3;12,5;0,5;EUR;2025-02-01;;;;;;;\r
            S-4;1500;1500;JPY;2025-02-01;;;;;;;\r

            """, f)
        let r = try f.support.importVouchers(file: path, actor: "test")
        #expect(r.committed && r.imported == 4, "\(r.rejected)")
        #expect(r.separator == .semicolon)
        let v = try f.ledger.voucherView(VoucherReference("S-1"))
        #expect(v.value.minorUnits == 49_950 && v.balance.minorUnits == 12_025 && v.value.currency.code == "SEK")
        #expect(v.holder?.name == "Lind, Per" && v.experience == "Spa; dag, två")
        let s3 = try f.ledger.voucherView(VoucherReference("S-3"))
        #expect(s3.value.minorUnits == 1_250 && s3.balance.minorUnits == 50)
        #expect(try f.ledger.voucherView(VoucherReference("S-4")).value.minorUnits == 1_500)
        #expect(try f.ledger.verify().ok)
        // A comma-separated file is read as before.
        let comma = try write(ImportExportTests.header + "C-1,499.50,499.50,SEK,2025-01-10,,,,,,,\n", f, name: "comma.csv")
        let c = try f.support.importVouchers(file: comma, actor: "test")
        #expect(c.imported == 1 && c.separator == .comma)
    }

    /// A point could be a decimal point or (German, "1.234,50") a thousands separator: a wrong guess
    /// changes the amount a thousandfold, so it is refused, saying how to write the amount.
    @Test func inASemicolonFile_anAmountWithAPointOrAThousandsSeparator_isRefused_sayingHowToWriteIt() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let path = try write(Self.header + """
            P-1;499.50;0;SEK;2025-01-10;;;;;;;
            P-2;1.234,50;0;SEK;2025-01-10;;;;;;;
            P-3;1 234,50;0;SEK;2025-01-10;;;;;;;
            P-4;499,505;0;SEK;2025-01-10;;;;;;;
            P-5;1500,5;0;JPY;2025-01-10;;;;;;;
            P-6;500;-5,00;SEK;2025-01-10;;;;;;;
            P-7;5,,0;0;SEK;2025-01-10;;;;;;;

            """, f)
        let r = try f.support.importVouchers(file: path, actor: "test")
        #expect(try !r.committed && r.imported == 0 && f.ledger.store.countVouchers() == 0)
        let reasons = Dictionary(uniqueKeysWithValues: r.rejected.map { ($0.code ?? "", $0.reason) })
        #expect(reasons["P-1"]?.contains("value '499.50': in a file separated by semicolons an amount takes a decimal comma, like 499,50") == true, "\(reasons)")
        #expect(reasons["P-2"]?.contains("no thousands separators") == true, "\(reasons)")
        #expect(reasons["P-3"]?.contains("value '1 234,50'") == true && reasons["P-3"]?.contains("no thousands separators") == true, "\(reasons)")
        #expect(reasons["P-4"]?.contains("value '499,505' has more decimals than SEK allows (2); write it like 499,50") == true, "\(reasons)")
        #expect(reasons["P-5"]?.contains("more decimals than JPY allows (none); write it like 1500") == true, "\(reasons)")
        #expect(reasons["P-6"]?.contains("balance '-5,00' is negative") == true, "\(reasons)")
        #expect(reasons["P-7"]?.contains("value '5,,0' is not an amount") == true, "\(reasons)")
    }

    /// A reason that names an amount the file gave writes it as the file does: "600,00" in a
    /// semicolon file, never "600.00", which that same file would be refused for.
    @Test func inASemicolonFile_theReasonsWriteAmountsWithADecimalComma() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let path = try write(Self.header + """
            A-1;500;600;SEK;2025-01-10;;;;;;;
            A-2;99999999999,50;0;SEK;2025-01-10;;;;;;;

            """, f)
        let reasons = try f.support.importVouchers(file: path, actor: "test").rejected.map(\.reason)
        #expect(reasons.first == "balance 600,00 must be between 0 and the value 500,00", "\(reasons)")
        #expect(reasons.last?.hasPrefix("value 99999999999,50 is more than a voucher may hold (10000000000,00)") == true
                && reasons.last?.contains(".") == false, "\(reasons)")
        // A comma-separated file keeps its decimal point.
        let comma = try write(ImportExportTests.header + "C-1,500,600,SEK,2025-01-10,,,,,,,\n", f, name: "comma.csv")
        #expect(try f.support.importVouchers(file: comma, actor: "test").rejected.map(\.reason)
                == ["balance 600.00 must be between 0 and the value 500.00"])
    }

    /// The rejects file goes back to the spreadsheet it came from: the same separator, the same
    /// byte-order mark, the amounts as they were written, the free text guarded against formulas.
    /// Fixed there and saved, it imports as the first file would have.
    @Test func theRejectsFile_ofASemicolonFile_isWrittenTheSameWay_andImportsOnceFixed() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let path = try write(Self.bom + Self.header + """
            R-1;499,50;499,50;SEK;2025-01-10;;per@example.se;Per Lind;;;;\r
            R-2;499,50;600;SEK;2025-01-10;;anna@example.se;"-Berg; Anna";;;Spa, dag;\r

            """, f)
        let r = try f.support.importVouchers(file: path, skipInvalid: true, actor: "test")
        #expect(r.imported == 1 && r.rejected.map(\.line) == [3])
        let read = try Self.records(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(read.dialect == CSVDialect(separator: .semicolon, byteOrderMark: true))
        let rejects = SupportService.rejectsCSV(r.rejected, header: read.records[0], dialect: read.dialect)
        #expect(rejects.hasPrefix(Self.bom + Self.header.dropLast() + ";line;reason\r\n"), "\(rejects)")
        let back = try Self.records(rejects)
        #expect(back.dialect == read.dialect)
        let row = try #require(back.records.last)
        #expect(Array(row.prefix(12)) == ["R-2", "499,50", "600", "SEK", "2025-01-10", "", "anna@example.se", "'-Berg; Anna", "", "", "Spa, dag", ""])
        #expect(row[12] == "3" && row[13].contains("balance"))

        // Fixed (the balance), line and reason taken out, saved as the spreadsheet saves it.
        var fixed = Array(row.prefix(12))
        fixed[2] = "250,25"
        let again = try write(Self.bom + Self.header + CSV.line(fixed, separator: .semicolon), f, name: "fixed.csv")
        let second = try f.support.importVouchers(file: again, actor: "test")
        #expect(second.imported == 1, "\(second.rejected)")
        let v = try f.ledger.voucherView(VoucherReference("R-2"))
        #expect(v.balance.minorUnits == 25_025 && v.holder?.name == "-Berg; Anna" && v.experience == "Spa, dag")
        #expect(try f.ledger.verify().ok)
    }

    /// Excel and LibreOffice write rows of separators alone (`;;;;`, `,,,,`) below the data where
    /// cells were cleared or formatted. Such a row holds nothing and is skipped as a blank line is;
    /// its line is still counted. A quoted empty field ("") or any text makes it a row again.
    @Test func theReader_skipsARecordOfEmptyUnquotedFields_andCountsItsLine() throws {
        let text = "a;b;c\r\n;;\r\n\"\";;\r\n;;\"\"\r\n;;;;;;\n;x;\r\n;;\r\n"
        let read = try Data(text.utf8).withUnsafeBytes { raw in
            var reader = CSVReader(detectingSeparatorIn: raw)
            var out: [(line: Int, fields: [String])] = []
            while let r = try reader.next() { out.append(r) }
            return out
        }
        #expect(read.map(\.line) == [1, 3, 4, 6], "\(read)")
        #expect(read.map(\.fields) == [["a", "b", "c"], ["", "", ""], ["", "", ""], ["", "x", ""]])
        #expect(try Self.records("code,value\r\n,\r\n,,,,\r\n\"\",\r\n").records == [["code", "value"], ["", ""]])
    }

    /// The rows of separators alone after (and between) the vouchers of a book saved by a
    /// spreadsheet do not refuse the book; a bad row after them is named by its own line, and
    /// only it goes to the rejects file.
    @Test func rowsOfSeparatorsAlone_areSkipped_andABadRowAfterThemKeepsItsLine() throws {
        let f = try SupportFixture(book: false, now: "2026-11-23T10:00:00Z")
        let header = "code;value;balance;currency;issued\r\n"
        let good = try write(header + "C-1;499,50;120,25;SEK;15.01.2026\r\nC-2;500;500;SEK;2026-01-15\r\n;;;;\r\n;;;;\r\n", f)
        let r = try f.support.importVouchers(file: good, actor: "test")
        #expect(r.committed && r.imported == 2 && r.rows == 2 && r.rejected.isEmpty, "\(r.rejected)")

        let commas = try write("code,value,balance,currency,issued\r\nK-1,500,500,SEK,2026-01-15\r\n,,,,\r\n,,,,,,,,,,\r\n", f, name: "commas.csv")
        let c = try f.support.importVouchers(file: commas, actor: "test")
        #expect(c.committed && c.imported == 1 && c.rows == 1 && c.rejected.isEmpty, "\(c.rejected)")

        let mixed = try write(header + "M-1;500;500;SEK;2026-01-15\r\n;;;;\r\nM-2;500;600;SEK;2026-01-15\r\n;;;;\r\n\"\";;;;\r\n;;;;\r\n", f, name: "mixed.csv")
        let checked = try f.support.importVouchers(file: mixed, actor: "test")
        #expect(!checked.committed && checked.imported == 0 && checked.rows == 3)
        #expect(checked.rejected.map(\.line) == [4, 6], "\(checked.rejected)")
        #expect(checked.rejected.first?.reason.contains("balance 600,00 must be between 0") == true)
        #expect(checked.rejected.last?.reason == "code is empty", "a quoted empty code is a row, and refused")
        let skipped = try f.support.importVouchers(file: mixed, skipInvalid: true, actor: "test")
        #expect(skipped.committed && skipped.imported == 1 && skipped.rejected.map(\.line) == [4, 6])
        let read = try Self.records(try Data(contentsOf: URL(fileURLWithPath: mixed)))
        let rejects = try Self.records(SupportService.rejectsCSV(skipped.rejected, header: read.records[0], dialect: read.dialect)).records
        #expect(rejects.count == 3 && rejects.dropFirst().map { Array($0.prefix(6)) } == [["M-2", "500", "600", "SEK", "2026-01-15", "4"], ["", "", "", "", "", "6"]],
                "\(rejects)")
    }

    /// A header with both separators cannot be read either way: the error says so and what to do.
    @Test func aHeaderMixingCommasAndSemicolons_isRefused_namingTheCause() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let path = try write("code;value;balance,currency,issued\nM-1;500;500,SEK,2025-01-10\n", f)
        #expect {
            _ = try f.support.importVouchers(file: path, actor: "test")
        } throws: { error in
            let text = (error as? SupportError)?.description ?? ""
            return text.contains("both commas and semicolons") && text.contains("one of them")
        }
        #expect(try f.ledger.store.countVouchers() == 0)
    }

    /// Every report's CSV is a clean table (every row as many cells as the header) that carries
    /// what the table output says under it about the whole report: as of when, over which period,
    /// and whether it balances.
    @Test func everyReportCSV_isOneTable_withItsAsOfAndCheckInColumns() throws {
        let f = try SupportFixture(book: true)
        var reports: [any TabularReport] = try ReportName.asOfNow.map { try f.support.report($0) }
        reports.append(try f.support.rollForwardReport(from: LocalDate(iso: "2025-01-01")!, to: LocalDate(iso: "2025-12-31")!, timeZone: "UTC"))
        for report in reports {
            let records = try Self.records(report.table.csv).records
            let header = records[0]
            #expect(header.suffix(report.table.context.count) == ArraySlice(report.table.context.map(\.name)))
            #expect(records.count > 1, "\(report.table.title)")
            for row in records.dropFirst() {
                #expect(row.count == header.count, "\(report.table.title): \(row)")
                #expect(row[header.firstIndex(of: "as_of")!] == "2026-11-23T10:00:00Z", "\(report.table.title)")
            }
        }
        let rec = try Self.records(try f.support.reconciliation().table.csv).records
        #expect(rec[0].last == "balanced" && rec.dropFirst().allSatisfy { $0.last == "true" })
        let rf = try f.support.rollForwardReport(from: LocalDate(iso: "2025-01-01")!, to: LocalDate(iso: "2025-12-31")!, timeZone: "Europe/Stockholm")
        let rows = try Self.records(rf.table.csv).records
        #expect(rows[0] == ["currency", "line", "amount", "as_of", "from", "to", "time_zone", "opening_at", "closing_at", "balanced"])
        #expect(Array(rows[1].suffix(7)) == ["2026-11-23T10:00:00Z", "2025-01-01", "2025-12-31", "Europe/Stockholm",
                                             "2024-12-31T23:00:00Z", "2025-12-31T23:00:00Z", "true"])
    }

    /// The footer figures a program reading the CSV needs come as columns too. The part of a month's
    /// balance still claimable as payout is that row's (liability: "of which"; breakage: left out
    /// of it, so a month whose whole balance is claimable has a row of 0.00 breakage); the goodwill
    /// report's referred and denied counts are the whole report's, in every row.
    @Test func theFooterFigures_areColumnsOfTheCSV() throws {
        let f = try PayoutLiabilityTests.expiredVoucher(jurisdiction: "DK", now: "2026-04-15T10:00:00Z")
        try f.issue(100, .sek, holder: "per@example.se")
        let columns = ["payout_claimable_vouchers", "payout_claimable_amount", "as_of"]
        #expect(try Self.records(f.support.liabilityReport().table.csv).records == [
            ["currency", "expiry_month", "vouchers", "amount"] + columns,
            ["DKK", "2026-01", "1", "500.00", "1", "500.00", "2026-04-15T10:00:00Z"],
            ["SEK", "2027-04", "1", "100.00", "0", "0.00", "2026-04-15T10:00:00Z"],
        ])
        #expect(try Self.records(f.support.breakageReport().table.csv).records == [
            ["currency", "month", "vouchers", "amount"] + columns,
            ["DKK", "2026-01", "0", "0.00", "1", "500.00", "2026-04-15T10:00:00Z"],
        ])
        // The table output is as it was: the claimable part in its footer.
        #expect(try f.support.breakageReport().table.rows.isEmpty)

        let line = GoodwillLine(group: "rule", name: "r1", currency: "SEK", extensions: 2, days: 60, overrides: 1,
                                valueKeptAlive: Money(minorUnits: 12_345, currency: .sek), laterRedeemed: Money(minorUnits: 0, currency: .sek))
        let goodwill = GoodwillReport(asOf: "2026-04-15T10:00:00Z", byRule: [line], byAgent: [], totals: [], overrides: 1, referred: 3, denied: 2)
        let g = try Self.records(goodwill.table.csv).records
        #expect(g == [goodwill.table.header + ["as_of", "referred", "denied"],
                      ["rule", "r1", "SEK", "2", "60", "1", "123.45", "0.00", "2026-04-15T10:00:00Z", "3", "2"]])
    }

    /// With nothing granted the goodwill report has no rows, but its referred and denied counts are
    /// still figures: the CSV gets one `total` row of no extensions (no currency, so no amounts)
    /// to carry them, and `as_of`. The table and JSON are as they were.
    @Test func aGoodwillReport_withNothingGranted_carriesItsCountsInOneTotalRow() throws {
        let none = GoodwillReport(asOf: "2026-04-15T10:00:00Z", byRule: [], byAgent: [], totals: [], overrides: 0, referred: 3, denied: 2)
        let expected = [none.table.header + ["as_of", "referred", "denied"],
                        ["total", "all", "", "0", "0", "0", "", "", "2026-04-15T10:00:00Z", "3", "2"]]
        #expect(try Self.records(none.table.csv).records == expected)
        #expect(try Self.records(none.table.csv(separator: .semicolon)).records == expected)
        #expect(none.table.rows.isEmpty)

        // With something granted, the totals rows are the report's own, and there is no extra row.
        let f = try SupportFixture(book: true)
        let report = try f.support.goodwillReport()
        let records = try Self.records(report.table.csv).records
        #expect(!report.totals.isEmpty && records.count == report.table.rows.count + 1)
        #expect(!records.contains { $0[0] == "total" && $0[2].isEmpty })
    }
}
