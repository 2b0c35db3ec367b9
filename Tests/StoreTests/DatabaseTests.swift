import CSQLite
import Foundation
import GoodwillCore
import Testing
@testable import Store

final class TempFolder {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("goodwill-store-\(UUID().uuidString)")
    init() { try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

struct DatabaseTests {
    @Test func aNewFile_isCreatedInWALMode_withOurApplicationID() throws {
        let t = TempFolder()
        let db = try Database(path: t.path("a.db"))
        #expect(try db.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try db.scalarInt("PRAGMA application_id") == Int64(Database.applicationID))
        #expect(try db.scalarInt("PRAGMA foreign_keys") == 1)
        #expect(try db.scalarInt("PRAGMA synchronous") == 2)  // FULL
        #expect(try Database(path: t.path("b.db"), options: .init(durable: false)).scalarInt("PRAGMA synchronous") == 1)
    }

    /// The server's background connections open only the file that is there: where it was moved
    /// away from, they make no empty book.
    @Test func mustExist_opensNoFileThatIsNotThere_andTheOneThatIs() throws {
        let t = TempFolder()
        let path = t.path("a.db")
        #expect(throws: StoreError.self) { try Database(path: path, options: .init(mustExist: true)) }
        #expect(!FileManager.default.fileExists(atPath: path))
        _ = try Database(path: path)
        #expect(try Database(path: path, options: .init(mustExist: true)).scalarInt("PRAGMA application_id") == Int64(Database.applicationID))
    }

    /// An immutable connection opens the file through a `file:` URI: a name with `?`, `#`, `%`, a
    /// space or a non-ASCII letter must still name that file, and the connection only reads.
    @Test func anImmutableConnection_readsTheFileNamed_whateverItsName_andWritesNothing() throws {
        let t = TempFolder()
        let folder = t.path("a?b#c%41 d é")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let path = folder + "/book.db"
        try Database(path: path).execute("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7)")
        let db = try Database(path: path, options: .init(immutable: true))
        #expect(db.isReadOnly)
        #expect(db.databaseFilePath == path)
        #expect(try db.scalarInt("SELECT x FROM t") == 7)
        #expect(throws: DatabaseError.self) { try db.execute("INSERT INTO t VALUES (8)") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["book.db"])
    }

    @Test func aWriteTransaction_rollsBackWhenItsBodyThrows() throws {
        struct Boom: Error {}
        let t = TempFolder()
        let db = try Database(path: t.path("a.db"))
        try db.execute("CREATE TABLE t (x INTEGER)")
        #expect(throws: Boom.self) {
            try db.writeTransaction {
                try db.run("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)
        #expect(db.transactionDepth == 0)
    }

    @Test func aFailedSavepoint_undoesOnlyItsOwnWork() throws {
        struct Boom: Error {}
        let t = TempFolder()
        let db = try Database(path: t.path("a.db"))
        try db.execute("CREATE TABLE t (x INTEGER)")
        try db.writeTransaction {
            try db.run("INSERT INTO t VALUES (1)")
            _ = try? db.savepoint { try db.run("INSERT INTO t VALUES (2)"); throw Boom() }
            _ = try db.savepoint { try db.run("INSERT INTO t VALUES (3)") }
        }
        #expect(try db.query("SELECT x FROM t ORDER BY x") { $0.int(0) } == [1, 3])
    }

    @Test func errorsCarryTheExtendedCode_andMatchOnThePrimary() throws {
        let t = TempFolder()
        let db = try Database(path: t.path("a.db"))
        try db.execute("CREATE TABLE t (x INTEGER UNIQUE)")
        try db.run("INSERT INTO t VALUES (1)")
        do {
            try db.run("INSERT INTO t VALUES (1)")
            Issue.record("a duplicate was accepted")
        } catch let e {
            #expect(e.isConstraint)
            #expect(e.isUniqueViolation)
            #expect(e.sql?.contains("INSERT INTO t") == true)
        }
    }

    @Test func theWrongNumberOfBoundValues_isAnError_notACrash() throws {
        let t = TempFolder()
        let db = try Database(path: t.path("a.db"))
        try db.execute("CREATE TABLE t (x INTEGER, y INTEGER)")
        #expect(throws: DatabaseError.self) { try db.run("INSERT INTO t VALUES (?, ?)", [.integer(1)]) }
    }

    @Test func boundText_andBlobs_goInByteForByte_andEmptyOnesAreNotNull() throws {
        let t = TempFolder()
        let db = try Database(path: t.path("a.db"))
        try db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, s TEXT, b BLOB)")
        let texts = ["", "a\u{0}b", "Åsa — 🎁", String(repeating: "x", count: 70_000)]
        for (i, text) in texts.enumerated() {
            try db.run("INSERT INTO t VALUES (?, ?, ?)", [.integer(Int64(i)), .text(text), .blob(Array(text.utf8))])
            // The same statement again, reset and rebound: nothing of the row before carries over.
        }
        for (i, text) in texts.enumerated() {
            let row = try db.queryOne("SELECT s, typeof(s), length(CAST(s AS BLOB)), b, typeof(b) FROM t WHERE n = ?", [.integer(Int64(i))]) {
                ($0.text(0), $0.text(1), $0.int64(2), $0.blob(3), $0.text(4))
            }
            #expect(row?.0 == text)
            #expect(row?.1 == "text")
            #expect(row?.2 == Int64(text.utf8.count))
            #expect(row?.3 == Array(text.utf8))
            #expect(row?.4 == "blob")
        }
    }

    @Test func aFileThatIsNotSQLite_orAnotherProgramsDatabase_isRefused() throws {
        let t = TempFolder()
        let notes = t.path("notes.txt")
        try String(repeating: "not a database\n", count: 300).write(toFile: notes, atomically: true, encoding: .utf8)
        #expect { _ = try Database(path: notes) } throws: { error in
            guard case StoreError.notAGoodwillDatabase = error else { return false }
            return true
        }
        let other = t.path("other.db")
        do {
            let db = try Database(path: other)
            try db.execute("PRAGMA application_id = 7; CREATE TABLE t (x)")
        }
        #expect { _ = try Database(path: other) } throws: { error in
            guard case StoreError.notAGoodwillDatabase = error else { return false }
            return true
        }
    }
}

struct MigrationTests {
    let migrations = [
        Migration(version: 1, name: "one", sql: "CREATE TABLE a (x INTEGER)"),
        Migration(version: 2, name: "two", sql: "CREATE TABLE b (y INTEGER)"),
    ]

