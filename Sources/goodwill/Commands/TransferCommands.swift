import ArgumentParsing
import Foundation
import GoodwillCore
import Support

/// `goodwill import vouchers`, `goodwill export entries|vouchers`: moving books in and out.
enum TransferCommands {
    static var commands: [Command] {
        [
            Command("import", abstract: "Bring vouchers from another system into the ledger.", subcommands: [
                Command("vouchers", abstract: "Import a CSV book of vouchers, keeping their codes.",
                        discussion: "RFC 4180 CSV in UTF-8 (Excel: CSV UTF-8) with a header. Columns: \(SupportService.importColumns.joined(separator: ",")); code, value, balance, currency and issued are required. Amounts like 500 or 499.50; dates as YYYY-MM-DD (as Swedish settings write them) or DD.MM.YYYY (day.month.year, as German, Norwegian and Finnish settings write them; a date with slashes, 01/02/2026, or with hyphens and the year last, 01-02-2026 as Danish settings write day first, could be either order and is refused) (expires empty: no expiry). A file whose header is separated by semicolons (Excel's CSV where the comma is the decimal separator: Swedish, Danish, German, French…) is read by semicolons, with amounts like 499,50; a point or a thousands separator in its amounts is refused, not guessed. A first line sep=; or sep=, (as Excel reads it; also padded with the same separator, sep=;;;;, as LibreOffice or Google Sheets may write it back) names the separator; the header is then line 2. Blank lines are skipped, and so are lines of separators alone (;;;; or ,,,, as a spreadsheet writes below the data where cells were cleared); a line with text or a quoted \"\" in it is a row. Every row is checked; if any is bad nothing is imported and each bad row is listed with its line and reason. In \(SupportService.importColumns.filter(SupportService.importTextColumns.contains).joined(separator: ", ")) a leading ' before = + - or @ is the mark a spreadsheet-safe CSV (like the rejects file) puts there and is taken off: '=x comes in as =x, ''=x as '=x; 't Hooft stays as it is.",
                        arguments: [Argument("file", help: "The CSV file.")],
                        options: [Option("rejects", valueName: "file", help: "With --skip-invalid: write the rejected rows here, with line and reason, separated as the file was (and with its byte-order mark and sep= line, if it had them). Fix them, take out the line and reason columns, and import the file again.")],
                        flags: [Flag("skip-invalid", help: "Import the good rows and leave out the bad ones.")]),
            ]),
            Command("export", abstract: "Write the ledger for accounting systems, streaming, to standard output.", subcommands: [
                Command("entries", abstract: "Every ledger entry, in chain order.", discussion: exportDiscussion("actor, reason and reference"),
                        options: [format, separator], flags: [SupportCommands.bom]),
                Command("vouchers", abstract: "Every voucher with its current state.", discussion: exportDiscussion("experience"),
                        options: [format, separator], flags: [SupportCommands.bom]),
            ]),
        ]
    }

    static let format = Option("format", valueName: "format", help: "csv (default) or jsonl.", default: "csv", allowedValues: ["csv", "jsonl"])
    /// The reports' `--separator`, for the same Excel; an export has no decimal amounts to write
    /// with a comma, so only the separator changes.
    static let separator = Option("separator", valueName: "separator",
                                  help: "With CSV: comma (the default) or semicolon, as Excel reads CSV where the comma is the decimal separator (Swedish, Danish, German, French settings). Amounts are whole minor units, so the cells are the same either way.",
                                  allowedValues: CSVSeparator.allCases.map(\.rawValue))

    /// Why a name in the CSV may show a leading quote, for the finance user who opens it.
    static func exportDiscussion(_ textColumns: String) -> String {
        "Amounts are minor units (50000 is 500.00 SEK) beside the currency; times are UTC (RFC 3339); holders appear by ID only. CSV is RFC 4180, UTF-8 without a byte-order mark unless --bom asks for one (without it, in Excel: Data > From Text/CSV, UTF-8), CRLF line ends; --separator semicolon separates the fields by semicolons, so Excel where the comma is the decimal separator opens it in columns by a double click (the cells are the same: amounts are whole minor units). In CSV, text from outside (\(textColumns)) that starts with = + - @, a tab or a carriage return is written with a leading ' so a spreadsheet shows it as text instead of running it as a formula (OWASP CSV Injection); that is why such a cell shows a leading '. Amounts (a redemption is -50000), dates, IDs and codes are written as they are. JSON lines are written as stored. Not an import format: 'goodwill import vouchers' takes amounts in the currency's unit and other columns."
    }

    static var handlers: [[String]: (CLIContext) throws -> Int32] {
        [["import", "vouchers"]: importVouchers,
         ["export", "entries"]: { try export($0, .entries) }, ["export", "vouchers"]: { try export($0, .vouchers) }]
    }

