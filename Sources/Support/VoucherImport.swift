import Foundation
import GoodwillCore
import Ledger
import Store

/// One refused row of an import: where, which code, and why.
public struct ImportRejection: Sendable, Codable, Equatable {
    public var line: Int
    public var code: String?
    public var reason: String
    /// The row's fields as read, for the rejects file.
    public var fields: [String]
}

public struct ImportResult: Sendable, Codable, Equatable {
    public var file: String
    /// Rows read (not counting the header).
    public var rows: Int
    public var imported: Int
    public var holdersCreated: Int
    /// Value and balance brought in, per currency.
    public var balances: [AmountLine]
    public var rejected: [ImportRejection]
    /// False when a bad row stopped the whole import (nothing was stored).
    public var committed: Bool
    /// What separated the fields, as the header line showed: `semicolon` (amounts read with a
    /// decimal comma) or `comma`.
    public var separator: CSVSeparator = .comma

    enum CodingKeys: String, CodingKey {
        case file, rows, imported, holdersCreated = "holders_created", balances, rejected, committed, separator
    }
}

/// `goodwill import vouchers FILE.csv`: a book of vouchers from another system, old codes kept.
extension SupportService {
    public static let importColumns = ["code", "value", "balance", "currency", "issued", "expires", "holder_email", "holder_name",
                                       "purchaser_email", "purchaser_name", "experience", "kind"]
    static let requiredImportColumns: Set<String> = ["code", "value", "balance", "currency", "issued"]
    /// The columns of free text from outside. A spreadsheet-safe cell in them, as Goodwill's own
    /// rejects file writes it (`CSV.guarded`: a leading ' before = + - @), is read as it was before
    /// the quote was added; see `importedText`.
    public static let importTextColumns: Set<String> = ["holder_email", "holder_name", "purchaser_email", "purchaser_name", "experience"]

    /// A free-text cell as the import reads it: spaces and tabs around it dropped, then one quote
    /// that `CSV.guarded` put in front of a formula character taken off (`'=x` → `=x`, `''=x` → `'=x`).
    static func importedText(_ cell: String) -> String { CSV.unguarded(FastText.trimmed(cell)) }

