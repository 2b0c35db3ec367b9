/// A named switch without a value: `--json`, `--dry-run`, `-j`.
///
/// Giving a flag twice is harmless; giving it a value (`--json=yes`) is a usage error.
public struct Flag: Sendable, Hashable {
    /// The long name without dashes (`dry-run` for `--dry-run`); also the key in `ParsedInvocation`.
    public var name: String
    public var short: Character?
    public var help: String

    public init(_ name: String, short: Character? = nil, help: String) {
        self.name = name
        self.short = short
        self.help = help
    }
}
