import Foundation
import GoodwillCore
import RepositoryFiles
import Testing

@Suite(.serialized)
struct CLITourTests {
    @Test func theReadmeTour_works() throws {
        let cli = CLIRunner()
        let issued = try cli.json(["issue", "--amount", "500", "--currency", "SEK", "--valid-months", "12",
                                   "--time-zone", "Europe/Stockholm", "--holder-email", "anna@example.com",
                                   "--holder-name", "Anna Lind", "--holder-locale", "sv",
                                   "--experience", "Rooftop walk for two", "--kind", "experience"])
        let code = try #require(issued["code"] as? String)
        #expect(issued["status"] as? String == "active")
        #expect((issued["value"] as? [String: Any])?["amount"] as? Int == 50000)
        #expect((issued["value"] as? [String: Any])?["currency"] as? String == "SEK")
        #expect(issued["expires_at"] as? String == "2026-04-02T22:00:00Z")
        #expect(issued["time_zone"] as? String == "Europe/Stockholm")
        #expect(issued["kind"] as? String == "experience")
        #expect(issued["experience"] as? String == "Rooftop walk for two")
        #expect((issued["holder"] as? [String: Any])?["email"] as? String == "anna@example.com")
        #expect(issued.keys.contains("purchaser"))

        let redeemed = try cli.run(["redeem", code, "--amount", "120.50", "--reference", "booking 7"])
        #expect(redeemed.status == 0, "\(redeemed.stderr)")
        #expect(redeemed.stdout.contains("Balance now 379.50 SEK"))

        let shown = try cli.json(["show", code.lowercased()])
        #expect((shown["balance"] as? [String: Any])?["amount"] as? Int == 37950)

        let entries = try cli.run(["entries", code])
        #expect(entries.stdout.contains("issued"))
        #expect(entries.stdout.contains("redeemed"))
        #expect(entries.stdout.contains("ref booking 7"))

        let verify = try cli.run(["verify"])
        #expect(verify.status == 0)
        #expect(verify.stdout.hasPrefix("OK: 1 voucher and 2 entries verified"))
    }

    /// The reviewer's reproduction: this instant was stored as .706 and verify then called the
    /// untouched ledger tampered with.
    @Test func aVoucherIssuedAtAnyMillisecond_keepsIt_andVerifies() throws {
        let cli = CLIRunner(now: "2039-07-04T11:34:43.707Z")
        let issued = try cli.json(["issue", "--amount", "1", "--currency", "SEK"])
        #expect(issued["issued_at"] as? String == "2039-07-04T11:34:43.707Z")
        let verify = try cli.run(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.hasPrefix("OK: 1 voucher and 1 entry verified"))
    }

    @Test func anOverriddenClock_isAnnouncedOnStderr() throws {
        let cli = CLIRunner(now: "2026-04-16T09:00:00Z")
        let r = try cli.run(["list"])
        #expect(r.stderr.contains("warning: the clock is overridden by GOODWILL_NOW=2026-04-16T09:00:00Z"))
        let bad = try cli.run(["list"], env: ["GOODWILL_NOW": "yesterday"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("is not an RFC 3339 time"))
        // Before 1970 a voucher would be issued at a negative instant: refused, nothing stored.
        let early = try cli.run(["issue", "--amount", "5", "--currency", "SEK"], env: ["GOODWILL_NOW": "1969-12-31T23:59:59Z"])
        #expect(early.status == 64 && early.stderr.contains("is before 1970-01-01"), "\(early.stderr)")
        #expect(try cli.run(["issue", "--amount", "5", "--currency", "SEK"], env: ["GOODWILL_NOW": "1970-01-01T00:00:00Z"]).status == 0)
        #expect((try cli.json(["list"])["vouchers"] as? [Any])?.count == 1)
    }

    @Test func listFilters_byStatusAndExpiry() throws {
        let cli = CLIRunner()
        let soon = try cli.issue(["--expires", "2025-04-20"])
        _ = try cli.issue(["--valid-months", "12"])
        let used = try cli.issue()
        try cli.run(["redeem", used, "--amount", "500"])
        let expiring = try cli.json(["list", "--expiring-within", "30"])
        #expect((expiring["vouchers"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == [soon])
        let redeemed = try cli.json(["list", "--status", "redeemed"])
        #expect((redeemed["vouchers"] as? [[String: Any]])?.count == 1)
    }

    @Test func helpAndVersion_goToStdout() throws {
        let cli = CLIRunner(now: nil)
        let help = try cli.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("SUBCOMMANDS:"))
        #expect(help.stdout.contains("redeem"))
        let sub = try cli.run(["help", "redeem"])
        #expect(sub.stdout == (try cli.run(["redeem", "--help"])).stdout)
        #expect(sub.stdout.contains("USAGE: goodwill redeem --amount <amount>"))
        #expect(try cli.run(["--version"]).stdout == "0.1.0\n")
    }
}