    /// Validates every row. With any bad row nothing is stored (unless `skipInvalid`, which stores
    /// the good rows). One transaction, statements prepared once: a million rows in seconds.
    public func importVouchers(file path: String, skipInvalid: Bool = false, actor: String,
                               rebuildIndexesAbove threshold: Int = bulkIndexThreshold) throws -> ImportResult {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw SupportError.invalid("Cannot read \(path): \(error.localizedDescription)")
        }
        struct Abort: Error { let result: ImportResult }
        let previousCacheSize = try db.scalarInt("PRAGMA cache_size")
        // Foreign keys are not checked row by row during an import: every row it writes refers only
        // to holders and vouchers it has just written or found, and the lookups cost a tenth of the
        // time. The setting is per connection and takes effect outside a transaction
        // (https://sqlite.org/foreignkeys.html#fk_enable); it is back on before this returns.
        try db.execute("PRAGMA foreign_keys = OFF")
        // A big import touches every index page; a larger page cache for this connection keeps
        // them in memory instead of spilling to the WAL mid-transaction (https://sqlite.org/pragma.html#pragma_cache_size).
        try db.execute("PRAGMA cache_size = -262144")
        defer {
            try? db.execute("PRAGMA foreign_keys = ON")
            try? db.execute("PRAGMA cache_size = \(previousCacheSize)")
            try? db.execute("PRAGMA threads = 0")
        }
        // A big book is imported with a rollback journal when nothing else has the file open: its
        // new pages are written once instead of twice (see `Database.withRollbackJournal`).
        let bulk = data.count > threshold
        do {
            func importing() throws -> ImportResult { try db.writeTransaction {
                // For a big book, the secondary (non-unique) indexes are dropped and built again at
                // the end, in the same transaction: one sort instead of a million random inserts
                // (https://sqlite.org/lang_createindex.html). A rollback brings them back as they were.
                let rebuild = bulk ? try secondaryIndexes() : []
                for index in rebuild { try db.execute("DROP INDEX \(index.name)") }
                var result = try data.withUnsafeBytes { raw in
                    try VoucherImporter(service: self, actor: actor, file: path, skipInvalid: skipInvalid).run(CSVReader(detectingSeparatorIn: raw))
                }
                if !result.rejected.isEmpty && !skipInvalid {
                    result.imported = 0; result.holdersCreated = 0; result.balances = []; result.committed = false
                    throw Abort(result: result)
                }
                if !rebuild.isEmpty {
                    // SQLite sorts an index's keys on helper threads only when they do not fit one
                    // in-memory run, whose size follows the page cache; a small cache while building
                    // sorts a million keys on both cores (https://sqlite.org/pragma.html#pragma_threads).
                    // Dirty pages the smaller cache cannot hold go to the file, as they would at commit.
                    try db.execute("PRAGMA threads = 2")
                    try db.execute("PRAGMA cache_size = -16384")
                    for index in rebuild { try db.execute(index.sql) }
                }
                return result
            } }
            return bulk ? try db.withRollbackJournal(importing).value : try importing()
        } catch let abort as Abort {
            return abort.result
        }
    }

    /// Files larger than this (about 50,000 rows) are imported with their secondary indexes rebuilt.
    public static let bulkIndexThreshold = 5_000_000

    /// Non-unique indexes of the tables an import fills, with the SQL that made them.
    func secondaryIndexes() throws -> [(name: String, sql: String)] {
        try db.query("""
            SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
              AND tbl_name IN ('vouchers', 'entries', 'holders') AND sql NOT LIKE 'CREATE UNIQUE%'
            """) { ($0.text(0), $0.text(1)) }
    }

    /// Writes rejected rows as CSV: the import columns, then `line` and `reason`. It is opened in a
    /// spreadsheet to be fixed, so the free-text columns and the reason are guarded against
    /// formulas; each free-text cell is written as the import read it (`importedText`), so a cell
    /// that came in guarded is not guarded twice, and the file, fixed and without `line` and
    /// `reason`, imports as the first file would have. It is written in the `dialect` of the file
    /// it came from (separator, byte-order mark), so the spreadsheet that wrote that file opens it
    /// the same way; amounts are kept as they were written (`499,50` in a semicolon file).
    public static func rejectsCSV(_ rejected: [ImportRejection], header: [String], dialect: CSVDialect = CSVDialect()) -> String {
        let text = header.map { importTextColumns.contains(FastText.trimmed($0).lowercased()) }
        let columns = CSVColumns(header + ["line", "reason"], isText: text + [false, true], separator: dialect.separator)
        return dialect.start + columns.header + rejected.map { r in
            // A row that could not be split into fields (a broken quote) keeps the columns aligned.
            var fields = r.fields.count == header.count ? r.fields : (r.fields + Array(repeating: "", count: header.count)).prefix(header.count).map { $0 }
            for i in fields.indices where text[i] { fields[i] = importedText(fields[i]) }
            return columns.line(fields + [String(r.line), r.reason])
        }.joined()
    }
}

/// The single pass over the file: parse, validate, and (while nothing is wrong, or when skipping) write.
struct VoucherImporter {
    let service: SupportService
    let actor: String
    let file: String
    let skipInvalid: Bool

    struct Row: Sendable {
        var code: String, codeKey: String, value: Money, balance: Money, issuedAt: Date, lastDay: LocalDate?
        var holderEmail: String?, holderName: String?, purchaserEmail: String?, purchaserName: String?
        var experience: String?, kind: VoucherKind
    }

