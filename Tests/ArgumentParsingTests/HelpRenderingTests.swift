import ArgumentParsing
import Testing

@Suite struct HelpRenderingTests {
    static let rootHelp = """
        OVERVIEW: Issue, redeem and explain goodwill vouchers.

        USAGE: goodwill [--db <path>] [--json] <subcommand>

        OPTIONS:
          --db <path>             The SQLite database file. (default: goodwill.sqlite)
          --json                  Print JSON instead of text.
          --version               Show the version.
          -h, --help              Show help information.

        SUBCOMMANDS:
          issue                   Issue a new voucher.
          policy                  Work with goodwill policies.
          reminders               Expiry reminders.

          See 'goodwill help <subcommand>' for detailed help.

        """

    static let issueHelp = """
        OVERVIEW: Issue a new voucher.

        The voucher is recorded in the ledger and its code is printed once.

        USAGE: goodwill issue --amount <amount> --currency <currency> [--valid-months <n>] [--kind <kind>] [--tag <tag> ...] [--dry-run] [--db <path>] [--json]

        OPTIONS:
          --amount <amount>       The amount in minor units, for example 500 for 5.00.
          --currency <currency>   ISO 4217 currency code.
          --valid-months <n>      How long the voucher stays valid. (default: 12)
          -k, --kind <kind>       What the voucher buys. (values: gift_card,
                                  experience; default: gift_card)
          --tag <tag>             A label for reports; give it once per tag.
          -n, --dry-run           Check everything but record nothing.
          --db <path>             The SQLite database file. (default: goodwill.sqlite)
          --json                  Print JSON instead of text.
          --version               Show the version.
          -h, --help              Show help information.


        """

    static let explainHelp = """
        OVERVIEW: Explain the policy decision for a voucher.

        USAGE: goodwill policy explain <code> [--db <path>] [--json]

        ARGUMENTS:
          <code>                  The voucher code.

        OPTIONS:
          --db <path>             The SQLite database file. (default: goodwill.sqlite)
          --json                  Print JSON instead of text.
          --version               Show the version.
          -h, --help              Show help information.


        """

    static let policyHelp = """
        OVERVIEW: Work with goodwill policies.

        USAGE: goodwill policy [--db <path>] [--json] <subcommand>

        OPTIONS:
          --db <path>             The SQLite database file. (default: goodwill.sqlite)
          --json                  Print JSON instead of text.
          --version               Show the version.
          -h, --help              Show help information.

        SUBCOMMANDS:
          explain                 Explain the policy decision for a voucher.
          check                   Check policy files.

          See 'goodwill help policy <subcommand>' for detailed help.

        """

    @Test func rootHelp_listsGlobalOptionsAndSubcommands() {
        #expect(Sample.help("--help") == Self.rootHelp)
    }

    @Test func leafHelp_showsOverviewUsageAndWrappedOptionsWithDefaultsAndValues() {
        #expect(Sample.help("issue --help") == Self.issueHelp)
    }

    @Test func helpOfACommandWithArguments_hasAnArgumentsSection() {
        #expect(Sample.help("policy explain --help") == Self.explainHelp)
    }

    @Test func groupHelp_pointsToHelpWithItsOwnPath() {
        #expect(Sample.help("policy --help") == Self.policyHelp)
    }

    @Test(arguments: ["--help", "-h", "help"])
    func everySpellingOfRootHelp_givesTheSameText(line: String) {
        #expect(Sample.help(line) == Self.rootHelp)
    }

    @Test(arguments: ["issue --help", "issue -h", "help issue", "issue --amount 5 --help", "help issue --help", "--json issue -h"])
    func everySpellingOfSubcommandHelp_givesTheSameText(line: String) {
        #expect(Sample.help(line) == Self.issueHelp)
    }

    @Test(arguments: ["policy explain --help", "policy explain -h", "help policy explain", "policy explain CODE --help"])
    func everySpellingOfNestedHelp_givesTheSameText(line: String) {
        #expect(Sample.help(line) == Self.explainHelp)
    }

    @Test func helpWinsOverErrorsElsewhereOnTheLine() {
        #expect(Sample.help("issue --amout 5 --help") == Self.issueHelp)
        #expect(Sample.help("issue --amount --help") == Self.issueHelp)
    }

    @Test func aGroupRunWithoutSubcommand_printsItsHelp() {
        #expect(Sample.tool.parse([]) == .help(Self.rootHelp))
        #expect(Sample.parse("policy") == .help(Self.policyHelp))
        #expect(Sample.parse("--db x.sqlite policy") == .help(Self.policyHelp))
    }

    @Test func helpAfterTheTerminator_isAnArgumentNotAHelpRequest() {
        #expect(Sample.invocation("policy explain -- --help")?.argument("code") == "--help")
    }

    @Test func helpForAnUnknownSubcommand_isAUsageErrorWithASuggestion() {
        #expect(Sample.renderedError("help isue") == """
            Error: Unknown subcommand 'isue'. Did you mean 'issue'?
            Usage: goodwill [--db <path>] [--json] <subcommand>
              See 'goodwill --help' for more information.

            """)
    }

    @Test func helpTextForPath_isTheSameTextAndNilForUnknownPaths() {
        #expect(Sample.tool.helpText(for: ["issue"]) == Self.issueHelp)
        #expect(Sample.tool.helpText(for: ["nope"]) == nil)
        #expect(Sample.tool.usageLine(for: ["policy", "check"])
            == "goodwill policy check [--format <format>] [<files> ...] [--db <path>] [--json]")
    }

    @Test func version_isPrintedAtTopLevelAndBelow() {
        #expect(Sample.parse("--version") == .version("1.2.0\n"))
        #expect(Sample.parse("issue --version") == .version("1.2.0\n"))
    }

    @Test func withoutAVersion_versionIsAnUnknownOptionAndNotListed() {
        let tool = CommandLineTool(root: Command("t", abstract: "T."), version: "")
        guard case .usageError(let error) = tool.parse(["--version"]) else {
            Issue.record("expected a usage error")
            return
        }
        #expect(error.message == "Unknown option '--version'")
        #expect(tool.helpText(for: []) == """
            OVERVIEW: T.

            USAGE: t

            OPTIONS:
              -h, --help              Show help information.


            """)
    }

    @Test func longLabels_putTheirTextOnTheNextLine() {
        let tool = CommandLineTool(
            root: Command("t", abstract: "", options: [Option("a-very-long-option-name", valueName: "value", help: "Text.")]),
            version: "")
        #expect(tool.helpText(for: []) == """
            USAGE: t [--a-very-long-option-name <value>]

            OPTIONS:
              --a-very-long-option-name <value>
                                      Text.
              -h, --help              Show help information.


            """)
    }

    @Test func manyOptions_collapseInUsageKeepingRequiredOnes() {
        let options = (1...12).map { Option("o\($0)", help: "") } + [Option("must", help: "", required: true)]
        let tool = CommandLineTool(root: Command("t", abstract: "", arguments: [Argument("file", help: "")], options: options), version: "")
        #expect(tool.usageLine(for: []) == "t [<options>] --must <must> <file>")
    }

    @Test func overview_isWrappedAtEightyColumns() {
        let tool = CommandLineTool(root: Command("t", abstract: String(repeating: "word ", count: 20) + "end."), version: "")
        let firstLine = tool.helpText(for: [])?.split(separator: "\n").first
        #expect(firstLine == "OVERVIEW: word word word word word word word word word word word word word word")
    }
}
