import Foundation
import Testing
@testable import Store

/// The writer keeps the WAL bounded by starting it over (Database.restartWAL); without it a busy
/// server's WAL grew to 1.7 GB for a 30 MB database in a minute of redemptions.
struct WALRestartTests {
    /// A database in WAL mode without automatic checkpoints, counting frames, with a table `t`.
    func open(_ t: TempFolder) throws -> (Database, WALFrameCounter) {
        let db = try Database(path: t.path("a.db"), options: .init(durable: false))
        try db.execute("PRAGMA wal_autocheckpoint = 0")
        let frames = db.countWALFrames()
        try db.execute("CREATE TABLE t (x BLOB)")
        return (db, frames)
    }

    func walSize(_ t: TempFolder) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: t.path("a.db-wal")))?[.size] as? Int) ?? 0
    }

    @Test func theFrameCounter_followsCommits_andARestart_letsTheLogBeWrittenAgainFromTheStart() throws {
        let t = TempFolder()
        let (db, frames) = try open(t)
        func fill(_ rows: Int) throws {
            try db.writeTransaction { for _ in 0..<rows { try db.run("INSERT INTO t VALUES (randomblob(3000))") } }
        }
        try fill(200)
        let afterFirst = frames.frames
        #expect(afterFirst > 200)
        try fill(200)
        #expect(frames.frames > afterFirst)  // appended: the log only grows without a restart
        let grown = walSize(t)

        #expect(try db.restartWAL(waitMilliseconds: 5))
        #expect(frames.frames == 0)
        try fill(200)
        // The next commit wrote the log from its start: fewer frames than before, same file.
        #expect(frames.frames > 0 && frames.frames < afterFirst * 2)
        #expect(walSize(t) <= grown)
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 600)
    }

    @Test func aReaderStillInTheLog_makesTheRestartWaitAtMostItsBudget_andItSucceedsOnceTheReaderIsDone() throws {
        let t = TempFolder()
        let (db, frames) = try open(t)
        try db.writeTransaction { for _ in 0..<50 { try db.run("INSERT INTO t VALUES (randomblob(3000))") } }
        let reader = try Database(path: t.path("a.db"), options: .init(durable: false))
        try reader.execute("BEGIN")
        #expect(try reader.scalarInt("SELECT count(*) FROM t") == 50)  // holds a snapshot in the WAL
        let started = Date()
        #expect(try db.restartWAL(waitMilliseconds: 20) == false)
        #expect(Date().timeIntervalSince(started) < 2)  // not the 15 s busy timeout
        #expect(frames.frames > 0)
        try reader.execute("COMMIT")
        #expect(try db.restartWAL(waitMilliseconds: 20))
        #expect(frames.frames == 0)
        #expect(try reader.scalarInt("SELECT count(*) FROM t") == 50)
    }
}

/// A big import runs with a rollback journal when it has the file to itself (Database.withRollbackJournal).
struct RollbackJournalTests {
    func open(_ t: TempFolder) throws -> Database {
        let db = try Database(path: t.path("a.db"), options: .init(durable: false))
        try db.execute("CREATE TABLE IF NOT EXISTS t (x BLOB)")
        return db
    }

    @Test func alone_theBodyRunsWithARollbackJournal_andTheFileIsWALAgainAfter() throws {
        let t = TempFolder()
        let db = try open(t)
        let ((modeInside, synchronousInside), used) = try db.withRollbackJournal {
            _ = try db.writeTransaction { try db.run("INSERT INTO t VALUES (randomblob(100))") }
            return (try db.scalarText("PRAGMA journal_mode"), try db.scalarInt("PRAGMA synchronous"))
        }
        #expect(used)
        #expect(modeInside == "delete")
        #expect(synchronousInside == 2)  // FULL while the rollback journal is in use
        #expect(try db.scalarInt("PRAGMA synchronous") == 1)  // NORMAL again, as opened
        #expect(try db.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try open(t).scalarInt("SELECT count(*) FROM t") == 1)
    }

    @Test func withAnotherConnectionOpen_theBodyRunsInWAL() throws {
        let t = TempFolder()
        let db = try open(t)
        let other = try open(t)
        #expect(try other.scalarInt("SELECT count(*) FROM t") == 0)
        let (modeInside, used) = try db.withRollbackJournal { try db.scalarText("PRAGMA journal_mode") }
        #expect(!used)
        #expect(modeInside == "wal")
    }

    @Test func aBodyThatFails_changesNothing_andLeavesWAL() throws {
        let t = TempFolder()
        let db = try open(t)
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try db.withRollbackJournal {
                try db.writeTransaction {
                    try db.run("INSERT INTO t VALUES (randomblob(100))")
                    throw Refused()
                }
            }
        }
        #expect(try db.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)
    }
}