    func run(_ reader: CSVReader) throws -> ImportResult {
        var reader = reader
        var result = ImportResult(file: file, rows: 0, imported: 0, holdersCreated: 0, balances: [], rejected: [], committed: true,
                                  separator: reader.dialect.separator)
        let header: [String]
        do {
            guard let first = try reader.next() else { throw SupportError.invalid("\(file) is empty; it needs a header line: \(SupportService.importColumns.joined(separator: ","))") }
            header = first.fields.map { FastText.trimmed($0).lowercased() }
        } catch let f as CSVReader.Failure { throw SupportError.invalid("\(file) \(f.description)") }
        let unknown = header.filter { !SupportService.importColumns.contains($0) }
        let missing = SupportService.requiredImportColumns.subtracting(header)
        guard unknown.isEmpty, missing.isEmpty, Set(header).count == header.count else {
            // Names run together by the other separator: the sep= line says one, the header has the other.
            let dialect = reader.dialect
            if let line = dialect.separatorLine, unknown.contains(where: { $0.contains(dialect.separator == .comma ? ";" : ",") }) {
                let (named, other) = dialect.separator == .comma ? ("commas", "semicolons") : ("semicolons", "commas")
                throw SupportError.invalid("\(file): its first line, \(CSVReader.shown(line)), says the fields are separated by \(named), but the header line on line 2 is separated by \(other). Make them agree: change the sep= line to the header's separator, or take it out.")
            }
            // Names run together by the other separator: the first line has both.
            if unknown.contains(where: { $0.contains(";") || $0.contains(",") }) {
                throw SupportError.invalid("\(file): the header line has both commas and semicolons between its names, so the file cannot be split into columns. Use one of them between every field: commas, or semicolons as Excel writes where the comma is the decimal separator (then amounts take a decimal comma, like 499,50).")
            }
            throw SupportError.invalid("\(file): the header must name the columns \(SupportService.importColumns.joined(separator: ",")) (code, value, balance, currency and issued are required)"
                + (missing.isEmpty ? "" : "; missing: \(missing.sorted().joined(separator: ", "))")
                + (unknown.isEmpty ? "" : "; unknown: \(unknown.joined(separator: ", "))") + ".")
        }
        let column = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        let now = service.now
        let zoneName = service.ledger.configuration.defaultTimeZone
        let zone: ZonedCalendar
        do { zone = try ZonedCalendar(zoneName: zoneName) } catch { throw SupportError.invalid("The default time zone: \(error.description)") }
        let today = zone.localDate(of: now)
        var writer = try BulkWriter(service: service, actor: actor, reason: "imported from \(URL(fileURLWithPath: file).lastPathComponent)",
                                    zone: zone, now: now)
        let vouchersOnFile = try service.ledger.store.countVouchers() > 0

        // Two stages: this thread writes (it owns the connection and its transaction); another reads
        // and checks the rows ahead of it, in order, in batches. Rows arrive in file order, so
        // "stop writing after the first bad row" means the same as in one loop.
        let channel = BatchChannel()
        let producer = DispatchGroup()
        let input = UnsafeInput(reader: reader)
        let columnCount = header.count
        let isText = header.map(SupportService.importTextColumns.contains)
        let chain = writer.chain
        let decimalComma = reader.dialect.separator == .semicolon
        DispatchQueue.global(qos: .userInitiated).async(group: producer) {
            Self.produce(input, column: column, isText: isText, columnCount: columnCount, today: today, zone: zone, chain: chain,
                         decimalComma: decimalComma, keepFields: vouchersOnFile, into: channel)
        }
        var finished = false
        do {
            while !finished {
                let batch = channel.take()
                if let rows = batch.finalRowCount { result.rows = rows; finished = true }
                if let stop = batch.unreadable {
                    channel.giveBack(batch)
                    throw SupportError.invalid("\(file) line \(stop.line): \(stop.reason); the file cannot be read past it, so nothing was imported (not even with --skip-invalid). Fix that line and import the file again.")
                }
                for item in batch.items {
                    switch item {
                    case .rejected(let r):
                        result.rejected.append(r)
                    case .row(let line, let fields, let row, let planned):
                        if vouchersOnFile, try service.db.scalarInt("SELECT count(*) FROM vouchers WHERE code_key = ?", [.text(row.codeKey)]) > 0 {
                            result.rejected.append(ImportRejection(line: line, code: row.code,
                                                                   reason: SupportError.invalid("code '\(row.code)' is already on file").description, fields: fields))
                        } else if result.rejected.isEmpty || skipInvalid {
                            try writer.write(row, planned)
                            result.imported += 1
                        }
                    }
                }
                channel.giveBack(batch)
            }
        } catch {
            // Stop the reading stage and let it finish before the mapped file goes away.
            channel.cancel()
            while !finished { finished = channel.take().finalRowCount != nil }
            producer.wait()
            throw error
        }
        producer.wait()
        try writer.finish()
        result.rejected.sort { $0.line < $1.line }
        result.holdersCreated = writer.holdersCreated
        result.balances = writer.totals.keys.sorted().map {
            AmountLine(currency: $0, month: nil, vouchers: writer.totals[$0]!.0, amount: SupportService.money(writer.totals[$0]!.1, $0))
        }
        return result
    }

