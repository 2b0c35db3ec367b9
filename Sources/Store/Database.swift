import CSQLite
import Foundation
import SQLiteWALBuffer

/// One SQLite connection, owned by one thread at a time (hence not Sendable).
/// Statements are prepared once and cached; write transactions are `BEGIN IMMEDIATE`.
public final class Database {
    public struct Options: Sendable {
        /// FULL: an acknowledged commit survives power loss (https://sqlite.org/pragma.html#pragma_synchronous).
        public var durable: Bool = true
        /// How long to wait for another writer before giving up.
        public var busyTimeoutMilliseconds: Int32 = 15_000
        public var readOnly: Bool = false
        /// Gather this connection's WAL writes into one write per transaction (the server's
        /// writer; see Sources/SQLiteWALBuffer/wal_buffer.c for why that is safe).
        public var bufferedWAL: Bool = false
        /// Open only a file that exists: a server's own background connections, which must never
        /// make an empty book where theirs was moved away from.
        public var mustExist: Bool = false
        /// Read the file as it is, read-only, taking no lock and reading no -wal or -shm (SQLite's
        /// `immutable` URI parameter, https://sqlite.org/uri.html#uriimmutable): a database in WAL
        /// mode can then be read where no -wal and -shm can be made beside it. Safe only for a file
        /// nobody can change while it is open and with no log holding commits; the caller decides.
        public var immutable: Bool = false
        public init(durable: Bool = true, busyTimeoutMilliseconds: Int32 = 15_000, readOnly: Bool = false, bufferedWAL: Bool = false,
                    mustExist: Bool = false, immutable: Bool = false) {
            self.durable = durable
            self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
            self.readOnly = readOnly
            self.bufferedWAL = bufferedWAL
            self.mustExist = mustExist
            self.immutable = immutable
        }
    }

    /// 'GWL1': marks the file as Goodwill's (https://sqlite.org/pragma.html#pragma_application_id).
    public static let applicationID: Int32 = 0x4757_4C31

    let handle: OpaquePointer
    public let path: String
    public let isReadOnly: Bool
    private var cache: [String: Statement] = [:]
    /// Kept alive for the WAL hook that writes to it (see `countWALFrames`).
    var walCounter: WALFrameCounter?
    let busyTimeoutMilliseconds: Int32
    public private(set) var transactionDepth = 0

    /// Process-wide SQLite settings, applied once before the first connection opens.
    private static let configured: Void = { _ = csqlite_disable_memory_statistics() }()

    public init(path: String, options: Options = Options()) throws {
        Self.configured
        self.path = path
        isReadOnly = options.readOnly || options.immutable
        busyTimeoutMilliseconds = options.busyTimeoutMilliseconds
        var db: OpaquePointer?
        let flags = (isReadOnly ? SQLITE_OPEN_READONLY : options.mustExist ? SQLITE_OPEN_READWRITE : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE | (options.immutable ? SQLITE_OPEN_URI : 0)
        var vfs: String?
        if options.bufferedWAL {
            let registered = goodwill_wal_buffer_register()
            guard registered == SQLITE_OK else { throw StoreError.cannotOpen(path: path, reason: String(cString: sqlite3_errstr(registered))) }
            vfs = GOODWILL_WAL_BUFFER_VFS
        }
        let rc = sqlite3_open_v2(options.immutable ? Self.immutableURI(path) : path, &db, flags, vfs)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw StoreError.cannotOpen(path: path, reason: message)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, options.busyTimeoutMilliseconds)
        do {
            try configure(options)
        } catch let error as DatabaseError where error.isNotADatabase {
            throw StoreError.notAGoodwillDatabase(path: path)
        }
    }

    /// `file:` and the absolute path, with every byte but letters, digits and `/._~-` written as
    /// %HH (a `?`, `#` or `%` in a name would otherwise end or change the path), then
    /// `?mode=ro&immutable=1` (https://sqlite.org/uri.html).
    static func immutableURI(_ path: String) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._~-".utf8)
        let absolute = URL(fileURLWithPath: path).path
        let encoded = absolute.utf8.map { plain.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
        return "file:" + encoded + "?mode=ro&immutable=1"
    }

