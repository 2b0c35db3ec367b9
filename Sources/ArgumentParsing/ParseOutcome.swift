/// The result of parsing a command line. Texts are complete outputs ending in a newline,
/// ready to be written unchanged (help and version to stdout, errors to stderr).
public enum ParseOutcome: Sendable, Equatable {
    /// Run the command; the caller dispatches on `commandPath`.
    case run(ParsedInvocation)
    /// Help was asked for (or a group was run without a subcommand): stdout, exit 0.
    case help(String)
    /// `--version`: stdout, exit 0.
    case version(String)
    /// The command line is wrong: render with `CommandLineTool.render(_:)`, stderr, exit 64.
    case usageError(UsageError)
}
