/// What the user asked for: which command, with which options, flags and arguments.
///
/// Names are the declared long names without dashes (`"amount"`, `"dry-run"`) and argument names.
/// Asking for a name the command did not declare gives nil, false or an empty list.
public struct ParsedInvocation: Sendable, Equatable {
    /// Subcommand names below the root: `[]` for the root, `["policy", "explain"]`.
    public let commandPath: [String]
    var optionValues: [String: [String]]
    var defaults: [String: String]
    var givenFlags: Set<String>
    var argumentValues: [String: [String]]

    init(
        commandPath: [String],
        optionValues: [String: [String]],
        defaults: [String: String],
        givenFlags: Set<String>,
        argumentValues: [String: [String]]
    ) {
        self.commandPath = commandPath
        self.optionValues = optionValues
        self.defaults = defaults
        self.givenFlags = givenFlags
        self.argumentValues = argumentValues
    }

    /// The option's value as given, else its declared default, else nil.
    /// For a repeatable option this is the last value given.
    public func value(_ option: String) -> String? {
        optionValues[option]?.last ?? defaults[option]
    }

    /// Every value given for the option, in order; the default alone when none was given.
    public func values(_ option: String) -> [String] {
        if let given = optionValues[option], !given.isEmpty { return given }
        return defaults[option].map { [$0] } ?? []
    }

    /// Whether the user gave the option at all (a default does not count).
    public func wasGiven(_ option: String) -> Bool {
        !(optionValues[option] ?? []).isEmpty
    }

    public func flag(_ name: String) -> Bool {
        givenFlags.contains(name)
    }

    /// The positional argument's value; for a repeating argument, the first one.
    public func argument(_ name: String) -> String? {
        argumentValues[name]?.first
    }

    /// Every value of a repeating positional argument, in order.
    public func arguments(_ name: String) -> [String] {
        argumentValues[name] ?? []
    }
}