    static func importVouchers(_ c: CLIContext) throws -> Int32 {
        let skip = c.flag("skip-invalid")
        let rejectsPath = c.value("rejects")
        if rejectsPath != nil && !skip { throw CLIError.usage("--rejects goes with --skip-invalid (without it, a bad row stops the whole import).") }
        let file = try c.required("file")
        try Parse.inputFile(file, example: "vouchers.csv")
        // The import commits before the rejects are written: a place they cannot go must stop it first.
        if let rejectsPath { try checkWritable(rejectsPath, input: file) }
        let result = try SupportService(ledger: try c.createOrOpenLedger()).importVouchers(file: file, skipInvalid: skip, actor: c.actor)
        if let rejectsPath, !result.rejected.isEmpty {
            let (header, dialect) = try CSVHeader.read(file)
            do { try SupportService.rejectsCSV(result.rejected, header: header, dialect: dialect).write(toFile: rejectsPath, atomically: true, encoding: .utf8) } catch {
                throw CLIError.failedAfterStoring("Imported \(Plural.count(result.imported, "voucher")), but the rejects could not be written to \(rejectsPath): \(error.localizedDescription)")
            }
        }
        if c.json {
            try c.print(try Output.json(result))
        } else {
            var lines: [String] = []
            if !result.committed {
                Output.standardError(result.rejected.map { "line \($0.line)\($0.code.map { " (\($0))" } ?? ""): \($0.reason)\n" }.joined())
                return GoodwillCLI.fail(SupportError.importRejected(rows: result.rejected.count, firstLine: result.rejected.first?.line ?? 0).description)
            }
            if result.separator == .semicolon {
                lines.append("Read \(file) as separated by semicolons (its header is), with amounts like 499,50.")
            }
            lines.append("Imported \(result.imported) of \(Plural.count(result.rows, "voucher")) from \(file); \(Plural.count(result.holdersCreated, "new holder")).")
            lines += result.balances.map { "  \($0.currency): \(Plural.count($0.vouchers, "voucher")), \($0.amount.decimalString) in balances" }
            if !result.rejected.isEmpty {
                lines.append("Left out \(Plural.count(result.rejected.count, "invalid row"))" + (rejectsPath.map { " (written to \($0))" } ?? "") + ":")
                lines += result.rejected.prefix(20).map { "  line \($0.line): \($0.reason)" }
                if result.rejected.count > 20 { lines.append("  …") }
            }
            try c.print(lines.joined(separator: "\n"))
        }
        return result.committed ? 0 : 1
    }

    /// `--rejects` names a file that can be written: not a folder, in a folder that exists and
    /// takes new files (the file is written whole beside itself, then renamed into place).
    /// Nor the file being imported: the rejects would replace the book once its good rows were in.
    static func checkWritable(_ path: String, input: String) throws {
        var isFolder: ObjCBool = false
        if sameFile(path, input) {
            throw CLIError.usage("--rejects '\(path)' is the file being imported; the rejected rows would replace it. Name another file, like rejects.csv. Nothing was imported.")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw CLIError.usage("--rejects '\(path)' is a folder. Name a file to write the rejected rows to, like rejects.csv. Nothing was imported.")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw CLIError.usage("--rejects '\(path)': the folder '\(folder)' does not exist. Create it, or name a file in a folder that exists. Nothing was imported.")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw CLIError.usage("--rejects '\(path)': cannot write in '\(folder)' (\(String(cString: strerror(errno)))). Name a file in a folder you can write to. Nothing was imported.")
        }
    }

    /// Whether two paths name one file: however spelled (./, .., symbolic links), or hard-linked.
    static func sameFile(_ a: String, _ b: String) -> Bool {
        func resolved(_ p: String) -> String { URL(fileURLWithPath: p).standardizedFileURL.resolvingSymlinksInPath().path }
        if resolved(a) == resolved(b) { return true }
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    static func export(_ c: CLIContext, _ table: ExportTable) throws -> Int32 {
        let format = ExportFormat(rawValue: c.json ? "jsonl" : (c.value("format") ?? "csv")) ?? .csv
        if c.flag("bom") && format != .csv {
            throw CLIError.usage("--bom goes with CSV (it marks a CSV file as UTF-8 for Excel); JSON lines take none. Leave --bom out.")
        }
        if c.value("separator") != nil && format != .csv {
            throw CLIError.usage("--separator goes with CSV (it says what separates the CSV's fields); JSON lines have none. Leave --separator out.")
        }
        let separator = SupportCommands.separator(c)
        var buffer = c.flag("bom") ? CSV.byteOrderMark : ""
        buffer.reserveCapacity(1 << 16)
        try SupportCommands.service(c, reading: true).export(table, format: format, separator: separator) { text in
            buffer += text
            if buffer.utf8.count >= 1 << 16 { try Output.standardOutput(buffer); buffer.removeAll(keepingCapacity: true) }
        }
        try Output.standardOutput(buffer)
        return 0
    }
}

/// The header line of a CSV file and how the file is written, read as the import reads it (for
/// the rejects file).
enum CSVHeader {
    static func read(_ path: String) throws -> (fields: [String], dialect: CSVDialect) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        return try data.withUnsafeBytes { raw in
            var reader = CSVReader(detectingSeparatorIn: raw)
            return (try reader.next()?.fields ?? [], reader.dialect)
        }
    }
}
