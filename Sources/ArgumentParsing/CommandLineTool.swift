import Foundation

/// A command tree plus the options every command accepts; parses command lines into
/// `ParseOutcome` values and renders help and usage errors. Pure: nothing here prints or exits
/// except the thin `parseOrExit`/`exit…` conveniences at the bottom.
///
///     let tool = CommandLineTool(root: Command("goodwill", abstract: "…", subcommands: [issue]),
///                                version: "1.0.0",
///                                globalOptions: [Option("db", valueName: "path", help: "…")],
///                                globalFlags: [Flag("json", help: "…")])
///     let invocation = tool.parseOrExit()
///     switch invocation.commandPath {
///     case ["issue"]: … invocation.value("amount") …
///     default: tool.exitWithFailure("'\(invocation.commandPath.joined(separator: " "))' is not implemented yet.")
///     }
public struct CommandLineTool: Sendable {
    /// EX_USAGE from sysexits(3): the command line was wrong.
    public static let usageExitCode: Int32 = 64
    /// The command was understood but failed while running.
    public static let failureExitCode: Int32 = 1
    public static let successExitCode: Int32 = 0

    /// Beyond this many arguments the line is refused rather than parsed.
    public static let maximumArgumentCount = 100_000
    /// Help and error text is wrapped to this many columns.
    public static let screenWidth = 80

    public var root: Command
    /// Shown by `--version`; an empty string disables `--version`.
    public var version: String
    /// Accepted anywhere on the line, before or after the subcommand, and listed in every help.
    public var globalOptions: [Option]
    public var globalFlags: [Flag]

    public init(root: Command, version: String, globalOptions: [Option] = [], globalFlags: [Flag] = []) {
        self.root = root
        self.version = version
        self.globalOptions = globalOptions
        self.globalFlags = globalFlags
    }

    var toolName: String { root.name }

    /// The commands from the root down the given path, or nil when a name does not exist.
    func commandStack(for path: [String]) -> [Command]? {
        var stack = [root]
        for word in path {
            guard let next = stack[stack.count - 1].subcommand(named: word) else { return nil }
            stack.append(next)
        }
        return stack
    }
}

// MARK: - Thin process conveniences

extension CommandLineTool {
    /// Parses the process's arguments; prints help or version and exits 0, or prints a usage
    /// error and exits 64. Returns only when there is a command to run.
    public func parseOrExit(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> ParsedInvocation {
        switch parse(arguments) {
        case .run(let invocation):
            return invocation
        case .help(let text), .version(let text):
            Self.write(text, to: .output)
            exit(Self.successExitCode)
        case .usageError(let error):
            exitWithUsageError(error)
        }
    }

    /// For a value the domain refuses after parsing (`--amount -5`): prints it as a usage error
    /// of the invoked command and exits 64.
    public func exitWithUsageError(_ message: String, for invocation: ParsedInvocation) -> Never {
        exitWithUsageError(UsageError(kind: .validation, message: message, commandPath: invocation.commandPath))
    }

    /// Prints a usage error (from `parse` or `usageError(_:for:)`) to stderr and exits 64.
    public func exitWithUsageError(_ error: UsageError) -> Never {
        Self.write(render(error), to: .error)
        exit(Self.usageExitCode)
    }

    /// For a runtime failure: prints `Error: <message>` to stderr and exits 1.
    public func exitWithFailure(_ message: String) -> Never {
        Self.write("Error: \(message)\n", to: .error)
        exit(Self.failureExitCode)
    }

    /// Help that cannot be written (standard output on a full disk) is a failure, exit 1.
    private static func write(_ text: String, to stream: StandardStream) {
        do { try stream.write(text) } catch {
            guard stream == .output else { return }  // nowhere left to say it
            try? StandardStream.error.write("Error: could not write to standard output: \(error).\n")
            exit(failureExitCode)
        }
    }
}
