/// The named options and flags valid at one command: its own plus the tool's global ones,
/// plus the built-in `-h/--help` and `--version`. Built once per command reached while parsing.
struct OptionScope {
    private(set) var optionsByLong: [String: Option] = [:]
    private(set) var optionsByShort: [Character: Option] = [:]
    private(set) var flagsByLong: [String: Flag] = [:]
    private(set) var flagsByShort: [Character: Flag] = [:]
    /// Long names in help order, for did-you-mean suggestions.
    private(set) var longNames: [String] = []

    init(command: Command, tool: CommandLineTool) {
        for option in command.options + tool.globalOptions where optionsByLong[option.name] == nil {
            optionsByLong[option.name] = option
            if let short = option.short { optionsByShort[short] = option }
            longNames.append(option.name)
        }
        for flag in command.flags + tool.globalFlags where flagsByLong[flag.name] == nil {
            flagsByLong[flag.name] = flag
            if let short = flag.short { flagsByShort[short] = flag }
            longNames.append(flag.name)
        }
        if !tool.version.isEmpty { longNames.append("version") }
        longNames.append("help")
    }

    static func isHelp(_ token: String) -> Bool { token == "--help" || token == "-h" }
    static func isVersion(_ token: String) -> Bool { token == "--version" }

    /// Whether `token` is known here as a one-letter name (`-h` included).
    func isKnownShortName(_ token: String) -> Bool {
        guard token.count == 2, token.first == "-", let letter = token.last, letter != "-" else { return false }
        return letter == "h" || optionsByShort[letter] != nil || flagsByShort[letter] != nil
    }

    /// Whether the token after `--name` may be its value. Anything is, so that `--amount -5`
    /// reaches the caller's own validation, except `--`, a name this command knows, and what
    /// looks like a long option. A number after two dashes (`--5`, `--12.50`) names no option:
    /// it is the value too, and the caller says what is wrong with it (not "Missing value").
    func canBeValue(_ token: String) -> Bool {
        if Self.isDashText(token) { return true }
        guard token.hasPrefix("--") else { return !isKnownShortName(token) }
        let name = String(token.dropFirst(2).prefix { $0 != "=" })
        return Self.looksLikeNegativeNumber(String(token.dropFirst())) && optionsByLong[name] == nil && flagsByLong[name] == nil
    }

    /// The option that takes a value named by `token` in its separate-value form
    /// (`--db` or `-d`, not `--db=x`), so that scanners can step over the value.
    func valueOption(spelledBy token: String) -> Option? {
        if token.hasPrefix("--") {
            let name = token.dropFirst(2)
            guard !name.contains("=") else { return nil }
            return optionsByLong[String(name)]
        }
        guard token.count == 2, token.first == "-", let letter = token.last else { return nil }
        return optionsByShort[letter]
    }

    /// `- called back`, `-h called back`, `-- see note`: text that starts with a dash, never an
    /// option, as no option's name holds whitespace. (`--reason=called back` is an option: the
    /// whitespace is in its value, after the `=`.)
    static func isDashText(_ token: String) -> Bool {
        guard token.hasPrefix("-") else { return false }
        return token.drop { $0 == "-" }.prefix { $0 != "=" }.contains(where: \.isWhitespace)
    }

    /// `-5`, `-0.5`, `-.5`: taken as a positional value, never as an option.
    static func looksLikeNegativeNumber(_ token: String) -> Bool {
        let rest = token.utf8.dropFirst()
        guard token.utf8.first == UInt8(ascii: "-"), let first = rest.first else { return false }
        if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) { return true }
        guard first == UInt8(ascii: "."), let second = rest.dropFirst().first else { return false }
        return (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(second)
    }
}
