import Foundation
import RepositoryFiles
import Testing

/// README: exit 64 is a usage error, with the usage line; 1 a refusal (and, for reconciliation and
/// rollforward, "not balanced"). A number outside an option's range was 64 below it and 1 above it,
/// where the service's bound caught it, with no usage line.
@Suite(.serialized)
struct NumberRangeCLITests {
    func expectUsage(_ cli: CLIRunner, _ args: [String], usage: String, saying text: String) throws {
        let r = try cli.run(args)
        #expect(r.status == 64, "\(args): \(r.status) \(r.stderr)")
        #expect(r.stderr.contains(text), "\(args): \(r.stderr)")
        #expect(r.stderr.contains("Usage: goodwill \(usage)"), "\(args): \(r.stderr)")
        #expect(r.stdout.isEmpty, "\(args)")
    }

    @Test func aNumberOutsideItsRange_isAUsageError_atEitherEnd() throws {
        let cli = CLIRunner()
        let code = try cli.issue(["--holder-email", "anna@example.com"])
        let before = try cli.snapshot()
        for days in ["0", "3651", "9999999999999"] {
            try expectUsage(cli, ["report", "expiring", "--days", days], usage: "report expiring",
                            saying: "--days takes a whole number of days from 1 to 3650, like 30; got '\(days)'.")
        }
        for months in ["0", "1201", "100000"] {
            try expectUsage(cli, ["issue", "--amount", "10", "--currency", "SEK", "--valid-months", months], usage: "issue",
                            saying: "--valid-months takes a whole number of months from 1 to 1200, like 12; got '\(months)'.")
        }
        for days in ["0", "3661", "9999999999999"] {
            try expectUsage(cli, ["extend", code, "--reason", "asked", "--days", days], usage: "extend",
                            saying: "--days takes a whole number of days from 1 to 3660, like 30; got '\(days)'.")
        }
        for days in ["-1", "36501"] {
            try expectUsage(cli, ["list", "--expiring-within", days], usage: "list",
                            saying: "--expiring-within takes a whole number of days from 0 to 36500, like 30; got '\(days)'.")
        }
        for limit in ["0", "501"] {
            try expectUsage(cli, ["holder", "search", "anna", "--limit", limit], usage: "holder search",
                            saying: "--limit takes a whole number from 1 to 500, like 20; got '\(limit)'.")
        }
        try expectUsage(cli, ["issue", "--amount", "10000000000.01", "--currency", "SEK"], usage: "issue",
                        saying: "--amount: a voucher's value can be at most 10000000000.00 SEK")
        let policy = Repository.file("Policies/generous.json").path
        for rows in ["-1", "10001", "100000"] {
            try expectUsage(cli, ["policy", "simulate", policy, "--rows", rows], usage: "policy simulate",
                            saying: "--rows takes a whole number of rows from 0 to 10000, like 20; got '\(rows)'.")
        }
        #expect(try cli.snapshot() == before, "a refused number changed the database")

        // The ends themselves are taken.
        #expect(try cli.run(["report", "expiring", "--days", "3650"]).status == 0)
        #expect(try cli.run(["list", "--expiring-within", "36500"]).status == 0)
        #expect(try cli.run(["holder", "search", "anna", "--limit", "500"]).status == 0)
        #expect(try cli.run(["issue", "--amount", "10", "--currency", "SEK", "--valid-months", "1200"]).status == 0)
        #expect(try cli.run(["extend", code, "--reason", "asked", "--days", "3660", "--override"]).status == 0)
        for rows in ["0", "10000"] {
            let r = try cli.run(["policy", "simulate", policy, "--rows", rows])
            #expect(r.status == 0, "--rows \(rows): \(r.stderr)")
        }
    }

    /// --help says the range, so nobody has to find it by being refused.
    @Test func help_statesTheRange() throws {
        let cli = CLIRunner()
        let ranges: [([String], String)] = [
            (["report", "expiring"], "1 to 3650"), (["issue"], "1 to 1200"), (["extend"], "1 to 3660"),
            (["list"], "0 to 36500"), (["holder", "search"], "1 to 500"), (["policy", "simulate"], "0 to 10000"),
        ]
        for (command, range) in ranges {
            let help = try cli.run(command + ["--help"])
            #expect(help.status == 0 && help.stdout.contains(range), "\(command): \(help.stdout)")
        }
    }
}
