import ArgumentParsing
import Testing

@Suite struct UsageErrorTests {
    static let issueUsage = """
        Usage: goodwill issue --amount <amount> --currency <currency> [--valid-months <n>] [--kind <kind>] [--tag <tag> ...] [--dry-run] [--db <path>] [--json]
          See 'goodwill issue --help' for more information.

        """

    @Test func anUnknownOption_suggestsTheClosestLongName() {
        #expect(Sample.renderedError("issue --amout 5 --currency SEK") == """
            Error: Unknown option '--amout'. Did you mean '--amount'?

            """ + Self.issueUsage)
        #expect(Sample.usageError("issue --amout 5")?.kind == .unknownOption)
    }

    @Test func anUnknownOption_suggestsAcrossSwappedLettersAndGlobalNames() {
        #expect(Sample.usageError("issue --amuont 5")?.message == "Unknown option '--amuont'. Did you mean '--amount'?")
        #expect(Sample.usageError("issue --jsno")?.message == "Unknown option '--jsno'. Did you mean '--json'?")
        #expect(Sample.usageError("issue --hepl")?.message == "Unknown option '--hepl'. Did you mean '--help'?")
        #expect(Sample.usageError("issue -amount 5")?.message == "Unknown option '-amount'. Did you mean '--amount'?")
    }

    @Test func anUnknownOptionFarFromEveryName_hasNoSuggestion() {
        #expect(Sample.usageError("issue --zebra")?.message == "Unknown option '--zebra'")
        #expect(Sample.usageError("issue -z")?.message == "Unknown option '-z'")
        #expect(Sample.usageError("issue --=5")?.message == "Unknown option '--=5'")
    }

    @Test func anUnknownOptionBeforeTheSubcommand_isReportedAgainstTheRoot() {
        #expect(Sample.renderedError("--amount 5 issue") == """
            Error: Unknown option '--amount'
            Usage: goodwill [--db <path>] [--json] <subcommand>
              See 'goodwill --help' for more information.

            """)
    }

    @Test func anUnknownSubcommand_suggestsTheClosestSubcommand() {
        #expect(Sample.renderedError("policy explian X") == """
            Error: Unknown subcommand 'explian'. Did you mean 'explain'?
            Usage: goodwill policy [--db <path>] [--json] <subcommand>
              See 'goodwill policy --help' for more information.

            """)
        #expect(Sample.usageError("frobnicate")?.message == "Unknown subcommand 'frobnicate'")
        #expect(Sample.usageError("frobnicate")?.kind == .unknownSubcommand)
    }

    @Test func aMissingRequiredOption_namesItAndItsHelp() {
        #expect(Sample.renderedError("issue --currency SEK") == """
            Error: Missing expected argument '--amount <amount>'
            Help:  --amount <amount>  The amount in minor units, for example 500 for 5.00.

            """ + Self.issueUsage)
        #expect(Sample.usageError("issue --currency SEK")?.kind == .missingArgument)
    }

    @Test func aMissingRequiredArgument_namesItAndItsHelp() {
        #expect(Sample.renderedError("policy explain") == """
            Error: Missing expected argument '<code>'
            Help:  <code>  The voucher code.
            Usage: goodwill policy explain <code> [--db <path>] [--json]
              See 'goodwill policy explain --help' for more information.

            """)
    }

    @Test func anOptionAtTheEndWithoutValue_isAMissingValue() {
        #expect(Sample.renderedError("issue --currency SEK --amount") == """
            Error: Missing value for '--amount <amount>'
            Help:  --amount <amount>  The amount in minor units, for example 500 for 5.00.

            """ + Self.issueUsage)
        #expect(Sample.usageError("issue --currency SEK --amount")?.kind == .missingValue)
    }

    @Test func anOptionFollowedByAnotherOption_isAMissingValue() {
        #expect(Sample.usageError("issue --amount --currency SEK")?.message == "Missing value for '--amount <amount>'")
        #expect(Sample.usageError("issue --amount -n --currency SEK")?.message == "Missing value for '--amount <amount>'")
        #expect(Sample.usageError("issue --amount 1 --currency SEK -k")?.message == "Missing value for '-k <kind>'")
        #expect(Sample.usageError("issue --amount --db x --currency SEK")?.message == "Missing value for '--amount <amount>'")
        #expect(Sample.usageError("issue --amount --db=x --currency SEK")?.message == "Missing value for '--amount <amount>'")
        #expect(Sample.usageError("issue --currency SEK --amount -- 5")?.message == "Missing value for '--amount <amount>'")
    }

    /// Taken as a value after an option (see ParsingTests), but on its own it names no option.
    @Test func aNumberWithTwoMinusSigns_onItsOwn_isAnUnknownOption() {
        #expect(Sample.usageError("issue --amount 1 --currency SEK --5")?.message == "Unknown option '--5'")
    }

    @Test func anExtraArgument_isUnexpected() {
        #expect(Sample.renderedError("policy explain A B") == """
            Error: Unexpected argument 'B'
            Usage: goodwill policy explain <code> [--db <path>] [--json]
              See 'goodwill policy explain --help' for more information.

            """)
        #expect(Sample.usageError("reminders run x y")?.message == "2 unexpected arguments: 'x', 'y'")
        #expect(Sample.usageError("policy -- explain")?.message == "Unexpected argument 'explain'")
    }

    @Test func manyExtraArguments_areListedBriefly() {
        let words = ["reminders", "run"] + (1...7).map { "w\($0)" }
        guard case .usageError(let error) = Sample.tool.parse(words) else {
            Issue.record("expected a usage error")
            return
        }
        #expect(error.message == "7 unexpected arguments: 'w1', 'w2', 'w3', 'w4', 'w5', …")
    }

    @Test func aValueOutsideTheAllowedSet_isRefusedWithTheAllowedValues() {
        #expect(Sample.renderedError("issue --amount 1 --currency SEK --kind voucher") == """
            Error: The value 'voucher' is invalid for '--kind <kind>'. Please provide one of 'gift_card' and 'experience'.
            Help:  --kind <kind>  What the voucher buys.

            """ + Self.issueUsage)
        #expect(Sample.usageError("policy check --format xml")?.message
            == "The value 'xml' is invalid for '--format <format>'. Please provide one of 'table', 'csv' or 'json'.")
        #expect(Sample.usageError("issue -k=gift_card")?.kind == .unknownOption)
        #expect(Sample.usageError("issue -k x")?.kind == .invalidValue)
    }

    @Test func aValueCloseToAnAllowedOne_getsADidYouMean_beforeTheList() {
        #expect(Sample.usageError("issue --amount 1 --currency SEK --kind experiance")?.message
            == "The value 'experiance' is invalid for '--kind <kind>'. Did you mean 'experience'? Please provide one of 'gift_card' and 'experience'.")
        // Case differs only: the value as it is allowed.
        #expect(Sample.usageError("policy check --format JSON")?.message
            == "The value 'JSON' is invalid for '--format <format>'. Did you mean 'json'? Please provide one of 'table', 'csv' or 'json'.")
        #expect(Sample.usageError("policy check --format=tabel")?.message.contains("Did you mean 'table'?") == true)
    }

    @Test func aFlagGivenAValue_isRefused() {
        #expect(Sample.renderedError("reminders run --json=yes") == """
            Error: The option '--json' does not take any value, but 'yes' was specified.
            Usage: goodwill reminders run [--dry-run] [--db <path>] [--json]
              See 'goodwill reminders run --help' for more information.

            """)
        #expect(Sample.usageError("reminders run --dry-run=")?.kind == .unexpectedValue)
    }

    @Test func aSingleValueOptionGivenTwice_isRefused() {
        #expect(Sample.renderedError("issue --amount 1 --currency SEK --amount 2") == """
            Error: The option '--amount' was given more than once ('1' and '2'); give it once.

            """ + Self.issueUsage)
        #expect(Sample.usageError("--db a issue --db b")?.kind == .duplicateOption)
    }

    @Test func absurdlyLongWords_giveShortMessagesWithoutSuggestions() {
        let long = String(repeating: "a", count: 100_000)
        guard case .usageError(let error) = Sample.tool.parse(["issue", "--" + long]) else {
            Issue.record("expected a usage error")
            return
        }
        #expect(error.message == "Unknown option '--\(String(repeating: "a", count: 98))…'")
        guard case .usageError(let subcommandError) = Sample.tool.parse([long]) else {
            Issue.record("expected a usage error")
            return
        }
        #expect(subcommandError.message.count < 150)
    }
}