/// Each kind of bad input: a clear message, the right exit code, and the database unchanged.
@Suite(.serialized)
struct CLIBadInputTests {
    func expectRefused(_ cli: CLIRunner, _ args: [String], status: Int32, saying text: String) throws {
        let before = try cli.snapshot()
        let r = try cli.run(args)
        #expect(r.status == status, "\(args): \(r.stderr)")
        #expect(r.stderr.contains(text), "\(args): \(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(try cli.snapshot() == before, "\(args) changed the database")
    }

    @Test func badInput_isRefusedClearly_andChangesNothing() throws {
        let cli = CLIRunner()
        let code = try cli.issue()
        var typo = Array(code)
        typo[2] = typo[2] == "A" ? "B" : "A"
        let unknown = VoucherCode.generate().display
        try expectRefused(cli, ["redeem", "ZZZZ-ZZZZ", "--amount", "1"], status: 1, saying: "voucher codes have 17")
        try expectRefused(cli, ["redeem", String(typo), "--amount", "1"], status: 1, saying: "typo")
        try expectRefused(cli, ["redeem", unknown, "--amount", "1"], status: 1, saying: "No voucher has the code")
        try expectRefused(cli, ["redeem", code, "--amount", "1.234"], status: 64, saying: "more decimals than SEK allows")
        try expectRefused(cli, ["redeem", code, "--amount", "-5"], status: 64, saying: "--amount")
        try expectRefused(cli, ["redeem", code, "--amount", "0"], status: 64, saying: "more than zero")
        try expectRefused(cli, ["redeem", code, "--amount", "600"], status: 1, saying: "has 500.00 SEK left")
        try expectRefused(cli, ["issue", "--amount", "99999999999999999999", "--currency", "SEK"], status: 64, saying: "--amount")
        try expectRefused(cli, ["issue", "--amount", "5", "--currency", "XXY"], status: 64, saying: "not a currency Goodwill knows")
        try expectRefused(cli, ["issue", "--amount", "5", "--currency", "SEK", "--expires", "2025-01-01"], status: 1, saying: "before the day of issue")
        try expectRefused(cli, ["issue", "--amout", "5", "--currency", "SEK"], status: 64, saying: "Did you mean '--amount'?")
        try expectRefused(cli, ["reedem", code], status: 64, saying: "Did you mean 'redeem'?")
        try expectRefused(cli, ["reverse", "abc"], status: 64, saying: "The entry ID is a number")
    }

    /// README: a usage error says "did you mean"; for a misspelt value of a closed set too.
    @Test func aMisspeltValueOfAClosedSet_getsADidYouMean() throws {
        let cli = CLIRunner()
        _ = try cli.issue()
        try expectRefused(cli, ["keys", "create", "--role", "redemer", "--name", "x"], status: 64, saying: "Did you mean 'redeemer'?")
        try expectRefused(cli, ["report", "liability", "--format", "jsn"], status: 64, saying: "Did you mean 'json'?")
        try expectRefused(cli, ["reminders", "list", "--status", "pendng"], status: 64, saying: "Did you mean 'pending'?")
        try expectRefused(cli, ["policy", "jurisdiction", "SWE"], status: 64,
                          saying: "Error: 'SWE' is not a shipped jurisdiction. Did you mean 'SE'? Use one of DE, DK, FI, GB, IE, NO, SE, US, US-CA, US-NY, US-WA, or give a preset file.")
        try expectRefused(cli, ["policy", "jurisdiction", "us-cal"], status: 64, saying: "Did you mean 'US-CA'?")
        let far = try cli.run(["policy", "jurisdiction", "ATLANTIS"])
        #expect(far.status == 64 && far.stderr.contains("'ATLANTIS' is not a shipped jurisdiction. Use one of"), "\(far.stderr)")
        // Refused before a database is opened: a misspelt code on a mistyped path creates nothing.
        let typo = cli.folder.appendingPathComponent("typo.db").path
        #expect(try cli.run(["policy", "jurisdiction", "SWE", "--db", typo]).status == 64)
        #expect(!FileManager.default.fileExists(atPath: typo))
    }

