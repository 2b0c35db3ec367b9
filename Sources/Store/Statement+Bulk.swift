import CSQLite

/// Binding by index, for bulk writers (the voucher import) that run one prepared statement a
/// million times: no `[SQLValue]` array, no statement-cache lookup by SQL text per row.
/// Use: `reset()` is done by `run()`; bind every parameter (1-based), then `run()`.
extension Statement {
    public func bind(_ index: Int32, _ value: Int64) throws(DatabaseError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    public func bind(_ index: Int32, _ value: Int64?) throws(DatabaseError) {
        if let value { try bind(index, value) } else { try bindNull(index) }
    }

    /// Binds the UTF-8 bytes of `value` (SQLite copies them).
    public func bind(_ index: Int32, _ value: String) throws(DatabaseError) {
        var value = value
        let rc = value.withUTF8 { utf8 -> Int32 in
            guard let base = utf8.baseAddress, utf8.count > 0 else { return sqlite3_bind_text(handle, index, "", 0, csqlite_transient()) }
            return UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                sqlite3_bind_text(handle, index, $0, Int32(utf8.count), csqlite_transient())
            }
        }
        try check(rc)
    }

    public func bind(_ index: Int32, _ value: String?) throws(DatabaseError) {
        if let value { try bind(index, value) } else { try bindNull(index) }
    }

    public func bind(_ index: Int32, blob value: [UInt8]) throws(DatabaseError) {
        let rc = value.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32($0.count), csqlite_transient()) }
        try check(rc)
    }

    public func bindNull(_ index: Int32) throws(DatabaseError) {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Steps a statement that returns no rows, then resets it for the next use (bindings stay).
    public func run() throws(DatabaseError) {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    private func check(_ rc: Int32) throws(DatabaseError) {
        guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
    }
}

extension LedgerStore {
    /// The entries table's columns in the order `append(_:)` binds them (for bulk writers that
    /// prepare their own insert).
    public static var entryColumnList: String { entryColumns }
}
