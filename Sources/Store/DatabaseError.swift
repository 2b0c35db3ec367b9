import CSQLite

/// A failure reported by SQLite, with the extended result code, SQLite's message and
/// the statement that failed (as GRDB's DatabaseError does).
public struct DatabaseError: Error, CustomStringConvertible, Sendable {
    public let extendedCode: Int32
    public let message: String
    public let sql: String?

    public init(extendedCode: Int32, message: String, sql: String? = nil) {
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    /// The primary result code: SQLITE_CONSTRAINT matches SQLITE_CONSTRAINT_UNIQUE.
    public var primaryCode: Int32 { extendedCode & 0xFF }

    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }
    public var isConstraint: Bool { primaryCode == SQLITE_CONSTRAINT }
    // SQLITE_CONSTRAINT_UNIQUE (2067) and _PRIMARYKEY (1555) are macros Swift cannot import.
    public var isUniqueViolation: Bool { extendedCode == 2067 || extendedCode == 1555 }
    public var isNotADatabase: Bool { primaryCode == SQLITE_NOTADB }

    /// What of the database's surroundings failed, when it is that rather than the statement.
    public enum StorageFault: Sendable { case full, notWritable, damaged, inputOutput, cannotOpen }
    public var storageFault: StorageFault? {
        switch primaryCode {
        case SQLITE_FULL: .full
        case SQLITE_READONLY, SQLITE_PERM: .notWritable
        case SQLITE_CORRUPT, SQLITE_NOTADB: .damaged
        case SQLITE_IOERR: .inputOutput
        case SQLITE_CANTOPEN: .cannotOpen
        default: nil
        }
    }
    /// SQLITE_READONLY_DBMOVED: the file was renamed or removed while the connection had it open
    /// (a macro Swift cannot import).
    public var isDatabaseMoved: Bool { extendedCode == 1032 }

    public var description: String {
        var s = "SQLite error \(extendedCode): \(message)"
        if let sql { s += " (in: \(sql.prefix(200)))" }
        return s
    }
}

/// Why a database file could not be used, in words an operator can act on.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    case notAGoodwillDatabase(path: String)
    case newerSchema(path: String, found: Int, known: Int)
    case cannotOpen(path: String, reason: String)
    case busy(path: String)
    /// SQLite rolled the open transaction back on its own (disk full, I/O error, out of memory).
    case transactionAbandoned(path: String)

    public var description: String {
        switch self {
        case .notAGoodwillDatabase(let path):
            return "'\(path)' is not a Goodwill database. Point --db (or GOODWILL_DB) at a Goodwill database file, or at a path where a new one may be created."
        case .newerSchema(let path, let found, let known):
            return "'\(path)' was written by a newer Goodwill (schema \(found); this one knows \(known)). Upgrade goodwill before using this database."
        case .cannotOpen(let path, let reason):
            return "Cannot open the database '\(path)': \(reason)"
        case .transactionAbandoned(let path):
            return "SQLite abandoned the transaction on '\(path)' (the disk is full, an I/O error, or out of memory), so none of it was stored. Free disk space or check the disk, then retry."
        case .busy(let path):
            return "The database '\(path)' stayed locked by another process for too long. Try again; if it persists, look for a stuck goodwill process."
        }
    }
}
