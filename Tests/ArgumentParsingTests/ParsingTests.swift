import ArgumentParsing
import Testing

@Suite struct ParsingTests {
    @Test func optionsWithSeparateAndAttachedValues_areBothRead() throws {
        let invocation = try #require(Sample.invocation("issue --amount 500 --currency=SEK"))
        #expect(invocation.commandPath == ["issue"])
        #expect(invocation.value("amount") == "500")
        #expect(invocation.value("currency") == "SEK")
    }

    @Test func anAttachedValue_mayContainEqualsSignsAndBeEmpty() throws {
        let invocation = try #require(Sample.invocation("issue --amount= --currency=a=b"))
        #expect(invocation.value("amount") == "")
        #expect(invocation.value("currency") == "a=b")
    }

    @Test func absentOptions_giveTheirDefaultButDoNotCountAsGiven() throws {
        let invocation = try #require(Sample.invocation("issue --amount 500 --currency SEK"))
        #expect(invocation.value("valid-months") == "12")
        #expect(invocation.wasGiven("valid-months") == false)
        #expect(invocation.wasGiven("amount"))
        #expect(invocation.value("db") == "goodwill.sqlite")
        #expect(invocation.values("tag") == [])
        #expect(invocation.flag("dry-run") == false)
        #expect(invocation.value("undeclared") == nil)
    }

    @Test func globalOptions_areAcceptedBeforeAndAfterTheSubcommand() throws {
        let before = try #require(Sample.invocation("--db a.sqlite --json issue --amount 1 --currency SEK"))
        let after = try #require(Sample.invocation("issue --amount 1 --db a.sqlite --currency SEK --json"))
        let nested = try #require(Sample.invocation("policy --json explain --db=a.sqlite CODE"))
        for invocation in [before, after, nested] {
            #expect(invocation.value("db") == "a.sqlite")
            #expect(invocation.flag("json"))
        }
        #expect(nested.commandPath == ["policy", "explain"])
        #expect(nested.argument("code") == "CODE")
    }

    @Test func repeatableOptions_collectEveryValueInOrder() throws {
        let invocation = try #require(Sample.invocation("issue --tag a --amount 1 --tag=b --currency SEK --tag c"))
        #expect(invocation.values("tag") == ["a", "b", "c"])
        #expect(invocation.value("tag") == "c")
    }

