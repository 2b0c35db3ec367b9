/// A named option that takes a value: `--amount 500`, `--amount=500`, `-a 500`.
public struct Option: Sendable, Hashable {
    /// The long name without dashes (`amount` for `--amount`); also the key in `ParsedInvocation`.
    public var name: String
    /// An optional one-letter name (`a` for `-a`).
    public var short: Character?
    /// The placeholder shown in help and usage (`<amount>`); defaults to `name`.
    public var valueName: String
    public var help: String
    /// A required option without a value is a usage error ("Missing expected argument").
    public var isRequired: Bool
    /// Returned by `ParsedInvocation.value(_:)` when the option is absent, and shown in help.
    public var defaultValue: String?
    /// Repeatable options collect every value; others refuse a second one.
    public var isRepeatable: Bool
    /// When set, any other value is refused with the list of these.
    public var allowedValues: [String]?

    public init(
        _ name: String,
        short: Character? = nil,
        valueName: String? = nil,
        help: String,
        required: Bool = false,
        default defaultValue: String? = nil,
        repeatable: Bool = false,
        allowedValues: [String]? = nil
    ) {
        self.name = name
        self.short = short
        self.valueName = valueName ?? name
        self.help = help
        self.isRequired = required
        self.defaultValue = defaultValue
        self.isRepeatable = repeatable
        self.allowedValues = allowedValues
    }

    /// `--amount <amount>`: how errors and the Help line name the option.
    var synopsis: String { "--\(name) <\(valueName)>" }
}