    @Test func migrations_areAppliedOnce_andRecorded() throws {
        let t = TempFolder()
        let db = try Database(path: t.path("a.db"))
        try Migrator.migrate(db, migrations: migrations, now: Date())
        try Migrator.migrate(db, migrations: migrations, now: Date())
        #expect(try db.query("SELECT version, name FROM schema_migrations ORDER BY version") { "\($0.int(0)) \($0.text(1))" } == ["1 one", "2 two"])
        #expect(try db.scalarInt("PRAGMA user_version") == 2)
    }

    @Test func aDatabaseFromANewerGoodwill_isRefused() throws {
        let t = TempFolder()
        let db = try Database(path: t.path("a.db"))
        try Migrator.migrate(db, migrations: migrations, now: Date())
        #expect { try Migrator.migrate(db, migrations: Array(migrations.prefix(1)), now: Date()) } throws: { error in
            guard case StoreError.newerSchema(_, let found, let known) = error else { return false }
            return found == 2 && known == 1
        }
    }

    /// A connection opened before a newer goodwill migrated the file (a server left running through
    /// an upgrade) writes nothing more: each write transaction reads the schema version under the
    /// write lock and refuses, and the body does not run.
    @Test func aWriteAfterANewerGoodwillMigratedTheFile_isRefused_andNothingIsWritten() throws {
        let t = TempFolder()
        let db = try Database(path: t.path("a.db"))
        try Migrator.migrate(db, now: Date())
        try db.writeTransaction { try db.execute("CREATE TABLE t (x INTEGER)") }
        let newer = Schema.newestVersion + 1
        try Database(path: t.path("a.db")).execute("PRAGMA user_version = \(newer)")
        var ran = false
        #expect { try db.writeTransaction { ran = true; try db.execute("INSERT INTO t VALUES (1)") } } throws: { error in
            guard case StoreError.newerSchema(_, let found, let known) = error else { return false }
            return found == newer && known == Schema.newestVersion
        }
        #expect(!ran)
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)
        #expect(db.isAutocommit, "the transaction was rolled back")
    }

    @Test func theShippedSchema_appliesToAnEmptyFile() throws {
        let t = TempFolder()
        let db = try Database(path: t.path("a.db"))
        try Migrator.migrate(db, now: Date())
        let tables = try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name") { $0.text(0) }
        #expect(tables.contains("entries"))
        #expect(tables.contains("vouchers"))
        #expect(tables.contains("decisions"))
        #expect(try db.scalarInt("PRAGMA user_version") == Int64(Schema.newestVersion))
    }
}