    @Test func negativeLookingValues_areTakenAsOptionValuesForTheCallerToJudge() throws {
        let invocation = try #require(Sample.invocation("issue --amount -5 --currency -"))
        #expect(invocation.value("amount") == "-5")
        #expect(invocation.value("currency") == "-")
        let error = Sample.tool.usageError("The amount must be positive.", for: invocation)
        #expect(Sample.tool.render(error) == """
            Error: The amount must be positive.
            Usage: goodwill issue --amount <amount> --currency <currency> [--valid-months <n>] [--kind <kind>] [--tag <tag> ...] [--dry-run] [--db <path>] [--json]
              See 'goodwill issue --help' for more information.

            """)
    }

    /// No option's name starts with a digit, so `--5` after an option is its value, for the caller
    /// to say what is wrong with it (two signs) instead of "Missing value".
    @Test func aNumberWithTwoMinusSigns_afterAnOption_isItsValue() throws {
        #expect(Sample.invocation("issue --amount --5 --currency SEK")?.value("amount") == "--5")
        #expect(Sample.invocation("issue --amount --12.50 --currency SEK")?.value("amount") == "--12.50")
        #expect(Sample.invocation("issue --amount --.5 --currency SEK")?.value("amount") == "--.5")
        #expect(Sample.invocation("issue --amount -12.50 --currency SEK")?.value("amount") == "-12.50")
        #expect(Sample.invocation("issue --amount 1 --currency SEK --valid-months --5")?.value("valid-months") == "--5")
        // After a short name too: -k's own check refuses it as a kind.
        #expect(Sample.usageError("issue -k --5 --amount 1 --currency SEK")?.kind == .invalidValue)
        // Stepped over as a value when looking for --help, too.
        #expect(Sample.help("issue --amount --5 --help")?.hasPrefix("OVERVIEW: Issue") == true)
    }

    @Test func aNumberWithTwoMinusSigns_thatACommandDeclaresAsAName_isThatOption() {
        let tool = CommandLineTool(
            root: Command("t", abstract: "", options: [Option("code", help: "")], flags: [Flag("2", help: "")]), version: "")
        guard case .usageError(let error) = tool.parse(["--code", "--2"]) else {
            Issue.record("expected --2 to be the flag, leaving --code without a value")
            return
        }
        #expect(error.kind == .missingValue)
    }

    @Test func negativeNumbers_arePositionalArguments() throws {
        #expect(Sample.invocation("policy explain -12")?.argument("code") == "-12")
        #expect(Sample.invocation("policy explain -0.5")?.argument("code") == "-0.5")
    }

    @Test func theTerminator_makesEverythingAfterItPositional() throws {
        let invocation = try #require(Sample.invocation("policy check --format csv -- --format -x --"))
        #expect(invocation.value("format") == "csv")
        #expect(invocation.arguments("files") == ["--format", "-x", "--"])
        #expect(Sample.invocation("policy explain -- -starts-with-dash")?.argument("code") == "-starts-with-dash")
    }

    @Test func aRepeatingArgument_takesAllRemainingWordsOrNone() throws {
        #expect(Sample.invocation("policy check a b c")?.arguments("files") == ["a", "b", "c"])
        #expect(Sample.invocation("policy check")?.arguments("files") == [])
        #expect(Sample.invocation("policy check a")?.argument("files") == "a")
    }

    @Test func shortNames_takeValuesAndCombineForFlags() throws {
        let invocation = try #require(Sample.invocation("issue -k experience --amount 1 --currency SEK -n"))
        #expect(invocation.value("kind") == "experience")
        #expect(invocation.flag("dry-run"))
        let tool = CommandLineTool(
            root: Command("t", abstract: "", flags: [Flag("all", short: "a", help: ""), Flag("verbose", short: "v", help: "")]),
            version: "")
        guard case .run(let combined) = tool.parse(["-av"]) else {
            Issue.record("expected -av to set both flags")
            return
        }
        #expect(combined.flag("all") && combined.flag("verbose"))
    }

    @Test func aFlagGivenTwice_isHarmless() {
        #expect(Sample.invocation("reminders run --dry-run --dry-run")?.flag("dry-run") == true)
    }

    @Test func theSameFlagNameInDifferentCommands_belongsToTheInvokedOne() throws {
        let invocation = try #require(Sample.invocation("reminders run --dry-run"))
        #expect(invocation.commandPath == ["reminders", "run"])
        #expect(invocation.flag("dry-run"))
    }

    @Test func tenThousandArguments_parse() throws {
        let files = (0..<10_000).map { "file\($0).policy" }
        guard case .run(let invocation) = Sample.tool.parse(["policy", "check"] + files) else {
            Issue.record("expected a run")
            return
        }
        #expect(invocation.arguments("files").count == 10_000)
        #expect(invocation.arguments("files").last == "file9999.policy")
    }

    @Test func tenThousandRepeatedOptionValues_parse() throws {
        let tags = (0..<5_000).flatMap { ["--tag", "t\($0)"] }
        let invocation = try #require(Sample.tool.parse(["issue", "--amount", "1", "--currency", "SEK"] + tags).invocation)
        #expect(invocation.values("tag").count == 5_000)
    }

    @Test func anAbsurdNumberOfArguments_isRefusedWithAMessage() {
        let words = [String](repeating: "x", count: CommandLineTool.maximumArgumentCount + 1)
        guard case .usageError(let error) = Sample.tool.parse(words) else {
            Issue.record("expected a usage error")
            return
        }
        #expect(error.kind == .tooManyArguments)
        #expect(error.message == "Too many arguments (100001); at most 100000 are accepted.")
    }

    @Test func exitCodes_followSysexits() {
        #expect(CommandLineTool.usageExitCode == 64)
        #expect(CommandLineTool.failureExitCode == 1)
        #expect(CommandLineTool.successExitCode == 0)
    }
}

extension ParseOutcome {
    var invocation: ParsedInvocation? {
        guard case .run(let invocation) = self else { return nil }
        return invocation
    }
}
