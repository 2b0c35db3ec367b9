import Foundation
import Testing
@testable import goodwill

/// README: a mistyped --db "fails instead of reporting on an empty database". A command that may
/// create a database (issue, import, keys create, policy activate, policy jurisdiction CODE,
/// fixtures load) and then fails left a new empty database at the mistyped path, and `verify` and
/// `report reconciliation` there passed ("OK: 0 vouchers").
@Suite(.serialized)
struct FailedCommandCLITests {
    /// The files in `folder` whose names start with `name` (the database, its -wal and -shm).
    func files(_ cli: CLIRunner, named name: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: cli.folder.path).filter { $0.hasPrefix(name) }.sorted()
    }

    @Test func aFailingCommand_leavesNoNewDatabaseBehind() throws {
        let cli = CLIRunner()
        let refusedCSV = cli.folder.appendingPathComponent("refused.csv")
        try "code,value,balance,currency,issued\nAAAA-BBBB-CCCC-DDDD-E,500,500,XXX,2025-01-01\n".write(to: refusedCSV, atomically: true, encoding: .utf8)
        let brokenBook = cli.folder.appendingPathComponent("broken.jsonl")
        try #"{"op": "redeem", "at": "2025-01-01T10:00:00Z", "ref": "nowhere", "amount": 100}"#.write(to: brokenBook, atomically: true, encoding: .utf8)
        let failing: [(String, [String])] = [
            ("zone", ["issue", "--amount", "10", "--currency", "SEK", "--time-zone", "Europe/Stokholm"]),
            ("policy", ["policy", "activate", "/nonexistent/p.json"]),
            ("preset", ["policy", "jurisdiction", "./nowhere/SE.json"]),
            ("key", ["keys", "create", "--role", "admin", "--name", "bad name!"]),
            ("import", ["import", "vouchers", refusedCSV.path]),
            ("nobook", ["fixtures", "load", "/nonexistent/events.jsonl"]),
            ("book", ["fixtures", "load", brokenBook.path]),
        ]
        for (name, args) in failing {
            let db = cli.folder.appendingPathComponent("\(name).db").path
            let r = try cli.run(args + ["--db", db])
            #expect(r.status != 0, "\(args) succeeded: \(r.stdout)")
            let left = try files(cli, named: "\(name).db")
            #expect(left.isEmpty, "\(args) left \(left): \(r.stderr)")
            let verify = try cli.run(["verify", "--db", db])
            #expect(verify.status == 1 && verify.stderr.contains("No Goodwill database at \(db)"), "after \(args): \(verify.stdout)")
        }
    }

    /// The file was there before the command: it is never removed, and what it holds stays.
    @Test func aFailingCommand_leavesAnExistingDatabaseAsItWas() throws {
        let cli = CLIRunner()
        _ = try cli.issue()
        let before = try cli.snapshot()
        let refusedCSV = cli.folder.appendingPathComponent("refused.csv")
        try "code,value,balance,currency,issued\nAAAA-BBBB-CCCC-DDDD-E,500,500,XXX,2025-01-01\n".write(to: refusedCSV, atomically: true, encoding: .utf8)
        #expect(try cli.run(["import", "vouchers", refusedCSV.path]).status == 1)
        #expect(try cli.run(["issue", "--amount", "10", "--currency", "SEK", "--time-zone", "Europe/Stokholm"]).status == 1)
        #expect(FileManager.default.fileExists(atPath: cli.database))
        #expect(try cli.snapshot() == before)

        // An empty file someone made for the database is theirs too.
        let empty = cli.folder.appendingPathComponent("empty.db").path
        #expect(FileManager.default.createFile(atPath: empty, contents: nil))
        #expect(try cli.run(["import", "vouchers", refusedCSV.path, "--db", empty]).status == 1)
        #expect(FileManager.default.fileExists(atPath: empty))
    }

    /// A failing command noted the path as new, then a server started on the same path opened the
    /// database before the command's clean-up: removing it would leave the server writing into a
    /// file no path names. While another process has it open, it stays; once that process is gone,
    /// the clean-up removes what the command created.
    @Test func aNewDatabaseAnotherProcessHasOpen_isNotRemoved() throws {
        let cli = CLIRunner(now: nil)
        let noted = NewDatabase(path: cli.database)
        #expect(!NewDatabase.isOpenElsewhere(cli.database))
        let (server, out, _) = try cli.start(["serve", "--port", "0", "--db", cli.database, "--quiet"])
        defer { if server.isRunning { server.terminate(); server.waitUntilExit() } }
        _ = try #require(ServeCLITests.servingURL(out))
        #expect(NewDatabase.isOpenElsewhere(cli.database))
        noted.removeCreated()
        #expect(FileManager.default.fileExists(atPath: cli.database))
        #expect(try cli.run(["keys", "create", "--role", "admin", "--name", "after"]).status == 0)
        server.terminate(); server.waitUntilExit()
        #expect(!NewDatabase.isOpenElsewhere(cli.database))
        // The key stored meanwhile keeps the database, though nothing has it open any more.
        noted.removeCreated()
        #expect(FileManager.default.fileExists(atPath: cli.database))
        #expect(try cli.run(["keys", "list"]).stdout.contains("after"))
    }

    /// A database the failing command created and nobody else used holds only what opening writes
    /// (the default policy and jurisdiction): it goes. One a person stored anything in stays, whoever
    /// stored it and whether or not they still have it open.
    @Test func aNewDatabaseSomeoneStoredIn_isNotRemoved() throws {
        let cli = CLIRunner(now: nil)
        let untouched = cli.folder.appendingPathComponent("untouched.db").path
        let noted = NewDatabase(path: untouched)
        #expect(try cli.run(["init", "--db", untouched]).status == 0)
        noted.removeCreated()
        #expect(!FileManager.default.fileExists(atPath: untouched))
        for (name, command) in [("issued", ["issue", "--amount", "10", "--currency", "SEK"]),
                                ("jurisdiction", ["policy", "jurisdiction", "DK"]),
                                ("note", ["holder", "note", "a@b.se", "called"])] {
            let path = cli.folder.appendingPathComponent("\(name).db").path
            let noted = NewDatabase(path: path)
            let r = try cli.run(command + ["--db", path])
            noted.removeCreated()
            #expect(FileManager.default.fileExists(atPath: path) == (r.status == 0), "\(name): \(r.stderr)")
        }
    }
}
