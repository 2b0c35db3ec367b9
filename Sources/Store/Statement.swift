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

    func bind(_ values: [SQLValue]) throws(DatabaseError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        guard Int(sqlite3_bind_parameter_count(handle)) == values.count else {
            throw DatabaseError(extendedCode: SQLITE_RANGE,
                                message: "expected \(sqlite3_bind_parameter_count(handle)) bound values, got \(values.count)", sql: sql)
        }
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .integer(let n): rc = sqlite3_bind_int64(handle, index, n)
            case .text(let s): rc = sqlite3_bind_text(handle, index, s, -1, csqlite_transient())
            case .blob(let b):
                rc = b.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), csqlite_transient()) }
            }
            guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
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
