/// Entry point of parsing: a first scan for help and version, which win over any error on
/// the line (as in swift-argument-parser), then the full parse.
extension CommandLineTool {
    /// Parses the arguments after the program name (`CommandLine.arguments.dropFirst()`).
    public func parse(_ arguments: [String]) -> ParseOutcome {
        guard arguments.count <= Self.maximumArgumentCount else {
            return .usageError(UsageError(
                kind: .tooManyArguments, message: UsageMessages.tooMany(arguments.count), commandPath: []))
        }
        if let early = scanForHelpOrVersion(arguments) { return early }
        var parser = InvocationParser(tool: self, tokens: arguments)
        return parser.parse()
    }

    /// Finds `-h`, `--help`, a leading `help` word or `--version` before any `--`, following
    /// subcommand names (and stepping over option values) to know whose help is meant.
    private func scanForHelpOrVersion(_ tokens: [String]) -> ParseOutcome? {
        var stack = [root]
        var scope = OptionScope(command: root, tool: self)
        var helpWord = false
        var helpFlag = false
        var versionFlag = false
        var descending = true
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            if token == "--" { break }
            if OptionScope.isHelp(token) { helpFlag = true; continue }
            if OptionScope.isVersion(token), !version.isEmpty { versionFlag = true; continue }
            if token.hasPrefix("-"), token.count > 1, !OptionScope.looksLikeNegativeNumber(token) {
                if scope.valueOption(spelledBy: token) != nil, index < tokens.count, scope.canBeValue(tokens[index]) {
                    index += 1
                }
                continue
            }
            let current = stack[stack.count - 1]
            guard descending, current.isGroup else { descending = false; continue }
            if stack.count == 1, !helpWord, token == "help" {
                helpWord = true
            } else if let next = current.subcommand(named: token) {
                stack.append(next)
                scope = OptionScope(command: next, tool: self)
            } else if helpWord {
                let path = stack.dropFirst().map(\.name)
                let suggestion = Suggestions.closest(to: token, among: current.subcommands.map(\.name))
                return .usageError(UsageError(
                    kind: .unknownSubcommand,
                    message: UsageMessages.unknownSubcommand(token, suggestion: suggestion),
                    commandPath: path))
            } else {
                descending = false
            }
        }
        if helpWord || helpFlag { return .help(renderHelp(stack)) }
        if versionFlag { return .version(version + "\n") }
        return nil
    }
}
