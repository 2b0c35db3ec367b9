import ArgumentParsing
import Foundation
import GoodwillCore
import Ledger
import Store

/// A failure the CLI reports: a usage error (exit 64, with the usage line) or a runtime failure (exit 1).
enum CLIError: Error {
    case usage(String)
    case failure(String)
    /// A failure after the command's change was committed (exit 1): the message says what is
    /// stored, so a database the command created is kept.
    case failedAfterStoring(String)
    /// Standard output could not be written (a full disk, a closed pipe); exit 1.
    case output(StreamWriteError)
}

/// What every command handler gets: the parsed line, where the database is, the clock, and
/// how to print.
struct CLIContext {
    let tool: CommandLineTool
    let invocation: ParsedInvocation
    let environment: [String: String]
    let clock: any Clock

    var json: Bool { invocation.flag("json") }

    /// `--db`, else `GOODWILL_DB`, else `./goodwill.db`. A name SQLite would open as a throwaway
    /// database (empty, `:memory:`, a `file:` URI that may say `mode=memory`) is refused: every
    /// command would seem to work and nothing would be kept.
    var databasePath: String {
        get throws {
            let (path, source): (String, String)
            if let given = invocation.value("db") {
                (path, source) = (given, "--db '\(given)'")
            } else if let set = environment["GOODWILL_DB"], !set.isEmpty {
                (path, source) = (set, "GOODWILL_DB='\(set)'")
            } else {
                return "goodwill.db"
            }
            if path.isEmpty || path == ":memory:" {
                throw CLIError.usage("\(source) would open a temporary database that SQLite deletes when the command ends, so nothing would be kept. Give the path of the database file, like ./goodwill.db.")
            }
            if path.hasPrefix("file:") {
                throw CLIError.usage("\(source) is an SQLite URI, which can open a database kept only in memory; Goodwill takes a plain path. Give the path of the database file, like ./goodwill.db.")
            }
            return path
        }
    }

    /// Who the ledger records as actor for commands run from a shell.
    var actor: String { "cli:" + (environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "operator") }

    /// The ledger at `databasePath`, which must exist. Opening creates a missing file, so a
    /// command that reads, or changes what is already there, would run on a mistyped path against
    /// a new empty database and succeed ("0 vouchers verified", "Balanced"), and a cron job with
    /// the wrong path would pass forever.
    func openLedger() throws -> Ledger {
        try openLedger(at: try existingDatabasePath())
    }

    /// `databasePath`, refused when it holds no database.
    private func existingDatabasePath() throws -> String {
        let path = try databasePath
        // An empty file, a folder or a device is no database, and opening would write to it; a log
        // may lie there with no file (`strandedLog`), so this comes before asking for the file.
        if let refusal = DatabaseFiles.refusalToRead(path) { throw CLIError.failure(refusal) }
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError.failure("No Goodwill database at \(path). Check --db or GOODWILL_DB; 'goodwill init' creates one.")
        }
        return path
    }

    /// The ledger at `databasePath`, which must exist, opened read-only: for the commands that only
    /// read (show, list, entries, verify, the reports, exports, the `list`, `show`, `explain` and
    /// `simulate` of the other groups). They work where the book may be read but not written: a
    /// read-only mount, a backup owned by someone else (`DatabaseFiles.readOpening`).
    ///
    /// A book of an older schema cannot be brought up to date read-only (the migrations write).
    /// Where it can be written it is opened read-write and brought up to date, as the first command
    /// of a newer goodwill always has; where it cannot, the command is refused, saying why.
    func readLedger() throws -> Ledger {
        let path = try existingDatabasePath()
        let immutable: Bool
        switch DatabaseFiles.readOpening(path) {
        case .refused(let why): throw CLIError.failure(why)
        case .readOnly: immutable = false
        case .immutable: immutable = true
        }
        let database = try Database(path: path, options: .init(durable: durable, readOnly: true, immutable: immutable))
        let version = Int(try database.scalarInt("PRAGMA user_version"))
        if version < Schema.newestVersion {
            let reasons = DatabaseFiles.unwritable(path)
            guard !immutable, reasons.isEmpty else {
                throw CLIError.failure(DatabaseFiles.olderSchemaMessage(path, found: version, reasons: reasons))
            }
            return try openLedger(at: path)
        }
        return try Ledger(database: database, clock: clock)
    }

    /// The ledger at `databasePath`, created if there is none: for the commands that set a
    /// database up or put something new into it (init, issue, import, keys create, policy
    /// activate, policy jurisdiction CODE; fixtures load and serve open theirs themselves).
    /// An empty file becomes a new database; a folder or a device is refused.
    func createOrOpenLedger() throws -> Ledger {
        let path = try databasePath
        if let refusal = DatabaseFiles.refusalToOpen(path) { throw CLIError.failure(refusal) }
        return try openLedger(at: path)
    }

    private func openLedger(at path: String) throws -> Ledger {
        try Ledger(path: path, clock: clock, options: .init(durable: durable))
    }

    private var durable: Bool { environment["GOODWILL_SYNCHRONOUS"]?.lowercased() != "normal" }

    func value(_ name: String) -> String? { invocation.value(name) }
    func argument(_ name: String) -> String? { invocation.argument(name) }
    func flag(_ name: String) -> Bool { invocation.flag(name) }

    /// The value of a required option or argument (the parser guarantees it is there).
    func required(_ name: String) throws -> String {
        if let v = invocation.value(name) ?? invocation.argument(name) { return v }
        throw CLIError.usage("Missing expected argument '\(name)'")
    }

    func print(_ text: String) throws(CLIError) { try Output.standardOutput(text.hasSuffix("\n") ? text : text + "\n") }

    /// Prints `value` as JSON with `--json`, otherwise the human text.
    func emit<T: Encodable>(_ value: T, text: @autoclosure () -> String) throws {
        if json { try print(try Output.json(value)) } else { try print(text()) }
    }
}

enum Output {
    /// A failed write throws `CLIError.output`: the command fails (exit 1) saying so, rather
    /// than trapping after its change is committed.
    static func standardOutput(_ text: String) throws(CLIError) {
        do { try StandardStream.output.write(text) } catch { throw CLIError.output(error) }
    }

    /// A failed write to standard error has nowhere to be reported, so it is dropped.
    static func standardError(_ text: String) {
        try? StandardStream.error.write(text)
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A plain table: a header row, aligned columns, two spaces apart.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    /// `key: value` lines with the keys aligned.
    static func fields(_ pairs: [(String, String?)]) -> String {
        let shown = pairs.compactMap { k, v in v.map { (k, $0) } }
        let width = shown.map(\.0.count).max() ?? 0
        return shown.map { k, v in (k + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0) + " " + v }
            .joined(separator: "\n")
    }
}
