import ArgumentParsing

/// A small tree shaped like the goodwill CLI; the real commands are defined elsewhere.
enum Sample {
    static let issue = Command(
        "issue",
        abstract: "Issue a new voucher.",
        discussion: "The voucher is recorded in the ledger and its code is printed once.",
        options: [
            Option("amount", help: "The amount in minor units, for example 500 for 5.00.", required: true),
            Option("currency", help: "ISO 4217 currency code.", required: true),
            Option("valid-months", valueName: "n", help: "How long the voucher stays valid.", default: "12"),
            Option("kind", short: "k", help: "What the voucher buys.", default: "gift_card",
                   allowedValues: ["gift_card", "experience"]),
            Option("tag", help: "A label for reports; give it once per tag.", repeatable: true),
        ],
        flags: [Flag("dry-run", short: "n", help: "Check everything but record nothing.")]
    )

    static let explain = Command(
        "explain",
        abstract: "Explain the policy decision for a voucher.",
        arguments: [Argument("code", help: "The voucher code.")]
    )

    static let check = Command(
        "check",
        abstract: "Check policy files.",
        arguments: [Argument("files", help: "Policy files to check.", optional: true, repeating: true)],
        options: [Option("format", help: "Output format.", default: "table", allowedValues: ["table", "csv", "json"])]
    )

    static let policy = Command(
        "policy",
        abstract: "Work with goodwill policies.",
        subcommands: [explain, check]
    )

    static let run = Command(
        "run",
        abstract: "Send the reminders that are due.",
        flags: [Flag("dry-run", help: "List the reminders without sending them.")]
    )

    static let reminders = Command("reminders", abstract: "Expiry reminders.", subcommands: [run])

    static let root = Command(
        "goodwill",
        abstract: "Issue, redeem and explain goodwill vouchers.",
        subcommands: [issue, policy, reminders]
    )

    static let tool = CommandLineTool(
        root: root,
        version: "1.2.0",
        globalOptions: [Option("db", valueName: "path", help: "The SQLite database file.", default: "goodwill.sqlite")],
        globalFlags: [Flag("json", help: "Print JSON instead of text.")]
    )

    /// Parses a line written as one string (words split at spaces).
    static func parse(_ line: String) -> ParseOutcome {
        tool.parse(line.split(separator: " ").map(String.init))
    }

    static func invocation(_ line: String) -> ParsedInvocation? {
        guard case .run(let invocation) = parse(line) else { return nil }
        return invocation
    }

    static func usageError(_ line: String) -> UsageError? {
        guard case .usageError(let error) = parse(line) else { return nil }
        return error
    }

    static func renderedError(_ line: String) -> String? {
        usageError(line).map(tool.render)
    }

    static func help(_ line: String) -> String? {
        guard case .help(let text) = parse(line) else { return nil }
        return text
    }
}
