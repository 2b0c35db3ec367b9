/// Checks of the command tree itself. A mistake here is the CLI author's, not the user's, so it
/// is reported as a list for a test to assert empty rather than trapped at run time.
extension CommandLineTool {
    /// Every problem with the declared tree, as sentences naming the command; empty when sound.
    public var definitionProblems: [String] {
        var problems: [String] = []
        check(root, path: [root.name], into: &problems)
        return problems
    }

    private func check(_ command: Command, path: [String], into problems: inout [String]) {
        let at = "'\(path.joined(separator: " "))'"
        var longNames: Set<String> = ["help"]
        if !version.isEmpty { longNames.insert("version") }
        var shortNames: Set<Character> = ["h"]
        let named = command.options.map { ($0.name, $0.short) } + globalOptions.map { ($0.name, $0.short) }
            + command.flags.map { ($0.name, $0.short) } + globalFlags.map { ($0.name, $0.short) }
        for (name, short) in named {
            if !Self.isValidName(name) {
                problems.append("\(at): '\(name)' is not a valid long name (letters, digits, '-' and '_', no leading '-').")
            }
            if !longNames.insert(name).inserted { problems.append("\(at): '--\(name)' is declared twice or is reserved.") }
            if let short {
                if !(short.isLetter || short.isNumber) || !short.isASCII {
                    problems.append("\(at): '-\(short)' is not a valid short name.")
                }
                if !shortNames.insert(short).inserted { problems.append("\(at): '-\(short)' is declared twice or is reserved.") }
            }
        }
        for option in command.options + globalOptions {
            if let allowed = option.allowedValues, let value = option.defaultValue, !allowed.contains(value) {
                problems.append("\(at): the default '\(value)' of '--\(option.name)' is not among its allowed values.")
            }
        }
        if command.isGroup, !command.arguments.isEmpty {
            problems.append("\(at): a command with subcommands cannot also take positional arguments.")
        }
        var argumentNames: Set<String> = []
        var sawOptional = false
        for (position, argument) in command.arguments.enumerated() {
            if !argumentNames.insert(argument.name).inserted {
                problems.append("\(at): the argument '<\(argument.name)>' is declared twice.")
            }
            if argument.isRepeating, position != command.arguments.count - 1 {
                problems.append("\(at): only the last argument may repeat, not '<\(argument.name)>'.")
            }
            if sawOptional, !argument.isOptional {
                problems.append("\(at): the required argument '<\(argument.name)>' follows an optional one.")
            }
            sawOptional = sawOptional || argument.isOptional
        }
        var subcommandNames: Set<String> = []
        for subcommand in command.subcommands {
            if !subcommandNames.insert(subcommand.name).inserted {
                problems.append("\(at): the subcommand '\(subcommand.name)' is declared twice.")
            }
            if subcommand.name.hasPrefix("-") || subcommand.name.isEmpty || subcommand.name.contains(" ") {
                problems.append("\(at): '\(subcommand.name)' is not a valid subcommand name.")
            }
            if path.count == 1, subcommand.name == "help" {
                problems.append("\(at): 'help' is reserved for the help command.")
            }
            check(subcommand, path: path + [subcommand.name], into: &problems)
        }
    }

    private static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, first != "-" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}
