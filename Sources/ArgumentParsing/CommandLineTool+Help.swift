/// Help and usage text in swift-argument-parser's layout.
extension CommandLineTool {
    /// The help for the command at `path` (subcommand names below the root), or nil when
    /// there is no such command. The same text `--help`, `-h` and `help …` produce.
    public func helpText(for path: [String]) -> String? {
        commandStack(for: path).map(renderHelp)
    }

    /// The one-line synopsis (`goodwill issue --amount <amount> [--json]`), without `USAGE: `.
    public func usageLine(for path: [String]) -> String? {
        commandStack(for: path).map(usage)
    }

    func renderHelp(_ stack: [Command]) -> String {
        let command = stack[stack.count - 1]
        let width = Self.screenWidth
        var text = ""
        if !command.abstract.isEmpty || command.discussion != nil {
            var overview = command.abstract
            if let discussion = command.discussion, !discussion.isEmpty {
                overview += overview.isEmpty ? discussion : "\n\n" + discussion
            }
            text += TextLayout.wrap("OVERVIEW: " + overview, width: width) + "\n\n"
        }
        text += "USAGE: " + usage(stack) + "\n\n"

        let arguments = command.arguments.map { TextLayout.row(label: "<\($0.name)>", text: $0.help, width: width) }
        // The command's own options and flags, then the global ones, as in the usage line.
        var options: [String] = []
        for (ownOptions, ownFlags) in [(command.options, command.flags), (globalOptions, globalFlags)] {
            for option in ownOptions {
                options.append(TextLayout.row(label: helpLabel(option), text: helpDescription(option), width: width))
            }
            for flag in ownFlags {
                let label = (flag.short.map { "-\($0), " } ?? "") + "--\(flag.name)"
                options.append(TextLayout.row(label: label, text: flag.help, width: width))
            }
        }
        if !version.isEmpty {
            options.append(TextLayout.row(label: "--version", text: "Show the version.", width: width))
        }
        options.append(TextLayout.row(label: "-h, --help", text: "Show help information.", width: width))
        let subcommands = command.subcommands.map { TextLayout.row(label: $0.name, text: $0.abstract, width: width) }

        let sections = [("ARGUMENTS", arguments), ("OPTIONS", options), ("SUBCOMMANDS", subcommands)]
            .filter { !$0.1.isEmpty }
            .map { "\($0.0):\n" + $0.1.joined() }
        text += sections.joined(separator: "\n")

        if command.isGroup {
            let names = [toolName, "help"] + stack.dropFirst().map(\.name)
            text += "\n  See '\(names.joined(separator: " ")) <subcommand>' for detailed help."
        }
        return text + "\n"
    }

    /// Options, flags, positionals, then the global ones; more than 12 collapse to `[<options>]`
    /// keeping what is required, as swift-argument-parser does.
    func usage(_ stack: [Command]) -> String {
        let command = stack[stack.count - 1]
        let name = stack.map(\.name).joined(separator: " ")
        typealias Part = (text: String, isRequired: Bool)
        var parts: [Part] = []
        for option in command.options {
            parts.append((usageSynopsis(option), option.isRequired && option.defaultValue == nil))
        }
        parts += command.flags.map { ("[--\($0.name)]", false) }
        for argument in command.arguments {
            var text = "<\(argument.name)>"
            if argument.isRepeating { text += " ..." }
            parts.append((argument.isOptional ? "[\(text)]" : text, true))
        }
        for option in globalOptions {
            parts.append((usageSynopsis(option), option.isRequired && option.defaultValue == nil))
        }
        parts += globalFlags.map { ("[--\($0.name)]", false) }

        var line = name
        if parts.count > 12 {
            let kept = parts.filter(\.isRequired)
            line += kept.isEmpty || kept.count > 12
                ? " <options>"
                : " [<options>] " + kept.map(\.text).joined(separator: " ")
        } else if !parts.isEmpty {
            line += " " + parts.map(\.text).joined(separator: " ")
        }
        if command.isGroup { line += " <subcommand>" }
        return line
    }

    private func usageSynopsis(_ option: Option) -> String {
        var text = option.synopsis
        if option.isRepeatable { text += " ..." }
        return option.isRequired && option.defaultValue == nil ? text : "[\(text)]"
    }

    private func helpLabel(_ option: Option) -> String {
        (option.short.map { "-\($0), " } ?? "") + option.synopsis
    }

    /// The help text followed by `(values: …; default: …)` when there are any.
    private func helpDescription(_ option: Option) -> String {
        var notes: [String] = []
        if let allowed = option.allowedValues, !allowed.isEmpty {
            notes.append("values: " + allowed.joined(separator: ", "))
        }
        if let defaultValue = option.defaultValue {
            notes.append("default: " + defaultValue)
        }
        let suffix = notes.isEmpty ? "" : "(\(notes.joined(separator: "; ")))"
        return [option.help, suffix].filter { !$0.isEmpty }.joined(separator: " ")
    }
}
