/// A positional argument: `goodwill policy explain <code>`.
///
/// Positionals are filled in declaration order. Optional ones must follow the required ones,
/// and only the last may repeat (it then collects everything left).
public struct Argument: Sendable, Hashable {
    /// The key in `ParsedInvocation` and the placeholder in help (`<code>`).
    public var name: String
    public var help: String
    public var isOptional: Bool
    public var isRepeating: Bool

    public init(_ name: String, help: String, optional: Bool = false, repeating: Bool = false) {
        self.name = name
        self.help = help
        self.isOptional = optional
        self.isRepeating = repeating
    }
}