    /// The reading stage: parse and check every record, plan its entries, hand them on in batches,
    /// end with the row count. A good row's fields are kept only when the writer may still refuse
    /// it (its code could be on file), for the rejects file.
    static func produce(_ input: UnsafeInput, column: [String: Int], isText: [Bool], columnCount: Int, today: LocalDate, zone: ZonedCalendar,
                        chain: ImportChain, decimalComma: Bool, keepFields: Bool, into channel: BatchChannel) {
        var reader = input.reader
        var chain = chain
        var seen = Set<String>()
        var checks = ImportChecks(zone: zone)
        var batch: [ImportItem] = []
        batch.reserveCapacity(BatchChannel.batchSize)
        var rows = 0
        var unreadable: ImportRejection?
        while !channel.isCancelled {
            let record: (line: Int, fields: [String])
            do {
                guard let r = try reader.next() else { break }
                record = r
            } catch let f as CSVReader.Failure where f.recoverable {
                // A stray quote outside a quoted field: this row is rejected, the next one read.
                rows += 1
                batch.append(.rejected(ImportRejection(line: f.line, code: nil, reason: f.problem, fields: [])))
                continue
            } catch {
                // An unclosed quote: the rest of the file cannot be told apart from its field, so
                // the import fails as a whole, also with --skip-invalid (which would otherwise
                // import the rows before it and silently leave out every row after).
                let f = error as? CSVReader.Failure
                unreadable = ImportRejection(line: f?.line ?? 0, code: nil, reason: f?.problem ?? "\(error)", fields: [])
                break
            }
            rows += 1
            func field(_ name: String) -> String? {
                guard let i = column[name], i < record.fields.count else { return nil }
                let t = isText[i] ? SupportService.importedText(record.fields[i]) : FastText.trimmed(record.fields[i])
                return t.isEmpty ? nil : t
            }
            do {
                guard record.fields.count == columnCount else {
                    throw SupportError.invalid("has \(record.fields.count) fields, the header has \(columnCount)")
                }
                let row = try validate(field, today: today, zone: zone, decimalComma: decimalComma, seen: &seen, checks: &checks)
                batch.append(.row(line: record.line, fields: keepFields ? record.fields : [], row: row, planned: chain.plan(row)))
            } catch {
                let reason = (error as? SupportError)?.description ?? "\(error)"
                batch.append(.rejected(ImportRejection(line: record.line, code: field("code"), reason: reason, fields: record.fields)))
            }
            if batch.count == BatchChannel.batchSize {
                channel.put(ImportBatch(items: batch, finalRowCount: nil))
                batch.removeAll(keepingCapacity: true)
            }
        }
        channel.put(ImportBatch(items: batch, finalRowCount: rows, unreadable: unreadable))
    }