    /// SQLite opens "" and ":memory:" (and a `file:` URI with mode=memory) as a database that is
    /// gone when the process ends: a voucher "issued" there, or a key "created", exists nowhere.
    @Test func aThrowawayDatabase_isRefused_beforeAnythingIsDoneOrPrinted() throws {
        let cli = CLIRunner()
        _ = try cli.issue()
        for db in ["", ":memory:", "file::memory:", "file:\(cli.folder.path)/uri.db?mode=memory"] {
            try expectRefused(cli, ["issue", "--db", db, "--amount", "500", "--currency", "SEK"], status: 64, saying: "Give the path of the database file")
            try expectRefused(cli, ["keys", "create", "--db=\(db)", "--role", "admin", "--name", "a"], status: 64, saying: "--db '\(db)'")
        }
        let env = try cli.run(["issue", "--amount", "500", "--currency", "SEK"], env: ["GOODWILL_DB": ":memory:"])
        #expect(env.status == 64 && env.stdout.isEmpty)
        #expect(env.stderr.contains("GOODWILL_DB=':memory:' would open a temporary database"), "\(env.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.folder.path).allSatisfy { $0.hasPrefix("goodwill.db") })
    }

    /// A mistyped --db or GOODWILL_DB opened a new, empty database and reported on it ("OK: 0
    /// vouchers and 0 entries verified", "Balanced", exit 0): a cron job with the wrong path would
    /// pass forever. A command that needs a database refuses a path with none, and creates nothing;
    /// one that sets a database up, like issue, still creates it.
    @Test func aMissingDatabase_isRefusedByCommandsThatNeedOne_andCreatedByThoseThatSetOneUp() throws {
        let cli = CLIRunner()
        let typo = cli.folder.appendingPathComponent("typo.db").path
        let message = "Error: No Goodwill database at \(typo). Check --db or GOODWILL_DB; 'goodwill init' creates one."
        let code = VoucherCode.generate().display
        let needOne: [[String]] = [
            ["verify"], ["report", "reconciliation"], ["report", "liability", "--json"], ["show", code], ["list"], ["entries", code],
            ["export", "entries"], ["keys", "list"], ["policy", "list"], ["holder", "search", "anna"], ["reminders", "list"],
            ["reminders", "run"], ["expire-sweep"], ["redeem", code, "--amount", "1"],
        ]
        for args in needOne {
            for (arguments, env) in [(args + ["--db", typo], [:]), (args, ["GOODWILL_DB": typo])] {
                let r = try cli.run(arguments, env: env)
                #expect(r.status == 1, "\(arguments) \(env): \(r.stdout)")
                #expect(r.stderr.contains(message), "\(arguments) \(env): \(r.stderr)")
                #expect(r.stdout.isEmpty, "\(arguments)")
                #expect(!FileManager.default.fileExists(atPath: typo), "\(arguments) created \(typo)")
            }
        }
        let issued = try cli.run(["issue", "--db", typo, "--amount", "500", "--currency", "SEK"])
        #expect(issued.status == 0, "\(issued.stderr)")
        #expect(FileManager.default.fileExists(atPath: typo))
        #expect(try cli.run(["verify", "--db", typo]).stdout.hasPrefix("OK: 1 voucher and 1 entry verified"))
    }

