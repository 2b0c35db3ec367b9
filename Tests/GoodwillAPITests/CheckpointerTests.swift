import Foundation
import GoodwillCore
import Ledger
import Store
import Synchronization
import Testing
@testable import GoodwillAPI

/// The writer asks the checkpointer for a round just before it restarts the WAL and waits for
/// that round between batches; the round must come at once, not at the end of the interval.
@Suite struct CheckpointerTests {
    /// Polls `condition` for up to `seconds`; true as soon as it holds.
    func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(2_000)
        }
        return condition()
    }

    @Test func aRoundAskedFor_runsBeforeTheInterval_andIsCountedWhenItEnds() throws {
        let folder = TemporaryFolder()
        let path = folder.database
        let db = try Database(path: path)
        try db.execute("PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (x); INSERT INTO t VALUES (1)")
        // An hour between rounds: only the first round (at start) and the ones asked for can run here.
        let checkpointer = Checkpointer(path: path, interval: 3600)
        checkpointer.start()
        defer { checkpointer.stop() }
        #expect(eventually(within: 10) { checkpointer.roundsEnded == 1 })
        let target = checkpointer.roundSoon()
        #expect(target == 2)
        #expect(eventually(within: 10) { checkpointer.roundsEnded >= target })
        #expect(checkpointer.roundSoon() == 3)
        #expect(eventually(within: 10) { checkpointer.roundsEnded >= 3 })
        // Each round also started the write-back of the pages it copied.
        #expect(checkpointer.writebacksStarted == checkpointer.roundsEnded)
    }

    /// The server's file check runs on every tick (50 ms in `serve`), the copying only once an
    /// interval has passed or a round was asked for: a round per tick would copy and write back a
    /// page rewritten within the interval again and again.
    @Test func theTickRunsOften_andARoundOnlyOnceAnIntervalHasPassed_orWhenAskedFor() throws {
        let folder = TemporaryFolder()
        let path = folder.database
        let db = try Database(path: path)
        try db.execute("PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (x); INSERT INTO t VALUES (1)")
        let ticks = Atomic<Int>(0)
        let checkpointer = Checkpointer(path: path, interval: 3600, tick: 0.005) {
            ticks.add(1, ordering: .relaxed)
            return true
        }
        checkpointer.start()
        defer { checkpointer.stop() }
        #expect(eventually(within: 10) { ticks.load(ordering: .relaxed) >= 10 })
        // Ten ticks and more, and still only the round at start.
        #expect(checkpointer.roundsEnded == 1)
        let target = checkpointer.roundSoon()
        #expect(target == 2)
        #expect(eventually(within: 10) { checkpointer.roundsEnded >= target })
        let after = ticks.load(ordering: .relaxed)
        #expect(eventually(within: 10) { ticks.load(ordering: .relaxed) >= after + 10 })
        #expect(checkpointer.roundsEnded == 2)
        #expect(checkpointer.writebacksStarted == 2)
    }

    /// Past its frame limit the writer asks the checkpointer for a round, restarts the log after
    /// it, and counts the restarts and the time they took (`/metrics`); nothing written is lost.
    @Test func theWriter_restartsTheLogPastItsLimit_andCountsTheTimeItTook() throws {
        let folder = TemporaryFolder()
        let path = folder.database
        let ledger = try Ledger(path: path, clock: ManualClock(instant("2026-01-05T09:00:00Z")),
                                options: .init(durable: false, bufferedWAL: true))
        try ledger.db.execute("PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (x BLOB)")
        let writer = LedgerWriter(ledger: ledger, walPath: path + "-wal", restartAfterFrames: 40)
        let checkpointer = Checkpointer(path: path, interval: 3600)
        writer.checkpointer = checkpointer
        checkpointer.start()
        writer.start()
        let answered = Atomic<Int>(0)
        let answer = DispatchSemaphore(value: 0)
        // Until two restarts happened (at least 60 writes, at most 30 s): a restart waits for the
        // checkpointer's round and is put off 50 ms when it finds the log busy, so on a loaded
        // machine 60 writes can all come and go before the first one.
        var written = 0
        let giveUp = Date().addingTimeInterval(30)
        while written < 60 || (writer.walRestarts.load(ordering: .relaxed) < 2 && Date() < giveUp) {
            written += 1
            // About ten frames each (a 3,000-byte row fills a page): past the limit every fourth.
            let accepted = writer.submit(.custom { ledger in
                var wrote = true
                do {
                    try ledger.db.writeTransaction { () throws -> Void in
                        for _ in 0..<10 { try ledger.db.run("INSERT INTO t VALUES (randomblob(3000))") }
                    }
                } catch { wrote = false }
                return LedgerWriter.Answer(deliver: {
                    if wrote { answered.add(1, ordering: .relaxed) }
                    answer.signal()
                }, fail: { answer.signal() })
            })
            #expect(accepted)
            // One at a time, answered before the next: each its own batch, so the writer looks at
            // the log between them however slowly a loaded machine runs it (answers are delivered
            // on another thread, after the sync).
            #expect(answer.wait(timeout: .now() + 30) == .success)
        }
        writer.stop()
        checkpointer.stop()
        #expect(answered.load(ordering: .relaxed) == written)
        #expect(writer.walRestarts.load(ordering: .relaxed) >= 2)
        #expect(writer.walRestartNanoseconds.load(ordering: .relaxed) > 0)
        let check = try Database(path: path)
        #expect(try check.scalarInt("SELECT count(*) FROM t") == Int64(written * 10))
    }
}
