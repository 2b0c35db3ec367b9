import Foundation
import SQLiteWALBuffer
import Testing
@testable import Store

/// The server's writer gathers its WAL writes (Sources/SQLiteWALBuffer/wal_buffer.c). What it
/// writes must reach the file exactly as without the shim, and a commit must be in the file
/// before any other connection can see it.
struct BufferedWALTests {
    func writer(_ t: TempFolder) throws -> Database {
        let db = try Database(path: t.path("a.db"), options: .init(durable: false, bufferedWAL: true))
        try db.execute("PRAGMA wal_autocheckpoint = 0")
        try db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, x BLOB)")
        return db
    }

    /// The database and its WAL copied as they are on disk while the writer still has them open
    /// (nothing checkpointed, nothing closed): what a process killed now would leave, opened.
    func filesAsAKillWouldLeaveThem(_ t: TempFolder) throws -> Database {
        for suffix in ["", "-wal"] {
            try FileManager.default.copyItem(atPath: t.path("a.db") + suffix, toPath: t.path("copy.db") + suffix)
        }
        return try Database(path: t.path("copy.db"), options: .init(durable: false))
    }

    @Test func aTransactionsFrames_areHeld_andWrittenTogether() throws {
        let t = TempFolder()
        let db = try writer(t)
        _ = try db.writeTransaction { try db.run("INSERT INTO t (x) VALUES (randomblob(10))") }
        // Tests run in parallel in one process: the counters are process-wide, so compare growth
        // over many commits of several pages each (about ten WAL writes each without the shim).
        let held = goodwill_wal_buffer_held_writes(), written = goodwill_wal_buffer_file_writes()
        for _ in 0..<50 {
            try db.writeTransaction { for _ in 0..<4 { try db.run("INSERT INTO t (x) VALUES (randomblob(3000))") } }
        }
        #expect(goodwill_wal_buffer_held_writes() - held >= 50 * 8)
        #expect(goodwill_wal_buffer_file_writes() - written >= 50)
    }

    @Test func aCommit_isVisibleAtOnceToAnotherConnection_andNothingBeforeIt() throws {
        let t = TempFolder()
        let db = try writer(t)
        let reader = try Database(path: t.path("a.db"), options: .init(durable: false))
        for round in 1...50 {
            try db.execute("BEGIN IMMEDIATE")
            for _ in 0..<round { try db.run("INSERT INTO t (x) VALUES (randomblob(500))") }
            #expect(try reader.scalarInt("SELECT count(*) FROM t") == Int64(round * (round - 1) / 2))
            try db.execute("COMMIT")
            #expect(try reader.scalarInt("SELECT count(*) FROM t") == Int64(round * (round + 1) / 2))
        }
    }

    @Test func transactionsLargerThanTheBuffer_andRestartsOfTheLog_leaveTheSameData() throws {
        let t = TempFolder()
        let db = try writer(t)
        let frames = db.countWALFrames()
        // 600 rows of 3 KB: several times the buffer in one transaction.
        try db.writeTransaction { for _ in 0..<600 { try db.run("INSERT INTO t (x) VALUES (randomblob(3000))") } }
        #expect(frames.frames > 600)
        #expect(try db.restartWAL(waitMilliseconds: 5))
        for _ in 0..<20 {
            try db.writeTransaction { for _ in 0..<10 { try db.run("UPDATE t SET x = randomblob(3000) WHERE id = abs(random()) % 600 + 1") } }
        }
        let expected = try db.scalarText("SELECT group_concat(hex(x)) FROM (SELECT x FROM t ORDER BY id)")
        let reader = try Database(path: t.path("a.db"), options: .init(durable: false))
        #expect(try reader.scalarText("SELECT group_concat(hex(x)) FROM (SELECT x FROM t ORDER BY id)") == expected)
        #expect(try reader.scalarText("PRAGMA integrity_check") == "ok")
    }

    /// A transaction larger than the page cache spills frames into the WAL before it commits; when
    /// it changes a spilled page again, SQLite rewrites that frame in place and, after the commit
    /// frame, rewrites the checksums of the frames that follow it (walRewriteChecksums). Those
    /// writes come after the commit frame and must reach the file before the commit returns.
    @Test func aSpilledTransactionRewritingItsFrames_isWholeInTheFiles_beforeTheCommitReturns() throws {
        let t = TempFolder()
        let db = try writer(t)
        try db.execute("PRAGMA cache_size = 8")  // pages: the transaction below spills many times
        try db.writeTransaction {
            for i in 1...400 { try db.run("INSERT INTO t (id, x) VALUES (?, randomblob(900))", [.integer(Int64(i))]) }
            try db.run("UPDATE t SET x = zeroblob(900) WHERE id % 7 = 0")  // pages already spilled, changed again
            for i in 401...420 { try db.run("INSERT INTO t (id, x) VALUES (?, randomblob(900))", [.integer(Int64(i))]) }
        }
        let copy = try filesAsAKillWouldLeaveThem(t)
        #expect(try copy.scalarInt("SELECT count(*) FROM t") == 420)
        #expect(try copy.scalarInt("SELECT count(*) FROM t WHERE x = zeroblob(900)") == 57)
        #expect(try copy.scalarText("PRAGMA integrity_check") == "ok")
        _ = db
    }

    /// A transaction that spilled and then rolled back leaves frames nobody will commit. Another
    /// connection may then write the log from the same place; the writer must not write its old
    /// frames over that later. With SQLite 3.40 the rollback re-reads page 1, which writes them;
    /// the shim also writes them before the WAL's write lock is given up, so this holds without
    /// relying on that re-read (which this test cannot take away).
    @Test func framesOfARolledBackSpill_neverLandOverAnotherConnectionsCommit() throws {
        let t = TempFolder()
        let db = try writer(t)
        try db.execute("PRAGMA cache_size = 8")
        _ = try db.writeTransaction { try db.run("INSERT INTO t (id, x) VALUES (1, randomblob(900))") }
        struct Undo: Error {}
        #expect(throws: Undo.self) {
            try db.writeTransaction {
                for i in 1000...1100 { try db.run("INSERT INTO t (id, x) VALUES (?, randomblob(900))", [.integer(Int64(i))]) }
                throw Undo()
            }
        }
        let other = try Database(path: t.path("a.db"), options: .init(durable: false))
        try other.writeTransaction { for i in 2...400 { try other.run("INSERT INTO t (id, x) VALUES (?, randomblob(900))", [.integer(Int64(i))]) } }
        _ = try db.writeTransaction { try db.run("INSERT INTO t (id, x) VALUES (401, randomblob(900))") }
        let copy = try filesAsAKillWouldLeaveThem(t)
        #expect(try copy.scalarInt("SELECT count(*) FROM t") == 401)
        #expect(try copy.scalarText("PRAGMA integrity_check") == "ok")
        #expect(try other.scalarInt("SELECT count(*) FROM t") == 401)
    }

    @Test func whatWasCommitted_isInTheFilesWithoutACheckpoint_asAfterACrash() throws {
        let t = TempFolder()
        let db = try writer(t)
        for i in 1...100 { _ = try db.writeTransaction { try db.run("INSERT INTO t (id, x) VALUES (?, randomblob(700))", [.integer(Int64(i))]) } }
        let copy = try filesAsAKillWouldLeaveThem(t)
        #expect(try copy.scalarInt("SELECT count(*) FROM t") == 100)
        #expect(try copy.scalarText("PRAGMA integrity_check") == "ok")
        _ = db
    }
}