    /// adjust takes a signed change, so its output shows the sign, and a sign it cannot read
    /// unambiguously is refused with advice for signed amounts.
    @Test func adjust_showsTheDirection_andRefusesAChangeWithAnUnclearSign() throws {
        let cli = CLIRunner()
        let code = try cli.issue()
        let down = try cli.run(["adjust", code, "--amount", "-5", "--reason", "counted twice"])
        #expect(down.status == 0 && down.stdout.hasPrefix("Adjusted -5.00 SEK on \(code)"), "\(down.stdout)")
        let up = try cli.run(["adjust", code, "--amount", "7.50", "--reason", "missed a top-up"])
        #expect(up.status == 0 && up.stdout.hasPrefix("Adjusted +7.50 SEK on \(code)"), "\(up.stdout)")
        #expect(up.stdout.contains("Balance now 502.50 SEK"))
        try expectRefused(cli, ["adjust", code, "--amount", "- 5", "--reason", "x"], status: 64, saying: "'- 5' has a space after the sign")
        try expectRefused(cli, ["adjust", code, "--amount=--5", "--reason", "x"], status: 64, saying: "'--5' has more than one sign")
        try expectRefused(cli, ["adjust", code, "--amount", "+-5", "--reason", "x"], status: 64, saying: "more than one sign")
        try expectRefused(cli, ["adjust", code, "--amount", "abc", "--reason", "x"], status: 64, saying: "like -20, 50 or +99.50")
        let twice = try cli.run(["adjust", code, "--amount=--5", "--reason", "x"])
        #expect(!twice.stderr.contains("without the minus sign"))
    }

    /// Two minus signs after --amount are the amount, judged by the command, which says what is
    /// wrong with it; an option there still leaves --amount without a value.
    @Test func twoMinusSignsAfterAmount_areJudgedByTheCommand_notReadAsAMissingValue() throws {
        let cli = CLIRunner()
        let code = try cli.issue()
        try expectRefused(cli, ["adjust", code, "--amount", "--5", "--reason", "x"], status: 64, saying: "--amount: '--5' has more than one sign")
        try expectRefused(cli, ["redeem", code, "--amount", "--12.50"], status: 64, saying: "--amount: '--12.50' is negative")
        try expectRefused(cli, ["redeem", code, "--amount", "--db", "other.db"], status: 64, saying: "Missing value for '--amount <amount>'")
    }

    /// A file that is not what the command reads is named as given, with what is wrong and what
    /// to give instead: no "preset.json", no empty field, no NSCocoaErrorDomain.
    @Test func theWrongFile_isNamed_andTheMessageSaysWhatToGive() throws {
        let cli = CLIRunner()
        _ = try cli.issue()
        let jurisdiction = try cli.run(["policy", "jurisdiction"]).stdout
        let notes = cli.folder.appendingPathComponent("notes.txt").path
        try "milk, bread\n".write(toFile: notes, atomically: true, encoding: .utf8)
        try expectRefused(cli, ["policy", "jurisdiction", notes], status: 1,
                          saying: "Error: '\(notes)' is not a jurisdiction preset: it is not JSON. Give a shipped code (DE, DK, FI, GB, IE, NO, SE, US, US-CA, US-NY, US-WA) or a preset file like Policies/jurisdictions/SE.json.")
        let partial = cli.folder.appendingPathComponent("XX.json").path
        try #"{"code": "XX"}"#.write(toFile: partial, atomically: true, encoding: .utf8)
        try expectRefused(cli, ["policy", "jurisdiction", partial], status: 1, saying: "'\(partial)' is not a usable jurisdiction preset: name: missing. Give a shipped code")
        #expect(try cli.run(["policy", "jurisdiction"]).stdout == jurisdiction)

        try expectRefused(cli, ["import", "vouchers", cli.folder.path], status: 1,
                          saying: "Error: '\(cli.folder.path)' is a folder, not a file. Give the file inside it, like \(cli.folder.path)/vouchers.csv.")
        try expectRefused(cli, ["import", "vouchers", cli.folder.appendingPathComponent("none.csv").path], status: 1, saying: "none.csv' does not exist. Check the path.")
        try expectRefused(cli, ["policy", "validate", cli.folder.path], status: 1, saying: "is a folder, not a file")
    }

