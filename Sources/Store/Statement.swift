import CSQLite

/// A prepared statement. Owned by its `Database`; not shared across threads.
public final class Statement {
    let handle: OpaquePointer
    public let sql: String
    unowned let database: Database

    init(handle: OpaquePointer, sql: String, database: Database) {
        self.handle = handle
        self.sql = sql
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    /// How many times the statement has run since it was prepared (SQLITE_STMTSTATUS_RUN,
    /// https://sqlite.org/c3ref/c_stmtstatus_counter.html): a cached statement is prepared once per
    /// connection, so a test can tell how often a query is asked.
    public var runs: Int32 { sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_RUN, 0) }

    /// Binds every parameter (their number is checked first), so no earlier binding survives
    /// and `sqlite3_clear_bindings` is not needed. Text goes in as its UTF-8 bytes with their
    /// length (see Statement+Bulk), without the C-string copy Swift makes for a `char *` argument.
    func bind(_ values: [SQLValue]) throws(DatabaseError) {
        sqlite3_reset(handle)
        guard Int(sqlite3_bind_parameter_count(handle)) == values.count else {
            throw DatabaseError(extendedCode: SQLITE_RANGE,
                                message: "expected \(sqlite3_bind_parameter_count(handle)) bound values, got \(values.count)", sql: sql)
        }
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            switch value {
            case .null: try bindNull(index)
            case .integer(let n): try bind(index, n)
            case .text(let s): try bind(index, s)
            case .blob(let b): try bind(index, blob: b)
            }
        }
    }

    /// Steps once; true when a row is available.
    func step() throws(DatabaseError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let err = database.error(rc, sql: sql)
            sqlite3_reset(handle)
            throw err
        }
    }

    func reset() { sqlite3_reset(handle) }
}

/// The current row of a stepping statement. Valid only inside the row closure.
public struct Row {
    let handle: OpaquePointer

    init(_ handle: OpaquePointer) { self.handle = handle }

    public func isNull(_ i: Int32) -> Bool { sqlite3_column_type(handle, i) == SQLITE_NULL }

    public func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }

    public func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(handle, i)) }

    public func optionalInt64(_ i: Int32) -> Int64? { isNull(i) ? nil : int64(i) }

    public func text(_ i: Int32) -> String {
        guard let p = sqlite3_column_text(handle, i) else { return "" }
        let n = Int(sqlite3_column_bytes(handle, i))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    public func optionalText(_ i: Int32) -> String? { isNull(i) ? nil : text(i) }

    public func blob(_ i: Int32) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(handle, i))
        guard n > 0, let p = sqlite3_column_blob(handle, i) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }
}
