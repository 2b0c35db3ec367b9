import Foundation
import GoodwillCore
import Ledger
import Store
import Testing
@testable import Support

@Suite struct ImportExportTests {
    static let header = "code,value,balance,currency,issued,expires,holder_email,holder_name,purchaser_email,purchaser_name,experience,kind\n"

    @Test func oneBadRowAmongTenThousand_importsNothing_andNamesTheRow() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        var text = Self.header
        for i in 1...10_000 {
            let value = i == 7_321 ? "12,50" : "500"   // an unquoted decimal comma splits the field: 13 fields
            text += "LEGACY-\(i),\(value),250,SEK,2025-01-\(String(format: "%02d", i % 28 + 1)),2026-12-31,h\(i % 900)@example.se,Holder \(i),,,,\n"
        }
        let path = try write(text, f)
        let r = try f.support.importVouchers(file: path, actor: "test")
        #expect(!r.committed && r.imported == 0 && r.rows == 10_000)
        #expect(r.rejected.count == 1)
        #expect(r.rejected.first?.line == 7_322)   // the header is line 1
        #expect(r.rejected.first?.code == "LEGACY-7321")
        #expect(r.rejected.first?.reason.contains("13 fields") == true)
        #expect(try f.ledger.store.countVouchers() == 0)
        #expect(try f.ledger.store.countEntries() == 0)
        #expect(try f.ledger.db.scalarInt("SELECT count(*) FROM holders") == 0)
        // With --skip-invalid the 9,999 good rows go in, the bad one is left out and reported.
        let s = try f.support.importVouchers(file: path, skipInvalid: true, actor: "test")
        #expect(s.committed && s.imported == 9_999 && s.rejected.map(\.line) == [7_322])
        #expect(s.holdersCreated == 900)
        #expect(try f.ledger.verify().ok)
        #expect(try f.support.reconciliation().balanced)
        // A second import of the same file finds every code already on file.
        let again = try f.support.importVouchers(file: path, actor: "test")
        #expect(again.imported == 0 && again.rejected.count == 10_000)
        #expect(again.rejected.first?.reason.contains("already on file") == true)
    }

    /// The ledger's times count from 1970; an issue day before then (a year typed 1925 for 2025) is
    /// refused by line, not stored as a negative instant (or, before 1582, a Julian-calendar one).
    @Test func anIssueDayBefore1970_isRefusedByLine() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let path = try write(Self.header + "OLD-1,500,500,SEK,1925-01-10,,,,,,,\nOLD-2,500,500,SEK,1500-03-01T10:00:00Z,,,,,,,\nOK-1,500,500,SEK,1970-01-01,,,,,,,\n", f)
        let r = try f.support.importVouchers(file: path, skipInvalid: true, actor: "test")
        #expect(r.imported == 1 && r.rejected.map(\.line) == [2, 3])
        #expect(r.rejected.first?.reason.contains("issued 1925-01-10 is before 1970-01-01") == true, "\(r.rejected)")
        #expect(try f.ledger.verify().ok)
    }

    /// The bulk path (secondary indexes dropped and built again) ends with the same schema, and a
    /// refused import leaves the indexes where they were.
    @Test func theBulkPath_rebuildsEveryIndex_andARefusedImportKeepsThem() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let schema = { try f.ledger.db.query("SELECT name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY name") { "\($0.text(0)) \($0.optionalText(1) ?? "")" } }
        let before = try schema()
        let good = try write(Self.header + "B-1,500,100,SEK,2025-01-10,2026-01-10,a@example.se,,,,,\nB-2,500,500,SEK,2025-01-10,,,,,,,\n", f)
        let r = try f.support.importVouchers(file: good, actor: "test", rebuildIndexesAbove: 0)
        #expect(r.imported == 2)
        #expect(try schema() == before)
        #expect(try f.ledger.verify().ok)
        let bad = try write(Self.header + "B-3,500,900,SEK,2025-01-10,,,,,,,\n", f, name: "bad.csv")
        #expect(try f.support.importVouchers(file: bad, actor: "test", rebuildIndexesAbove: 0).committed == false)
        #expect(try schema() == before)
        #expect(try f.ledger.store.countVouchers() == 2)
    }

    /// Codes already on file are refused by the writing stage, after the checking stage chained
    /// their entries: the rows after them are chained again, so the ledger still verifies. Rows go
    /// in 32 to a statement (here 101 rows: three full groups and a rest), foreign keys are not
    /// checked row by row but hold afterwards, and are checked again once the import is done.
    @Test func refusedCodesMidFile_areRechained_andForeignKeysHold() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        var first = Self.header
        for i in stride(from: 10, through: 90, by: 10) { first += "R-\(i),500,500,SEK,2025-01-10,2026-01-10,h\(i % 3)@example.se,Holder,,,,\n" }
        #expect(try f.support.importVouchers(file: try write(first, f, name: "first.csv"), actor: "test").imported == 9)
        var text = Self.header
        for i in 1...101 {
            let used = i % 4 == 0 ? "120" : "500"
            text += "R-\(i),500,\(used),SEK,2024-01-10,\(i % 5 == 0 ? "2025-01-10" : "2026-06-30"),h\(i % 7)@example.se,Holder \(i),p\(i % 2)@example.se,,,\n"
        }
        let r = try f.support.importVouchers(file: try write(text, f), skipInvalid: true, actor: "test", rebuildIndexesAbove: 0)
        #expect(r.committed && r.imported == 92 && r.rejected.map(\.line) == Array(stride(from: 11, through: 91, by: 10)))  // R-10 is on line 11
        #expect(try f.ledger.store.countVouchers() == 101)
        #expect(try f.ledger.verify().ok)
        #expect(try f.support.reconciliation().balanced)
        #expect(try f.ledger.db.query("PRAGMA foreign_key_check") { $0.text(0) }.isEmpty)
        #expect(try f.ledger.db.scalarInt("PRAGMA foreign_keys") == 1)
        // Holders on file before the import are found again, not made twice.
        #expect(try f.ledger.db.scalarInt("SELECT count(*) FROM holders") == 9)
        #expect(try f.ledger.voucherView(VoucherReference("R-44")).balance == Money(minorUnits: 12_000, currency: .sek))
        #expect(try f.ledger.voucherView(VoucherReference("R-45")).status == .expired)
    }

    @Test func theFastPaths_agreeWithTheGeneralRoutines() throws {
        for code in ["old-0001", "OLD 00O1", "abc-il-lo", "X-ÅÄÖ-1", " a b ", "UUU", "o0Ii1Ll"] {
            #expect(FastText.codeKey(code) == VoucherCode.normalize(code), "\(code)")
        }
        for text in ["0", "5", "499.5", "499.50", "12345678901234567", "1.234", ".5", "5.", "", "1.2.3", "99999999999999999999", "0.05"] {
            let general = try? Money.parse(text, currency: .sek)
            let fast = FastText.money(text, currency: .sek)
            if let fast { #expect(fast == general, "\(text)") }
        }
        #expect(FastText.money("499.5", currency: .sek) == Money(minorUnits: 49_950, currency: .sek))
        #expect(FastText.trimmed("  a b\t") == "a b")
        for e in ["a@b.se", "a@b", "@b.se", "a@.b.se", "a@b.se.", "a@@b.se", "a b@c.se", "åsa@b.se", "a@b.se\u{0B}", "a.b@c", "a@b.c@d.e", "x@y.z", "x@x.se\u{0}", "x@x.se\u{1B}[31m", "x@x.se\u{7F}", "x\u{202E}@x.se", "x\u{200B}@x.se"] {
            #expect(FastText.plausibleEmail(e) == Holder.isPlausible(email: e), "\(e)")
        }
        for d in ["2025-01-31", "2025-02-30", "2024-02-29", "25-01-01", "2025-1-01", "2025-01-0x", "0000-00-00"] {
            #expect(FastText.localDate(d) == LocalDate(iso: d), "\(d)")
        }
        let ids = (0..<1000).map { _ in VoucherID.generate().rawValue }
        #expect(Set(ids).count == 1000 && ids.allSatisfy { VoucherID.parse($0) != nil && $0.count == 29 })
        #expect(FastText.hasNoControlCharacters("line\nbreak") && !FastText.hasNoControlCharacters("bell\u{7}"))
        #expect(!FastText.hasNoControlCharacters("bell\u{85}é"))
    }

    /// The writing stage fails part-way (a disk-full error, simulated by a trigger) while the
    /// checking stage is ahead of it: the import stops without hanging and nothing is stored.
    @Test func aWriteFailureMidImport_stopsBothStages_andStoresNothing() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        var text = Self.header
        for i in 1...40_000 { text += "W-\(i),500,500,SEK,2025-01-10,2026-01-10,,,,,,\n" }
        let path = try write(text, f)
        try f.ledger.db.execute("""
            CREATE TRIGGER simulated_disk_full BEFORE INSERT ON vouchers WHEN (SELECT count(*) FROM vouchers) >= 3000
            BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END;
            """)
        #expect(throws: DatabaseError.self) { try f.support.importVouchers(file: path, actor: "test") }
        #expect(try f.ledger.store.countVouchers() == 0 && f.ledger.store.countEntries() == 0)
        try f.ledger.db.execute("DROP TRIGGER simulated_disk_full")
        #expect(try f.support.importVouchers(file: path, actor: "test").imported == 40_000)
        #expect(try f.ledger.verify().ok)
    }

    @Test func quotedFields_oldCodes_andPartlyUsedBalances_comeInAsTheLedgerWouldWriteThem() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let path = try write(Self.header + """
            old-0001,500,500,SEK,2025-01-10,2026-01-10,anna@example.se,"Berg, Anna",,,,\r
            OLD-0002,1000,250.50,SEK,2024-06-01,2026-06-01,bo@example.se,Bo,erik@example.se,Erik,"Spa day, with ""lunch""
            and dinner",experience\r
            OLD-0003,300,0,EUR,2025-03-01,,,,,,,\r
            OLD-0004,200,200,SEK,2023-01-01,2024-01-01,anna@example.se,,,,,\r

            """, f)
        let r = try f.support.importVouchers(file: path, actor: "test")
        #expect(r.committed && r.imported == 4 && r.rejected.isEmpty, "\(r.rejected)")
        #expect(r.holdersCreated == 3)
        // The old code is kept as written and found however it is typed.
        let v1 = try f.ledger.voucherView(VoucherReference("OLD-0001"))
        #expect(v1.code == "old-0001" && v1.holder?.name == "Berg, Anna" && v1.status == .active)
        let v2 = try f.ledger.voucherView(VoucherReference("old0002"))
        #expect(v2.experience == "Spa day, with \"lunch\"\nand dinner")
        #expect(v2.balance == Money(minorUnits: 25_050, currency: .sek) && v2.purchaser?.email == "erik@example.se")
        #expect(try f.ledger.entries(of: VoucherReference(v2.id)).map(\.kind) == [.issued, .redeemed])
        let v3 = try f.ledger.voucherView(VoucherReference("OLD-0003"))
        #expect(v3.status == .redeemed && v3.expiresAt == nil)
        let v4 = try f.ledger.voucherView(VoucherReference("OLD-0004"))
        #expect(v4.status == .expired)
        #expect(try f.ledger.verify().ok)
        #expect(try f.support.reconciliation().balanced)
        #expect(try f.support.breakageReport().totals.map(\.amount) == [Money(minorUnits: 20_000, currency: .sek)])
    }

    /// A file written on Windows ends every line in CRLF, the line breaks inside quoted fields
    /// too (RFC 4180 calls both a line break): such a break is text, read as one "\n", not a
    /// control character that refuses the row.
    @Test func aCRLFInsideAQuotedField_isALineBreak_notAControlCharacter() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let path = try write("code,value,balance,currency,issued,holder_email,holder_name,experience\r\n"
            + "W-1,500,500,SEK,2025-01-10,anna@example.se,Anna Berg,\"Spa day\r\nfor two\"\r\n"
            + "W-2,500,500,SEK,2025-01-10,,,x\"y\r\n", f)
        let r = try f.support.importVouchers(file: path, skipInvalid: true, actor: "test")
        #expect(r.imported == 1 && r.rejected.map(\.line) == [4], "\(r.rejected)")
        #expect(try f.ledger.voucherView(VoucherReference("W-1")).experience == "Spa day\nfor two")
    }

    /// An imported book brings customers of many years: a holder was first seen when the first of
    /// their vouchers was issued, not on the day of the import, so the support view says "since
    /// 2016 (9 years)" and begins its timeline with them joining, not after their first purchase.
    @Test func importedHolders_wereFirstSeenAtTheirFirstVoucher_notAtTheImport() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        try f.issue(500, holder: "bo@example.se", name: "Bo Ek")   // on file since today
        let path = try write(Self.header + """
            H-1,500,500,SEK,2019-05-02,,anna@example.se,Anna Berg,,,,
            H-2,500,500,SEK,2016-03-01,,anna@example.se,,,,,
            H-3,500,500,SEK,2020-01-10,,anna@example.se,,bo@example.se,Bo Ek,,
            H-4,500,500,SEK,2018-07-15,,bo@example.se,,,,,

            """, f)
        let r = try f.support.importVouchers(file: path, actor: "test")
        #expect(r.committed && r.imported == 4, "\(r.rejected)")
        let anna = try f.support.holderView("anna@example.se")
        #expect(anna.profile.firstSeen.hasPrefix("2016-02-29T23:00:00"), "\(anna.profile.firstSeen)")   // 1 March, Stockholm
        #expect(anna.profile.tenure == "9 years, 8 months")
        #expect(anna.timeline.last?.kind == "joined")
        // A holder already on file keeps the earlier of the two.
        let bo = try f.support.holderView("bo@example.se")
        #expect(bo.profile.firstSeen.hasPrefix("2018-07-14T22:00:00"), "\(bo.profile.firstSeen)")
        #expect(bo.timeline.last?.kind == "joined")
        #expect(try f.ledger.verify().ok)
    }

    @Test func eachKindOfBadRow_isNamedWithItsReason() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let path = try write(Self.header + """
            ,500,500,SEK,2025-01-10,,,,,,,
            A2,500,600,SEK,2025-01-10,,,,,,,
            A3,500,500,XXX,2025-01-10,,,,,,,
            A4,500,500,SEK,2025-13-10,,,,,,,
            A5,500,500,SEK,2025-01-10,2024-01-01,,,,,,
            A6,500,500,SEK,2025-01-10,,not-an-email,,,,,
            A7,500,500,SEK,2025-01-10,,,Name Without Email,,,,
            A8,500,500,SEK,2026-01-10,,,,,,,
            A9,0,0,SEK,2025-01-10,,,,,,,
            A10,500,500,SEK,2025-01-10,,,,,,,gift
            A12,10000000000.01,0,SEK,2025-01-10,,,,,,,
            A11,500,500,SEK,2025-01-10,,,,,,,"x"y

            """, f)
        let r = try f.support.importVouchers(file: path, actor: "test")
        #expect(r.imported == 0 && !r.committed)
        let reasons = Dictionary(uniqueKeysWithValues: r.rejected.map { ($0.line, $0.reason) })
        #expect(reasons[2]?.contains("code is empty") == true)
        #expect(reasons[3]?.contains("between 0 and the value") == true)
        #expect(reasons[4]?.contains("currency 'XXX'") == true)
        #expect(reasons[5]?.contains("issued '2025-13-10' is not a day of the calendar") == true)
        #expect(reasons[6]?.contains("before issued") == true)
        #expect(reasons[7]?.contains("email") == true)
        #expect(reasons[8]?.contains("without holder_email") == true)
        #expect(reasons[9]?.contains("in the future") == true)
        #expect(reasons[10]?.contains("more than zero") == true)
        #expect(reasons[11]?.contains("gift_card or experience") == true)
        #expect(reasons[12]?.contains("more than a voucher may hold (10000000000.00)") == true)
        #expect(reasons[13]?.contains("after a closing double quote") == true)
        #expect(r.rejected.count == 12)
    }

    /// A stray quote spoils its own row only; the rows after it are read (and with --skip-invalid
    /// imported). An unclosed quote takes the rest of the file, so nothing is imported at all.
    @Test func aStrayQuoteRejectsItsRow_anUnclosedQuoteRejectsTheFile() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let stray = try write(Self.header + """
            B1,500,500,SEK,2025-01-10,,,,,,,"x"y
            B2,500,500,SEK,2025-01-10,,,,,,"a ""quoted""
            line break, after the error",
            B3,500,500,XXX,2025-01-10,,,,,,,
            B4,500,500,SEK,2025-01-10,,,,,,,
            B5,500,5"00,SEK,2025-01-10,,,,,,,
            B6,500,500,SEK,2025-01-10,,,,,,,

            """, f)
        let checked = try f.support.importVouchers(file: stray, actor: "test")
        #expect(!checked.committed && checked.imported == 0)
        let reasons = Dictionary(uniqueKeysWithValues: checked.rejected.map { ($0.line, $0.reason) })
        #expect(reasons[2]?.contains("after a closing double quote") == true)
        #expect(reasons[5]?.contains("currency 'XXX'") == true, "\(reasons)")
        #expect(reasons[7]?.contains("does not start with one") == true, "\(reasons)")
        #expect(checked.rejected.count == 3 && checked.rows == 6)

        let skipped = try f.support.importVouchers(file: stray, skipInvalid: true, actor: "test")
        #expect(skipped.committed && skipped.imported == 3 && skipped.rejected.count == 3)
        #expect(try f.ledger.store.countVouchers() == 3)

        let unclosed = try write(Self.header + """
            C1,500,500,SEK,2025-01-10,,,,,,,
            C2,500,500,SEK,2025-01-10,,,,,,"never closed,
            C3,500,500,SEK,2025-01-10,,,,,,,

            """, f, name: "unclosed.csv")
        #expect {
            try f.support.importVouchers(file: unclosed, skipInvalid: true, actor: "test")
        } throws: { error in
            "\(error)".contains("line 3: a quoted field is never closed") && "\(error)".contains("nothing was imported")
        }
        #expect(try f.ledger.store.countVouchers() == 3)
    }

    /// Two stray quotes in one field: the row ends at its line break as any other row, and the
    /// rows after it are read. (A second scanner that skipped the rest of a failed row took the
    /// second quote for an opening one and swallowed every row after it.)
    @Test func aFieldWithTwoStrayQuotes_spoilsOnlyItsRow() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let file = try write(Self.header + """
            D1,500,500,SEK,2025-01-10,,,,,,He said "hi" there,
            D2,500,500,SEK,2025-01-10,,,,,,,
            D3,500,500,SEK,2025-01-10,,,,,,,

            """, f)
        let r = try f.support.importVouchers(file: file, skipInvalid: true, actor: "test")
        #expect(r.committed && r.imported == 2 && r.rejected.map(\.line) == [2], "\(r.rejected)")
        #expect(r.rejected.first?.reason.contains("does not start with one") == true)
    }

    /// Excel's plain "CSV" is saved in a Windows or Mac code page, not UTF-8: "Åsa" is the one
    /// byte C5. Such a row is refused with a reason that says what to do, not stored as "\u{FFFD}sa".
    @Test func aRowThatIsNotUTF8_isRefused_notStoredWithAReplacementCharacter() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let path = f.folder.appendingPathComponent("windows.csv")
        var bytes = Data((Self.header + "E1,500,500,SEK,2025-01-10,,asa@example.se,").utf8)
        bytes += [0xC5] + Data("sa Berg,,,,\nE2,500,500,SEK,2025-01-10,,bo@example.se,Bo,,,,\n".utf8)
        try bytes.write(to: path)
        let r = try f.support.importVouchers(file: path.path, actor: "test")
        #expect(!r.committed && r.rejected.map(\.line) == [2], "\(r.rejected)")
        #expect(r.rejected.first?.reason.contains("field 8 is not UTF-8") == true, "\(r.rejected)")
        #expect(r.rejected.first?.reason.contains("save it as CSV UTF-8") == true)
        let s = try f.support.importVouchers(file: path.path, skipInvalid: true, actor: "test")
        #expect(s.committed && s.imported == 1 && s.rejected.map(\.line) == [2])
        #expect(try f.ledger.db.query("SELECT name FROM holders") { $0.optionalText(0) } == ["Bo"])
        // A file that starts with a UTF-8 byte-order mark (Excel's "CSV UTF-8") is read as before.
        let bom = f.folder.appendingPathComponent("bom.csv")
        try (Data([0xEF, 0xBB, 0xBF]) + Data((Self.header + "E3,500,500,SEK,2025-01-10,,asa@example.se,Åsa Berg,,,,\n").utf8)).write(to: bom)
        #expect(try f.support.importVouchers(file: bom.path, actor: "test").imported == 1)
        #expect(try f.ledger.voucherView(VoucherReference("E3")).holder?.name == "Åsa Berg")
    }

    @Test func exports_streamEveryRow_inCSVAndJSONLines() throws {
        let f = try SupportFixture(book: true)
        var csv = ""
        let rows = try f.support.export(.entries, format: .csv) { csv += $0 }
        #expect(rows == Int(try f.ledger.store.countEntries()))
        let parsed = try Data(csv.utf8).withUnsafeBytes { raw -> [[String]] in
            var reader = CSVReader(bytes: raw)
            var out: [[String]] = []
            while let r = try reader.next() { out.append(r.fields) }
            return out
        }
        #expect(parsed.first == SupportService.entryExportColumns)
        #expect(parsed.count == rows + 1)
        #expect(parsed.dropFirst().allSatisfy { $0.count == SupportService.entryExportColumns.count })
        // The amounts in the export add up to the balances on the voucher rows.
        let sum = parsed.dropFirst().filter { $0[7] == "SEK" }.map { Int64($0[5]) ?? 0 }.reduce(0, +)
        #expect(sum == (try f.ledger.db.scalarInt("SELECT sum(balance) FROM vouchers WHERE currency = 'SEK'")))
        var lines: [String] = []
        let n = try f.support.export(.vouchers, format: .jsonl) { lines.append($0) }
        #expect(n == 3000 && lines.count == 3000)
        for line in lines.prefix(50) {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["code"] is String && object?["balance"] is Int)
        }
    }
}
