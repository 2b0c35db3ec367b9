/// One pass over the tokens: descends into subcommands, collects options, flags and
/// positionals, and stops at the first usage error. Help and version were handled before.
struct InvocationParser {
    let tool: CommandLineTool
    let tokens: [String]

    private var stack: [Command]
    private var scope: OptionScope
    private var optionValues: [String: [String]] = [:]
    private var givenFlags: Set<String> = []
    private var positionals: [String] = []
    private var index = 0

    init(tool: CommandLineTool, tokens: [String]) {
        self.tool = tool
        self.tokens = tokens
        self.stack = [tool.root]
        self.scope = OptionScope(command: tool.root, tool: tool)
    }

    private var command: Command { stack[stack.count - 1] }
    private var path: [String] { stack.dropFirst().map(\.name) }

    private func failure(_ kind: UsageError.Kind, _ message: String, help: String? = nil) -> ParseOutcome {
        .usageError(UsageError(kind: kind, message: message, help: help, commandPath: path))
    }

    mutating func parse() -> ParseOutcome {
        var afterTerminator = false
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            if afterTerminator {
                positionals.append(token)
            } else if token == "--" {
                afterTerminator = true
            } else if OptionScope.isDashText(token) {
                // Text, wherever it falls: a positional, or an unexpected argument where none is taken.
                positionals.append(token)
            } else if token.hasPrefix("--") {
                if let error = takeLong(token) { return error }
            } else if token.hasPrefix("-"), token.count > 1, !isNegativeNumberPositional(token) {
                if let error = takeShort(token) { return error }
            } else if command.isGroup, !afterTerminator {
                guard let next = command.subcommand(named: token) else {
                    let suggestion = Suggestions.closest(to: token, among: command.subcommands.map(\.name))
                    return failure(.unknownSubcommand, UsageMessages.unknownSubcommand(token, suggestion: suggestion))
                }
                stack.append(next)
                scope = OptionScope(command: next, tool: tool)
            } else {
                positionals.append(token)
            }
        }
        // A group run without a subcommand shows its help, as swift-argument-parser does.
        if command.isGroup {
            if !positionals.isEmpty { return failure(.unexpectedArgument, UsageMessages.unexpected(positionals)) }
            return .help(tool.renderHelp(stack))
        }
        return finish()
    }

    /// Whether the command takes text (an argument), which an unknown dash token may have been
    /// meant as: `goodwill holder note anna@example.se -x-ray booked`.
    private var takesText: Bool { !command.arguments.isEmpty }

    /// A `-5` is a value unless this command declared `5` as a one-letter name.
    private func isNegativeNumberPositional(_ token: String) -> Bool {
        OptionScope.looksLikeNegativeNumber(token) && !scope.isKnownShortName(token)
    }

    private mutating func takeLong(_ token: String) -> ParseOutcome? {
        let body = token.dropFirst(2)
        let equals = body.firstIndex(of: "=")
        let name = String(body[..<(equals ?? body.endIndex)])
        let inline = equals.map { String(body[body.index(after: $0)...]) }
        let spelled = "--" + name
        if let option = scope.optionsByLong[name] {
            return take(option, spelled: spelled, inline: inline)
        }
        if let flag = scope.flagsByLong[name] {
            if let inline {
                return failure(.unexpectedValue, UsageMessages.flagGivenValue(spelled, value: inline))
            }
            givenFlags.insert(flag.name)
            return nil
        }
        let shown = name.isEmpty ? token : spelled
        let suggestion = Suggestions.closest(to: name, among: scope.longNames)
        return failure(.unknownOption, UsageMessages.unknownOption(shown, suggestion: suggestion, takesText: takesText))
    }

    /// `-a value`, `-j`, or several one-letter flags together (`-jv`).
    private mutating func takeShort(_ token: String) -> ParseOutcome? {
        let letters = Array(token.dropFirst())
        if letters.count == 1 {
            if let option = scope.optionsByShort[letters[0]] {
                return take(option, spelled: token, inline: nil)
            }
            if let flag = scope.flagsByShort[letters[0]] {
                givenFlags.insert(flag.name)
                return nil
            }
            return failure(.unknownOption, UsageMessages.unknownOption(token, suggestion: nil, takesText: takesText))
        }
        let flags = letters.compactMap { scope.flagsByShort[$0] }
        if flags.count == letters.count {
            for flag in flags { givenFlags.insert(flag.name) }
            return nil
        }
        // `-amount` is most likely a long name typed with one dash.
        let suggestion = Suggestions.closest(to: String(letters), among: scope.longNames)
        return failure(.unknownOption, UsageMessages.unknownOption(token, suggestion: suggestion, takesText: takesText))
    }

    private mutating func take(_ option: Option, spelled: String, inline: String?) -> ParseOutcome? {
        let value: String
        if let inline {
            value = inline
        } else if index < tokens.count, scope.canBeValue(tokens[index]) {
            value = tokens[index]
            index += 1
        } else {
            return failure(
                .missingValue,
                UsageMessages.missingValue(spelled: spelled, valueName: option.valueName),
                help: UsageMessages.helpLine(spelled: spelled, option: option))
        }
        if let allowed = option.allowedValues, !allowed.contains(value) {
            return failure(
                .invalidValue,
                UsageMessages.invalidValue(value, spelled: spelled, option: option, allowed: allowed),
                help: UsageMessages.helpLine(spelled: spelled, option: option))
        }
        if !option.isRepeatable, let first = optionValues[option.name]?.first {
            return failure(.duplicateOption, UsageMessages.duplicate(option, first: first, second: value))
        }
        optionValues[option.name, default: []].append(value)
        return nil
    }

    /// After the last token: positionals to arguments, then required options and arguments.
    private func finish() -> ParseOutcome {
        var remaining = positionals[...]
        var argumentValues: [String: [String]] = [:]
        for argument in command.arguments {
            if argument.isRepeating {
                argumentValues[argument.name] = Array(remaining)
                remaining = []
            } else if let value = remaining.popFirst() {
                argumentValues[argument.name] = [value]
            }
        }
        if !remaining.isEmpty {
            return failure(.unexpectedArgument, UsageMessages.unexpected(Array(remaining)))
        }
        for option in command.options + tool.globalOptions
        where option.isRequired && option.defaultValue == nil && optionValues[option.name] == nil {
            return failure(
                .missingArgument,
                UsageMessages.missing(option.synopsis),
                help: UsageMessages.helpLine(spelled: "--" + option.name, option: option))
        }
        for argument in command.arguments where !argument.isOptional && (argumentValues[argument.name] ?? []).isEmpty {
            let synopsis = "<\(argument.name)>" + (argument.isRepeating ? " ..." : "")
            return failure(.missingArgument, UsageMessages.missing(synopsis), help: UsageMessages.helpLine(argument))
        }
        var defaults: [String: String] = [:]
        for option in command.options + tool.globalOptions {
            if let value = option.defaultValue, defaults[option.name] == nil { defaults[option.name] = value }
        }
        return .run(ParsedInvocation(
            commandPath: path,
            optionValues: optionValues,
            defaults: defaults,
            givenFlags: givenFlags,
            argumentValues: argumentValues))
    }
}
