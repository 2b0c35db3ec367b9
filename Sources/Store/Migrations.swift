import Foundation

/// An ordered, named schema change. Applied once, recorded in `schema_migrations`.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

public enum Migrator {
    /// Applies every migration the file lacks, each in the same write transaction as its record.
    /// `PRAGMA user_version` mirrors the newest applied version so that opening an up-to-date
    /// file (every CLI command does) needs no write lock.
    public static func migrate(_ db: Database, migrations: [Migration] = Schema.migrations, now: Date) throws {
        let known = migrations.map(\.version).max() ?? 0
        let current = Int(try db.scalarInt("PRAGMA user_version"))
        if current > known {
            throw StoreError.newerSchema(path: db.path, found: current, known: known)
        }
        if current == known { return }
        try db.writeTransaction {
            try db.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at INTEGER NOT NULL
                )
                """)
            // Another process may have migrated while we waited for the lock.
            let applied = Set(try db.query("SELECT version FROM schema_migrations") { row in row.int(0) })
            for m in migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(m.version) {
                try db.execute(m.sql)
                try db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                           [.integer(Int64(m.version)), .text(m.name), .integer(now.unixMilliseconds)])
            }
            try db.execute("PRAGMA user_version = \(known)")
        }
    }
}
