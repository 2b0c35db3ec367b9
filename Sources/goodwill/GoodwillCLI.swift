import ArgumentParsing
import Foundation
import GoodwillCore
import Ledger
import Store

enum GoodwillCLI {
    static let version = "0.1.0"

    static var tool: CommandLineTool {
        CommandLineTool(
            root: Command("goodwill", abstract: "Gift cards and vouchers from issue to their last day, with goodwill.",
                          discussion: "Keeps a ledger of every voucher (issue, redemption, expiry, extension, refund, void) in one SQLite file, and proves it with 'goodwill verify'.",
                          subcommands: LedgerCommands.commands + GoodwillCommands.commands + ReminderCommands.commands
                              + KeyCommands.commands + ServeCommand.commands
                              + SupportCommands.commands + TransferCommands.commands),
            version: version,
            globalOptions: [Option("db", valueName: "path", help: "The database file (default: $GOODWILL_DB, else ./goodwill.db).")],
            globalFlags: [Flag("json", help: "Print JSON instead of text.")])
    }

    static var handlers: [[String]: (CLIContext) throws -> Int32] {
        LedgerCommands.handlers
            .merging(GoodwillCommands.handlers) { a, _ in a }
            .merging(ReminderCommands.handlers) { a, _ in a }
            .merging(KeyCommands.handlers) { a, _ in a }
            .merging(ServeCommand.handlers) { a, _ in a }
            .merging(SupportCommands.handlers) { a, _ in a }
            .merging(TransferCommands.handlers) { a, _ in a }
    }

    /// Runs one parsed command line; returns the exit code. A command that fails leaves no new
    /// database behind (see `NewDatabase`), unless it failed after storing its change.
    /// A -wal or -shm that a read left beside a database that was there is removed (see
    /// `DatabaseCompanions`).
    static func run(_ invocation: ParsedInvocation, environment: [String: String]) -> Int32 {
        var newDatabase: NewDatabase?
        var companions: DatabaseCompanions?
        var stored = false
        // The handler has returned here, so every connection it opened is closed.
        let status = execute(invocation, environment: environment, newDatabase: &newDatabase, companions: &companions, stored: &stored)
        if status != 0 && !stored { newDatabase?.removeCreated() }
        companions?.tidy()
        return status
    }

    /// `stored`: set when the command failed after its change was committed (the message says so).
    private static func execute(_ invocation: ParsedInvocation, environment: [String: String],
                                newDatabase: inout NewDatabase?, companions: inout DatabaseCompanions?, stored: inout Bool) -> Int32 {
        let tool = self.tool
        var databasePath: String?
        do {
            let clock = try ClockSetting.clock(from: environment, running: invocation.commandPath == ["serve"])
            let context = CLIContext(tool: tool, invocation: invocation, environment: environment, clock: clock)
            guard let handler = handlers[invocation.commandPath] else {
                // Groups print their help in the parser; anything else here is a wiring mistake.
                throw CLIError.failure("'\(invocation.commandPath.joined(separator: " "))' has no handler.")
            }
            databasePath = try? context.databasePath
            newDatabase = NewDatabase(path: databasePath)
            companions = DatabaseCompanions(path: databasePath)
            return try handler(context)
        } catch let error as CLIError {
            switch error {
            case .usage(let message):
                Output.standardError(tool.render(tool.usageError(message, for: invocation)))
                return CommandLineTool.usageExitCode
            case .failure(let message):
                return fail(message)
            case .failedAfterStoring(let message):
                stored = true
                return fail(message)
            case .output(let error):
                stored = true
                return fail("Could not write to standard output: \(error). Anything the command changed is stored all the same; check before running it again.")
            }
        } catch let error as LedgerError {
            return fail(error.description)
        } catch let error as StoreError {
            if case .cannotOpen(let path, _) = error, let told = DatabaseFiles.cannotOpen(path) { return fail(told) }
            return fail(error.description)
        } catch let error as DatabaseError {
            if error.isBusy { return fail("The database is busy with another process and stayed locked too long. Try again.") }
            // A full disk, permissions, a missing folder: what is wrong around the database, not in it.
            if let path = databasePath, let told = DatabaseFiles.explain(error, path: path, command: invocation.commandPath) {
                return fail(told)
            }
            return fail("The database reported an error: \(error.message). Run 'goodwill verify' and, if it persists, report it.")
        } catch {
            return fail("\(error)")
        }
    }

    static func fail(_ message: String) -> Int32 {
        Output.standardError("Error: \(message)\n")
        return CommandLineTool.failureExitCode
    }
}
