/// A command line that cannot be run as written, kept as a value so it can be tested and
/// rendered (`CommandLineTool.render(_:)`) in swift-argument-parser's layout:
///
///     Error: <message>
///     Help:  <help>            (only when there is something useful to say)
///     Usage: <usage line of the command>
///       See '<tool> <path> --help' for more information.
public struct UsageError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case unknownOption
        case unknownSubcommand
        case missingArgument
        case missingValue
        case unexpectedArgument
        case invalidValue
        case unexpectedValue
        case duplicateOption
        case tooManyArguments
        /// Raised by the caller after parsing (a value the domain refuses).
        case validation
    }

    public var kind: Kind
    /// The text after `Error: `.
    public var message: String
    /// The text after `Help:  `, if any.
    public var help: String?
    /// Subcommand names below the root, naming the command whose usage is shown.
    public var commandPath: [String]

    public init(kind: Kind, message: String, help: String? = nil, commandPath: [String]) {
        self.kind = kind
        self.message = message
        self.help = help
        self.commandPath = commandPath
    }
}