    /// JSONDecoder reads 100.00 as the whole number 100: a threshold meant as 100 dollars would pay
    /// out balances under one dollar. A preset file with a whole number written with a point is
    /// refused, saying what to write, and the preset in force stays.
    @Test func aPresetWithAWholeNumberWrittenWithAPoint_isRefused_sayingWhatToWrite() throws {
        let cli = CLIRunner()
        _ = try cli.issue()
        let jurisdiction = try cli.run(["policy", "jurisdiction"]).stdout
        let shipped = { (code: String) in try String(contentsOf: Repository.file("Policies/jurisdictions/\(code).json"), encoding: .utf8) }
        let money = cli.folder.appendingPathComponent("US-NY.json").path
        let newYork = try shipped("US-NY")
        #expect(newYork.contains(#""below_minor": 500,"#))
        try newYork.replacingOccurrences(of: #""below_minor": 500,"#, with: #""below_minor": 100.00,"#).write(toFile: money, atomically: true, encoding: .utf8)
        try expectRefused(cli, ["policy", "jurisdiction", money], status: 1, saying: """
            Error: '\(money)' is not a usable jurisdiction preset: cash_out.thresholds.[0].below_minor: found 100.00; \
            write minor units as a whole number: 10000 for 100.00 USD. Give a shipped code
            """)
        let months = cli.folder.appendingPathComponent("SE.json").path
        let sweden = try shipped("SE")
        #expect(sweden.contains(#""minimum_months": null,"#))
        try sweden.replacingOccurrences(of: #""minimum_months": null,"#, with: #""minimum_months": 24.0,"#).write(toFile: months, atomically: true, encoding: .utf8)
        try expectRefused(cli, ["policy", "jurisdiction", months], status: 1, saying: """
            Error: '\(months)' is not a usable jurisdiction preset: validity.minimum_months: expected a whole number, found 24.0; write 24. Give a shipped code
            """)
        #expect(try cli.run(["policy", "jurisdiction"]).stdout == jurisdiction)
    }

    @Test func aFileThatIsNotAGoodwillDatabase_isRefusedAndLeftAlone() throws {
        let cli = CLIRunner()
        let notes = cli.folder.appendingPathComponent("notes.txt")
        let text = String(repeating: "shopping list: milk, bread\n", count: 200)
        try text.write(to: notes, atomically: true, encoding: .utf8)
        let r = try cli.run(["list", "--db", notes.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("is not a Goodwill database"))
        #expect(try String(contentsOf: notes, encoding: .utf8) == text)

        // Another program's SQLite file is refused too.
        let other = cli.folder.appendingPathComponent("other.sqlite")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table t(x)'); c.commit()", other.path]
        try p.run(); p.waitUntilExit()
        if p.terminationStatus == 0 {
            let r2 = try cli.run(["list", "--db", other.path])
            #expect(r2.status == 1)
            #expect(r2.stderr.contains("is not a Goodwill database"))
        }
    }
}

@Suite(.serialized)
struct CLIConcurrencyTests {
    /// 2 × 50 processes redeeming 10 from 500 at once: exactly 50 win, none sees "database is locked".
    @Test func concurrentProcesses_redeemExactlyTheBalance() throws {
        let cli = CLIRunner()
        let code = try cli.issue()
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 100) { _ in
            let r = try? cli.run(["redeem", code, "--amount", "10"], env: ["GOODWILL_SYNCHRONOUS": "full"])
            results.add(r)
        }
        let all = results.all
        #expect(all.count == 100)
        #expect(all.filter { $0.status == 0 }.count == 50)
        let refused = all.filter { $0.status != 0 }
        #expect(refused.allSatisfy { $0.stderr.contains("used in full") }, "\(refused.map(\.stderr).prefix(3))")
        #expect(!all.contains { $0.stderr.lowercased().contains("locked") })
        let shown = try cli.json(["show", code])
        #expect((shown["balance"] as? [String: Any])?["amount"] as? Int == 0)
        #expect(try cli.run(["verify"]).status == 0)
    }
}

final class ResultBox: @unchecked Sendable {
    // Guarded by `lock`.
    private var items: [CLIResult] = []
    private let lock = NSLock()
    func add(_ r: CLIResult?) { lock.lock(); if let r { items.append(r) }; lock.unlock() }
    var all: [CLIResult] { lock.lock(); defer { lock.unlock() }; return items }
}

@Suite(.serialized)
struct CLIGoodwillTests {
    /// The story through the CLI: issued 2025-04-02, asked 2026-04-16, granted 30 days.
    @Test func extend_grantsWhatThePolicyGrants_andExplainNamesTheRule() throws {
        let cli = CLIRunner(now: "2025-04-02T09:00:00Z")
        let code = try cli.issue(["--holder-email", "anna@example.com", "--kind", "experience"])
        let later = ["GOODWILL_NOW": "2026-04-16T08:30:00Z"]
        let explain = try cli.run(["policy", "explain", code], env: later)
        #expect(explain.status == 0)
        #expect(explain.stdout.contains("rule 7 \"recently expired, first time\": matched"))
        let extend = try cli.run(["extend", code, "--reason", "did not see the date"], env: later)
        #expect(extend.status == 0, "\(extend.stderr)")
        #expect(extend.stdout.contains("valid through 2026-05-16"))
        let entries = try cli.run(["entries", code, "--json"], env: later)
        let list = try JSONSerialization.jsonObject(with: Data(entries.stdout.utf8)) as? [[String: Any]]
        #expect(list?.last?["kind"] as? String == "extended")
        #expect(list?.last?["decision_id"] as? Int != nil)
        #expect(try cli.run(["verify"], env: later).status == 0)
    }

    @Test func aReferredExtension_exitsOne_andPrintsTheDecision() throws {
        let cli = CLIRunner(now: "2025-04-02T09:00:00Z")
        let code = try cli.issue()
        let r = try cli.run(["extend", code, "--reason", "abroad"], env: ["GOODWILL_NOW": "2026-06-20T08:30:00Z"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("Decision: REFER"))
        #expect(r.stdout.contains("Not extended"))
        let manual = try cli.run(["extend", code, "--reason", "abroad", "--days", "30"], env: ["GOODWILL_NOW": "2026-06-20T08:30:00Z"])
        #expect(manual.status == 0, "\(manual.stderr)")
    }

    @Test func everyBrokenPolicyFixture_isRefusedByValidate_namingTheFile() throws {
        let cli = CLIRunner(now: nil)
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/policies-broken")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 10)
        for file in files {
            let r = try cli.run(["policy", "validate", folder.appendingPathComponent(file).path])
            #expect(r.status == 1, "\(file)")
            #expect(r.stderr.contains(file), "\(file): \(r.stderr)")
        }
        let ok = try cli.run(["policy", "validate", folder.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Policies/strict.json").path])
        #expect(ok.status == 0)
    }
}

/// `goodwill` (and so `goodwill serve`) loads no FoundationNetworking: with it came libcurl and
/// about thirty libraries (OpenSSL, GnuTLS, Kerberos, LDAP), about 6 MB resident in every process,
/// for a webhook channel most installations never use. The POST is made by the goodwill-webhook
/// program instead (WebhookChannel). A new `import FoundationNetworking` in any module `goodwill`
/// links would bring them back; this says so.
@Suite struct LinkedLibrariesTests {
    @Test func goodwill_loadsNoFoundationNetworkingNorCurl() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        p.arguments = [CLIRunner.binary.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(text.contains("libswiftCore"), "ldd listed: \(text)")
        #expect(!text.contains("FoundationNetworking") && !text.contains("libcurl"), "ldd listed: \(text)")
    }
}

struct CLIExpiryOnReturnTests {
    /// The review's reproduction: blocked across its expiry, a redemption reversed under the block,
    /// then unblocked: the unblock says the voucher expired, and the entries record it once.
    @Test func unblockingPastTheLastValidDay_recordsTheExpiry_andSaysSo() throws {
        let cli = CLIRunner(now: "2025-01-10T10:00:00Z")
        let code = try cli.issue(["--valid-months", "1"])
        #expect(try cli.run(["redeem", code, "--amount", "100"]).status == 0)
        #expect(try cli.run(["block", code, "--reason", "chargeback"]).status == 0)
        let later = ["GOODWILL_NOW": "2025-03-10T10:00:00Z"]
        #expect(try cli.run(["expire-sweep"], env: later).stdout.contains("No voucher has newly expired."))
        #expect(try cli.run(["reverse", "2"], env: later).status == 0)
        let unblock = try cli.run(["unblock", code], env: later)
        #expect(unblock.status == 0, "\(unblock.stderr)")
        #expect(unblock.stdout.contains("status expired"))
        #expect(unblock.stdout.contains("Its last valid day, 2025-02-10, had passed: recorded as expired."), "\(unblock.stdout)")
        #expect(try cli.run(["expire-sweep"], env: later).stdout.contains("No voucher has newly expired."))
        let entries = try cli.run(["entries", code, "--json"], env: later)
        let kinds = (try JSONSerialization.jsonObject(with: Data(entries.stdout.utf8)) as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        #expect(kinds == ["issued", "redeemed", "blocked", "redemption_reversed", "unblocked", "expired"])
        #expect(try cli.run(["verify"], env: later).status == 0)
    }
}
