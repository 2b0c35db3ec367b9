import Foundation
import Testing

/// The finance team's CSV files as they go into and come out of a spreadsheet, from the command line.
@Suite struct SpreadsheetCLITests {
    static let bom = Data([0xEF, 0xBB, 0xBF])

    /// Excel set to Swedish saves "CSV UTF-8" with a byte-order mark, semicolons between fields and
    /// decimal commas. It is imported as such; the rejects file goes back the same way, and once
    /// fixed in the spreadsheet it imports.
    @Test func aSemicolonBookFromExcel_imports_andItsRejectsGoBackTheSameWay() throws {
        let cli = CLIRunner(now: "2026-11-23T10:00:00Z")
        let file = cli.folder.appendingPathComponent("book.csv")
        let rejects = cli.folder.appendingPathComponent("rejects.csv")
        let header = "code;value;balance;currency;issued;holder_email;holder_name"
        try (Self.bom + Data("""
            \(header)\r
            A-1;499,50;499,50;SEK;2026-01-01;per@example.se;"Lind; Per"\r
            A-2;499,50;600;SEK;2026-01-01;anna@example.se;-Anna, Berg\r

            """.utf8)).write(to: file)
        let r = try cli.run(["import", "vouchers", file.path, "--skip-invalid", "--rejects", rejects.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("separated by semicolons") && r.stdout.contains("Imported 1 of 2"), "\(r.stdout)")
        let a1 = try cli.json(["show", "A-1"])
        #expect((a1["value"] as? [String: Any])?["amount"] as? Int == 49_950 && (a1["holder"] as? [String: Any])?["name"] as? String == "Lind; Per")

        let written = try Data(contentsOf: rejects)
        #expect(written.starts(with: Self.bom))
        let text = String(decoding: written.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix(header + ";line;reason\r\nA-2;499,50;600;SEK;2026-01-01;anna@example.se;'-Anna, Berg;3;"), "\(text)")

        // Fixed in the spreadsheet: the balance, and the line and reason columns taken out.
        let fixed = Self.bom + Data("\(header)\r\nA-2;499,50;250,25;SEK;2026-01-01;anna@example.se;'-Anna, Berg\r\n".utf8)
        try fixed.write(to: rejects)
        let again = try cli.run(["import", "vouchers", rejects.path])
        #expect(again.status == 0, "\(again.stderr)")
        let a2 = try cli.json(["show", "A-2"])
        #expect((a2["balance"] as? [String: Any])?["amount"] as? Int == 25_025 && (a2["holder"] as? [String: Any])?["name"] as? String == "-Anna, Berg")
        #expect(try cli.run(["verify"]).status == 0)
    }

    /// A first line `sep=;` names the separator, as Excel reads it; the rejects file starts with it
    /// too (after the byte-order mark), so it opens the same way.
    @Test func aBookWithASepLine_imports_andItsRejectsKeepTheLine() throws {
        let cli = CLIRunner(now: "2026-11-23T10:00:00Z")
        let file = cli.folder.appendingPathComponent("book.csv")
        let rejects = cli.folder.appendingPathComponent("rejects.csv")
        let header = "code;value;balance;currency;issued"
        try (Self.bom + Data("sep=;\r\n\(header)\r\nS-1;499,50;499,50;SEK;15.01.2026\r\nS-2;499,50;600;SEK;2026-01-15\r\n".utf8)).write(to: file)
        let r = try cli.run(["import", "vouchers", file.path, "--skip-invalid", "--rejects", rejects.path])
        #expect(r.status == 0 && r.stdout.contains("Imported 1 of 2") && r.stdout.contains("line 4:"), "\(r.stdout) \(r.stderr)")
        let written = try Data(contentsOf: rejects)
        #expect(written.starts(with: Self.bom))
        let text = String(decoding: written.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("sep=;\r\n\(header);line;reason\r\nS-2;499,50;600;SEK;2026-01-15;4;"), "\(text)")
        let s1 = try cli.json(["show", "S-1"])
        #expect((s1["value"] as? [String: Any])?["amount"] as? Int == 49_950)
    }

    /// A book saved by a spreadsheet with rows of separators alone below the data (cells cleared
    /// or formatted there) imports: those rows are skipped as blank lines are, and are not in the
    /// rejects file; a bad row after them is named by its own line.
    @Test func rowsOfSeparatorsAlone_doNotRefuseTheBook_norFillTheRejects() throws {
        let cli = CLIRunner(now: "2026-11-23T10:00:00Z")
        let file = cli.folder.appendingPathComponent("c.csv")
        let rejects = cli.folder.appendingPathComponent("rejects.csv")
        try "code;value;balance;currency;issued\r\nC-1;499,50;120,25;SEK;15.01.2026\r\nC-2;500;500;SEK;2026-01-15\r\n;;;;\r\n;;;;\r\n".write(to: file, atomically: true, encoding: .utf8)
        let r = try cli.run(["import", "vouchers", file.path])
        #expect(r.status == 0 && r.stdout.contains("Imported 2 of 2"), "\(r.stdout) \(r.stderr)")

        try "code;value;balance;currency;issued\r\n;;;;\r\nC-3;500;500;SEK;2026-01-15\r\n;;;;\r\nC-4;500;600;SEK;2026-01-15\r\n;;;;\r\n".write(to: file, atomically: true, encoding: .utf8)
        let s = try cli.run(["import", "vouchers", file.path, "--skip-invalid", "--rejects", rejects.path])
        #expect(s.status == 0 && s.stdout.contains("Imported 1 of 2") && s.stdout.contains("line 5:"), "\(s.stdout) \(s.stderr)")
        let text = try String(contentsOf: rejects, encoding: .utf8)
        #expect(text.hasPrefix("code;value;balance;currency;issued;line;reason\r\nC-4;500;600;SEK;2026-01-15;5;"), "\(text)")
        #expect(text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 2, "\(text)")
    }

    /// A report's CSV is a table a program can read, and still says what the footer of the table
    /// output says about the whole report: as of when, over which period, whether it balances.
    @Test func reportCSV_carriesTheAsOfPeriodAndCheck_asColumns() throws {
        let cli = try SupportCLITests.bookRunner()
        let rf = try cli.run(["report", "rollforward", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "csv"])
        #expect(rf.stdout.hasSuffix(",true\r\n"), "ends with its last row, no blank line after it")
        let lines = rf.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first == "currency,line,amount,as_of,from,to,time_zone,opening_at,closing_at,balanced", "\(rf.stdout.prefix(200))")
        #expect(lines.count > 10 && lines.dropFirst().allSatisfy {
            $0.hasSuffix(",2026-11-23T10:00:00Z,2025-01-01,2025-12-31,UTC,2025-01-01T00:00:00Z,2026-01-01T00:00:00Z,true")
        }, "\(rf.stdout)")
        let rec = try cli.run(["report", "reconciliation", "--format", "csv"]).stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rec.first?.hasSuffix(",difference,as_of,balanced") == true && rec.dropFirst().allSatisfy { $0.hasSuffix(",2026-11-23T10:00:00Z,true") }, "\(rec)")
        let liability = try cli.run(["report", "liability", "--format", "csv"]).stdout
        #expect(liability.hasPrefix("currency,expiry_month,vouchers,amount,payout_claimable_vouchers,payout_claimable_amount,as_of\r\n"), "\(liability.prefix(80))")
        // The goodwill report's referred and denied counts, which only its footer and JSON had.
        let goodwill = try cli.json(["report", "goodwill"])
        let referred = try #require(goodwill["referred"] as? Int), denied = try #require(goodwill["denied"] as? Int)
        let gw = try cli.run(["report", "goodwill", "--format", "csv"]).stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(gw.count > 1 && gw[0].hasSuffix(",as_of,referred,denied") && gw.dropFirst().allSatisfy { $0.hasSuffix(",\(referred),\(denied)") }, "\(gw)")
    }

    /// Excel where the comma is the decimal separator opens a comma file by a double click as one
    /// column. `--separator semicolon` writes the exports as it reads CSV: the same cells,
    /// separated by semicolons; free text still guarded, and quoted where it holds a semicolon.
    /// Amounts are whole minor units, so no decimal mark changes. Without CSV it is refused.
    @Test func exportCSV_bySemicolons_forExcel_andRefusedWithoutCSV() throws {
        let cli = CLIRunner(now: "2026-11-23T10:00:00Z")
        let code = try cli.issue(["--experience", "=Spa; dag för två", "--kind", "experience"])
        #expect(try cli.run(["redeem", code, "--amount", "120.50", "--reference", "Kvitto 7"]).status == 0)
        #expect(try cli.run(["block", code, "--reason", "Chargeback; see case 7"]).status == 0)
        for table in ["entries", "vouchers"] {
            let comma = try cli.run(["export", table])
            let semicolon = try cli.run(["export", table, "--separator", "semicolon"])
            #expect(comma.status == 0 && semicolon.status == 0, "\(table): \(semicolon.stderr)")
            let commaLines = comma.stdout.components(separatedBy: "\r\n"), lines = semicolon.stdout.components(separatedBy: "\r\n")
            #expect(lines.count == commaLines.count && lines.count > 2 && lines.last == "", "\(table): \(semicolon.stdout)")
            #expect(lines.first == commaLines.first?.replacingOccurrences(of: ",", with: ";"), "\(table): \(lines.first ?? "")")
            #expect(try cli.run(["export", table, "--format", "csv", "--separator", "comma"]).stdout == comma.stdout)
            let marked = try cli.run(["export", table, "--format", "csv", "--separator", "semicolon", "--bom"])
            #expect(marked.status == 0 && marked.stdout == "\u{FEFF}" + semicolon.stdout)
        }
        let vouchers = try cli.run(["export", "vouchers", "--separator", "semicolon"]).stdout
        #expect(vouchers.contains(";50000;37950;SEK;") && vouchers.contains(#";experience;"'=Spa; dag för två";"#), "\(vouchers)")
        let entries = try cli.run(["export", "entries", "--separator", "semicolon"]).stdout
        #expect(entries.contains(";redeemed;-12050;37950;SEK;") && entries.contains(#";"Chargeback; see case 7";"#), "\(entries)")
        #expect(entries.contains(";Kvitto 7;"), "\(entries)")

        let before = try cli.snapshot()
        for arguments in [["export", "entries", "--format", "jsonl", "--separator", "semicolon"],
                          ["export", "vouchers", "--json", "--separator", "semicolon"]] {
            let refused = try cli.run(arguments)
            #expect(refused.status == 64 && refused.stderr.contains("--separator goes with CSV"), "\(arguments): \(refused.stderr)")
            #expect(refused.stdout.isEmpty)
        }
        let unknown = try cli.run(["export", "entries", "--separator", "tab"])
        #expect(unknown.status == 64 && unknown.stderr.contains("semicolon") && unknown.stdout.isEmpty, "\(unknown.stderr)")
        #expect(try cli.snapshot() == before)
    }

    /// A goodwill report with nothing granted still tells a CSV reader how many decisions were
    /// referred to a person and denied: one `total` row of no extensions carries them.
    @Test func goodwillCSV_withNothingGranted_stillCarriesTheReferredAndDeniedCounts() throws {
        let cli = CLIRunner(now: "2025-04-02T09:00:00Z")
        let code = try cli.issue()
        #expect(try cli.run(["extend", code, "--reason", "abroad"], env: ["GOODWILL_NOW": "2026-06-20T08:30:00Z"]).status == 1)
        let report = try cli.json(["report", "goodwill"])
        let referred = try #require(report["referred"] as? Int), denied = try #require(report["denied"] as? Int)
        #expect(referred == 1 && (report["totals"] as? [Any])?.isEmpty == true, "\(report)")
        let csv = try cli.run(["report", "goodwill", "--format", "csv"])
        #expect(csv.status == 0)
        #expect(csv.stdout == "group,name,currency,extensions,days,overrides,value_kept_alive,later_redeemed,as_of,referred,denied\r\n"
                + "total,all,,0,0,0,,,2025-04-02T09:00:00Z,\(referred),\(denied)\r\n", "\(csv.stdout)")
        let table = try cli.run(["report", "goodwill"])
        #expect(table.stdout.contains("(nothing)") && table.stdout.contains("referred to a person: \(referred); denied: \(denied)"), "\(table.stdout)")
    }

    /// Excel opens a CSV by a double click in the machine's code page unless it starts with a
    /// byte-order mark: `--bom` writes one, for reports and exports; other formats refuse it.
    @Test func bom_startsTheCSVWithAByteOrderMark_forExcel() throws {
        let cli = try SupportCLITests.bookRunner()
        let report = try cli.run(["report", "liability", "--format", "csv", "--bom"])
        #expect(report.status == 0 && report.stdout.hasPrefix("\u{FEFF}currency,expiry_month,"), "\(report.stdout.prefix(40))")
        #expect(try cli.run(["report", "liability", "--format", "csv"]).stdout.hasPrefix("currency,"))
        let export = try cli.run(["export", "vouchers", "--bom"])
        #expect(export.status == 0 && export.stdout.hasPrefix("\u{FEFF}id,") && export.stdout.filter { $0 == "\u{FEFF}" }.count == 1)
        for arguments in [["report", "liability", "--bom"], ["report", "rollforward", "--from", "2025-01-01", "--to", "2025-01-31", "--json", "--bom"],
                          ["export", "entries", "--format", "jsonl", "--bom"]] {
            let refused = try cli.run(arguments)
            #expect(refused.status == 64 && refused.stderr.contains("--bom goes with"), "\(arguments): \(refused.stderr)")
            #expect(refused.stdout.isEmpty)
        }
    }
}