    /// `decimalComma`: amounts are written "499,50", as in a file separated by semicolons.
    static func validate(_ field: (String) -> String?, today: LocalDate, zone: ZonedCalendar, decimalComma: Bool = false,
                         seen: inout Set<String>, checks: inout ImportChecks) throws -> Row {
        func bad(_ s: String) -> SupportError { .invalid(s) }
        guard let code = field("code") else { throw bad("code is empty") }
        let key = FastText.codeKey(code)
        guard !key.isEmpty, key.count <= 64, code.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else {
            throw bad("code '\(code)' must be 1 to 64 visible ASCII characters")
        }
        guard seen.insert(key).inserted else { throw bad("code '\(code)' appears earlier in the file") }
        // Whether the code is already on file is asked by the writing stage, which owns the connection.
        guard let currencyText = field("currency"), let currency = Currency(code: currencyText.uppercased()) else {
            throw bad("currency '\(field("currency") ?? "")' is not an ISO 4217 code Goodwill knows (SEK, EUR, NOK, DKK, USD…)")
        }
        func amount(_ name: String) throws -> Money {
            guard let t = field(name) else { throw bad("\(name) is empty") }
            if decimalComma {
                do { return try DecimalComma.money(t, currency: currency) } catch { throw bad("\(name) '\(t)'\(error.problem)") }
            }
            if let m = FastText.money(t, currency: currency) { return m }
            do { return try Money.parse(t, currency: currency) } catch { throw bad("\(name) '\(t)': \(error.description)") }
        }
        /// An amount in a reason, written as the file writes amounts (a semicolon file: 499,50).
        func shown(_ m: Money) -> String {
            decimalComma ? DecimalComma.written(m.decimalString) : m.decimalString
        }
        let value = try amount("value"), balance = try amount("balance")
        guard value.minorUnits > 0 else { throw bad("value must be more than zero") }
        guard value.minorUnits <= Money.voucherLimitMinorUnits else {
            throw bad("value \(shown(value)) is more than a voucher may hold (\(shown(Money(minorUnits: Money.voucherLimitMinorUnits, currency: currency)))); check it for extra digits")
        }
        guard balance.minorUnits >= 0, balance.minorUnits <= value.minorUnits else {
            throw bad("balance \(shown(balance)) must be between 0 and the value \(shown(value))")
        }
        guard let issuedText = field("issued") else { throw bad("issued is empty; give the issue date as \(ImportDate.formats)") }
        let issuedAt: Date
        let issuedDay: LocalDate
        if let d = checks.day(issuedText) { issuedDay = d; issuedAt = checks.startOfDay(d) }
        else if let t = RFC3339.parse(issuedText) { issuedAt = t; issuedDay = zone.localDate(of: t) }
        else { throw bad("issued '\(issuedText)' \(ImportDate.problem(issuedText))") }
        guard issuedDay <= today else { throw bad("issued \(issuedDay) is in the future") }
        // The ledger's times count from 1970 (and before 1582 the calendar is not even Gregorian).
        guard issuedDay >= SupportService.earliestPeriodDay else {
            throw bad("issued \(issuedDay) is before 1970-01-01, the earliest day the ledger records; check the year")
        }
        var lastDay: LocalDate?
        if let e = field("expires") {
            guard let d = checks.day(e) else { throw bad("expires '\(e)' \(ImportDate.problem(e)); leave it empty for no expiry") }
            guard d >= issuedDay else { throw bad("expires \(d) is before issued \(issuedDay)") }
            lastDay = d
        }
        func email(_ name: String) throws -> String? {
            guard let e = field(name) else { return nil }
            guard checks.plausible(email: e) else { throw bad("\(name) '\(e)' does not look like an email address") }
            return e
        }
        func text(_ name: String, max: Int) throws -> String? {
            guard let t = field(name) else { return nil }
            guard t.count <= max else { throw bad("\(name) is longer than \(max) characters") }
            // A line break (inside quotes) is text; other control characters are not.
            guard FastText.hasNoControlCharacters(t) else { throw bad("\(name) contains control characters") }
            return t
        }
        let holderEmail = try email("holder_email"), purchaserEmail = try email("purchaser_email")
        let holderName = try text("holder_name", max: 200), purchaserName = try text("purchaser_name", max: 200)
        if holderName != nil && holderEmail == nil { throw bad("holder_name is given without holder_email; a holder is found again by email") }
        if purchaserName != nil && purchaserEmail == nil { throw bad("purchaser_name is given without purchaser_email") }
        let experience = try text("experience", max: 500)
        var kind: VoucherKind = experience == nil ? .giftCard : .experience
        if let k = field("kind") {
            guard let parsed = VoucherKind(rawValue: k) else { throw bad("kind '\(k)' must be gift_card or experience") }
            kind = parsed
        }
        return Row(code: code, codeKey: key, value: value, balance: balance, issuedAt: issuedAt, lastDay: lastDay,
                   holderEmail: holderEmail, holderName: holderName, purchaserEmail: purchaserEmail, purchaserName: purchaserName,
                   experience: experience, kind: kind)
    }
}