    deinit {
        if walCounter != nil { sqlite3_wal_hook(handle, nil, nil) }
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    private func configure(_ options: Options) throws {
        // Reading the header first turns "file is not a database" into an early, clear error.
        let appID = try scalarInt("PRAGMA application_id")
        let tables = try scalarInt("SELECT count(*) FROM sqlite_schema")
        if appID != Int64(Database.applicationID), tables > 0 {
            throw StoreError.notAGoodwillDatabase(path: path)
        }
        try execute("PRAGMA foreign_keys = ON")
        try execute("PRAGMA synchronous = \(options.durable ? "FULL" : "NORMAL")")
        if !isReadOnly {
            // Changing the journal mode takes a lock; skip it when the file is already WAL.
            if try scalarText("PRAGMA journal_mode") != "wal" {
                try retryingBusy { try self.execute("PRAGMA journal_mode = WAL") }
            }
            if appID == 0 {
                try retryingBusy { try self.execute("PRAGMA application_id = \(Database.applicationID)") }
            }
        }
    }

    /// Some statements (journal mode changes) do not go through the busy handler.
    func retryingBusy(_ body: () throws -> Void) throws {
        var attempt = 0
        while true {
            do { return try body() } catch let e as DatabaseError where e.isBusy && attempt < 200 {
                attempt += 1
                usleep(useconds_t(min(50_000, 1_000 * attempt)))
            }
        }
    }

    // MARK: Errors

    func error(_ rc: Int32, sql: String?) -> DatabaseError {
        let code = sqlite3_extended_errcode(handle)
        return DatabaseError(extendedCode: code != 0 ? code : rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    // MARK: Statements

    /// A cached prepared statement (SQLITE_PREPARE_PERSISTENT: it lives as long as the connection).
    public func cachedStatement(_ sql: String) throws(DatabaseError) -> Statement {
        if let s = cache[sql] { return s }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, sql: sql) }
        let s = Statement(handle: stmt, sql: sql, database: self)
        cache[sql] = s
        return s
    }

    /// Runs one or more statements with no parameters and no result (schema, pragmas).
    public func execute(_ sql: String) throws(DatabaseError) {
        var errmsg: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errmsg)
        if rc != SQLITE_OK {
            let message = errmsg.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errmsg)
            throw DatabaseError(extendedCode: sqlite3_extended_errcode(handle), message: message, sql: sql)
        }
    }

    /// Runs a statement that returns no rows; returns the number of rows changed.
    @discardableResult
    public func run(_ sql: String, _ values: [SQLValue] = []) throws(DatabaseError) -> Int {
        let s = try cachedStatement(sql)
        try s.bind(values)
        defer { s.reset() }
        while try s.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Calls `body` for each row.
    public func forEach(_ sql: String, _ values: [SQLValue] = [], _ body: (Row) throws -> Void) throws {
        let s = try cachedStatement(sql)
        try s.bind(values)
        defer { s.reset() }
        while try s.step() { try body(Row(s.handle)) }
    }

    public func query<T>(_ sql: String, _ values: [SQLValue] = [], _ map: (Row) throws -> T) throws -> [T] {
        var out: [T] = []
        try forEach(sql, values) { out.append(try map($0)) }
        return out
    }

    public func queryOne<T>(_ sql: String, _ values: [SQLValue] = [], _ map: (Row) throws -> T) throws -> T? {
        let s = try cachedStatement(sql)
        try s.bind(values)
        defer { s.reset() }
        return try s.step() ? try map(Row(s.handle)) : nil
    }

    public func scalarInt(_ sql: String, _ values: [SQLValue] = []) throws -> Int64 {
        try queryOne(sql, values) { $0.int64(0) } ?? 0
    }

    public func scalarText(_ sql: String, _ values: [SQLValue] = []) throws -> String? {
        try queryOne(sql, values) { $0.optionalText(0) } ?? nil
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows inserted, updated or deleted on this connection since it opened, triggers included
    /// (https://sqlite.org/c3ref/total_changes.html): unchanged across a failed command means it
    /// wrote nothing.
    public var totalChanges: Int64 { sqlite3_total_changes64(handle) }

    /// The database file as SQLite opened it (a symbolic link resolved, a URI's path), or nil for
    /// a database in memory.
    public var databaseFilePath: String? {
        guard let name = sqlite3_db_filename(handle, "main"), name.pointee != 0 else { return nil }
        return String(cString: name)
    }

    /// The WAL file SQLite writes for this connection's database: named after the file as SQLite
    /// resolved it (a symbolic link followed, a `file:` URI parsed), which `path + "-wal"` is not.
    public var walFilePath: String? {
        guard let name = sqlite3_db_filename(handle, "main"), name.pointee != 0, let wal = sqlite3_filename_wal(name) else { return nil }
        return String(cString: wal)
    }

    /// True outside any transaction. Inside one it means SQLite rolled the transaction back on its
    /// own, as it may on SQLITE_FULL, SQLITE_IOERR or SQLITE_NOMEM
    /// (https://sqlite.org/lang_transaction.html#response_to_errors_within_a_transaction): the
    /// statements that follow would each commit alone.
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    // MARK: Transactions

    /// BEGIN, COMMIT, SAVEPOINT and RELEASE run several times per request in a busy writer:
    /// prepared once and stepped, rather than parsed by sqlite3_exec each time.
    private func control(_ sql: String) throws(DatabaseError) {
        let s = try cachedStatement(sql)
        defer { s.reset() }
        while try s.step() {}
    }

    /// One write transaction. BEGIN IMMEDIATE takes the write lock up front, so the busy
    /// timeout applies here and never mid-transaction, where a deferred transaction
    /// upgrading to a writer gets SQLITE_BUSY that no waiting cures
    /// (https://sqlite.org/lang_transaction.html). Rolls back when `body` throws.
    /// Nested calls run inside the outer transaction as a savepoint.
    public func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        if transactionDepth > 0 { return try savepoint(body) }
        try control("BEGIN IMMEDIATE")
        transactionDepth += 1
        do {
            try refuseNewerSchema()
            let result = try body()
            try control("COMMIT")
            transactionDepth -= 1
            return result
        } catch {
            transactionDepth -= 1
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// A newer goodwill may have migrated the file since this connection was opened (a `serve` left
    /// running through an upgrade), and its tables may then hold rules this version does not keep:
    /// so no write transaction of this version goes in. Read under the write lock, so no migration
    /// comes between the check and the write; one read of the file's header per transaction. A
    /// migration itself runs in a transaction of the version that knows it. Statements run on
    /// their own, outside a transaction (the reminder dispatcher's one-row outbox updates), are
    /// not checked here.
    private func refuseNewerSchema() throws {
        let found = try scalarInt("PRAGMA user_version")
        guard found > Schema.newestVersion else { return }
        throw StoreError.newerSchema(path: path, found: Int(found), known: Schema.newestVersion)
    }

    /// A consistent snapshot for reads across several statements.
    public func readTransaction<T>(_ body: () throws -> T) throws -> T {
        if transactionDepth > 0 { return try body() }
        try execute("BEGIN DEFERRED")
        transactionDepth += 1
        defer {
            transactionDepth -= 1
            try? execute("COMMIT")
        }
        return try body()
    }

    /// A savepoint inside the current transaction: undone alone if `body` throws, so one
    /// failed operation in a batch does not undo the others.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        // Outside a transaction SAVEPOINT starts one, and RELEASE commits it: with the outer
        // transaction gone, this one would be committed alone.
        if transactionDepth > 0, isAutocommit { throw StoreError.transactionAbandoned(path: path) }
        try control("SAVEPOINT gw")
        transactionDepth += 1
        do {
            let result = try body()
            transactionDepth -= 1
            try control("RELEASE gw")
            return result
        } catch {
            transactionDepth -= 1
            try? execute("ROLLBACK TO gw")
            try? execute("RELEASE gw")
            throw error
        }
    }
}
