/// Rendering usage errors, and the messages the parser builds them from. The wording follows
/// swift-argument-parser so the CLI reads like other Swift tools.
extension CommandLineTool {
    /// The complete stderr text, ending in a newline:
    /// `Error: …`, optional `Help:  …`, `Usage: …`, `  See '… --help' for more information.`
    public func render(_ error: UsageError) -> String {
        let stack = commandStack(for: error.commandPath) ?? [root]
        let names = stack.map(\.name).joined(separator: " ")
        var text = "Error: \(error.message)\n"
        if let help = error.help, !help.isEmpty { text += "Help:  \(help)\n" }
        text += "Usage: \(usage(stack))\n"
        text += "  See '\(names) --help' for more information.\n"
        return text
    }

    /// A usage error for a value the caller's domain refuses after parsing, shown with the
    /// invoked command's usage line; exit with `usageExitCode`.
    public func usageError(_ message: String, for invocation: ParsedInvocation) -> UsageError {
        UsageError(kind: .validation, message: message, commandPath: invocation.commandPath)
    }
}

/// Message texts, kept together so the wording stays consistent.
enum UsageMessages {
    /// `takesText`: the command takes an argument, which the token may have been meant as.
    static func unknownOption(_ spelled: String, suggestion: String?, takesText: Bool = false) -> String {
        var text = "Unknown option \(TextLayout.quoted(spelled))"
        if let suggestion { text += ". Did you mean '--\(suggestion)'?" }
        if takesText { text += (suggestion == nil ? "." : "") + " If it is text, put -- before text that starts with '-'." }
        return text
    }

    static func unknownSubcommand(_ word: String, suggestion: String?) -> String {
        let base = "Unknown subcommand \(TextLayout.quoted(word))"
        guard let suggestion else { return base }
        return base + ". Did you mean '\(suggestion)'?"
    }

    static func missingValue(spelled: String, valueName: String) -> String {
        "Missing value for '\(spelled) <\(valueName)>'"
    }

    static func missing(_ synopsis: String) -> String {
        "Missing expected argument '\(synopsis)'"
    }

    static func flagGivenValue(_ spelled: String, value: String) -> String {
        "The option '\(spelled)' does not take any value, but \(TextLayout.quoted(value)) was specified."
    }

    static func duplicate(_ option: Option, first: String, second: String) -> String {
        "The option '--\(option.name)' was given more than once (\(TextLayout.quoted(first)) and "
            + "\(TextLayout.quoted(second))); give it once."
    }

    static func unexpected(_ values: [String]) -> String {
        if values.count == 1 { return "Unexpected argument \(TextLayout.quoted(values[0]))" }
        let shown = 5
        var list = values.prefix(shown).map(TextLayout.quoted).joined(separator: ", ")
        if values.count > shown { list += ", …" }
        return "\(values.count) unexpected arguments: \(list)"
    }

    /// `The value 'x' is invalid for '--kind <kind>'. Please provide one of 'a' and 'b'.`, with
    /// `Did you mean 'b'?` before the list when one of them is close (README: usage errors say it).
    static func invalidValue(_ value: String, spelled: String, option: Option, allowed: [String]) -> String {
        let quoted = allowed.map { "'\($0)'" }
        var text = "The value \(TextLayout.quoted(value)) is invalid for '\(spelled) <\(option.valueName)>'."
        if let suggestion = Suggestions.closest(ignoringCaseTo: value, among: allowed) {
            text += " Did you mean '\(suggestion)'?"
        }
        switch quoted.count {
        case 0:
            break
        case 1...2:
            text += " Please provide one of \(quoted.joined(separator: " and "))."
        case 3...5:
            text += " Please provide one of \(quoted.dropLast().joined(separator: ", ")) or \(quoted[quoted.count - 1])."
        default:
            text += " Please provide one of the following:\n" + allowed.map { "  - \($0)" }.joined(separator: "\n")
        }
        return text
    }

    static func tooMany(_ count: Int) -> String {
        "Too many arguments (\(count)); at most \(CommandLineTool.maximumArgumentCount) are accepted."
    }

    /// The `Help:` line for an option: `--amount <amount>  The amount in minor units.`
    static func helpLine(spelled: String, option: Option) -> String? {
        option.help.isEmpty ? nil : "\(spelled) <\(option.valueName)>  \(option.help)"
    }

    static func helpLine(_ argument: Argument) -> String? {
        argument.help.isEmpty ? nil : "<\(argument.name)>  \(argument.help)"
    }
}