/// What the import looks up again and again, computed once: instants of days, emails already checked.
struct ImportChecks {
    let zone: ZonedCalendar
    var days: [LocalDate: Date] = [:]
    var emails = Set<String>()

    init(zone: ZonedCalendar) { self.zone = zone }

    var dayTexts: [String: LocalDate] = [:]

    /// A date as `ImportDate` reads it (2026-01-15 or 15.01.2026), parsed once per distinct text.
    mutating func day(_ text: String) -> LocalDate? {
        if let d = dayTexts[text] { return d }
        guard let d = ImportDate.day(text) else { return nil }
        dayTexts[text] = d
        return d
    }

    mutating func startOfDay(_ d: LocalDate) -> Date {
        if let t = days[d] { return t }
        let t = zone.startOfDay(d)
        days[d] = t
        return t
    }

    mutating func plausible(email: String) -> Bool {
        if emails.contains(email) { return true }
        guard FastText.plausibleEmail(email) else { return false }
        emails.insert(email)
        return true
    }
}

enum ImportItem: Sendable {
    case row(line: Int, fields: [String], row: VoucherImporter.Row, planned: PlannedVoucher)
    case rejected(ImportRejection)
}

struct ImportBatch: Sendable {
    var items: [ImportItem]
    /// Set on the last batch: how many records the file had.
    var finalRowCount: Int?
    /// Set on the last batch when the reading stopped at a record the rest of the file cannot be
    /// read past (an unclosed quote).
    var unreadable: ImportRejection?
}

/// The mapped file's bytes, read by the checking stage while the writing stage waits for its batches.
/// Safe to send: the bytes are mapped read-only and outlive both stages (the caller waits for the
/// reader to finish inside `withUnsafeBytes`), and only the checking stage reads them.
struct UnsafeInput: @unchecked Sendable {
    let reader: CSVReader
}

/// A bounded queue of batches from the checking stage to the writing stage: at most `capacity`
/// batches wait, so a fast reader cannot fill memory with a slow writer.
final class BatchChannel: @unchecked Sendable {
    // Every stored property is guarded by `lock`; the semaphores count free and filled slots.
    static let batchSize = 1024
    static let capacity = 16
    private let lock = NSLock()
    private var queue: [ImportBatch] = []
    private var returned: [ImportBatch] = []
    private var cancelled = false
    private let filled = DispatchSemaphore(value: 0)
    private let free = DispatchSemaphore(value: BatchChannel.capacity)

    var isCancelled: Bool { lock.withLock { cancelled } }

    func put(_ batch: ImportBatch) {
        free.wait()
        // Batches the writer is done with are let go here, on the checking stage's thread: that
        // thread has time to spare, and freeing a million rows' strings cost the writer a tenth.
        var done: [ImportBatch] = []
        lock.withLock {
            queue.append(batch)
            swap(&done, &returned)
        }
        filled.signal()
        done.removeAll()
    }

    /// The writing stage hands back a batch it has written, to be freed by the checking stage.
    func giveBack(_ batch: ImportBatch) {
        lock.withLock { returned.append(batch) }
    }

    func take() -> ImportBatch {
        filled.wait()
        let batch = lock.withLock { queue.removeFirst() }
        free.signal()
        return batch
    }

    /// The writing stage failed: the checking stage stops at its next record.
    func cancel() { lock.withLock { cancelled = true } }
}
