import Foundation
import GoodwillCore
import Ledger
import Synchronization
import Testing
@testable import GoodwillAPI

/// `stop()` on the periodic threads (checkpointer, reminder loop) and on the slow-read threads may
/// be called again, or by two callers at once: each call returns once the threads have ended, and
/// none waits for a thread that has already gone.
@Suite struct StopTwiceTests {
    /// Runs `body` on a thread of its own; true if it returned within `seconds`. (A call that hangs
    /// is left blocked on its thread: the test fails instead of hanging with it.)
    func returns(within seconds: Double = 5, _ body: @escaping @Sendable () -> Void) -> Bool {
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread { body(); done.signal() }
        return done.wait(timeout: .now() + seconds) == .success
    }

    /// Calls `stop` from two threads at once while the work it must wait for is held: neither call
    /// may return before `release()`, and both must return within 5 s after it. Each caller notes
    /// `observe()` as its call returns; the notes are returned, in the order the calls returned.
    func stopByTwoCallersAtOnce<T: Sendable>(_ stop: @escaping @Sendable () -> Void, observe: @escaping @Sendable () -> T,
                                             early: Comment, release: () -> Void) -> [T] {
        let returned = Mutex<[T]>([])
        let bothReturned = DispatchSemaphore(value: 0)
        for _ in 0..<2 {
            Thread.detachNewThread {
                stop()
                let note = observe()
                returned.withLock { $0.append(note) }
                bothReturned.signal()
            }
        }
        // Give both callers time to reach stop() while the work still runs.
        usleep(200_000)
        #expect(returned.withLock { $0 }.isEmpty, early)
        release()
        #expect(bothReturned.wait(timeout: .now() + 5) == .success, "a stop() hangs")
        #expect(bothReturned.wait(timeout: .now() + 5) == .success, "a stop() hangs")
        return returned.withLock { $0 }
    }

    @Test func aPeriodicThread_stoppedTwice_returns() {
        let exits = Mutex(0)
        let thread = PeriodicThread(name: "gw-test", interval: 3600, body: {}, atExit: { exits.withLock { $0 += 1 } })
        thread.start()
        #expect(returns { thread.stop() })
        #expect(exits.withLock { $0 } == 1)
        #expect(returns { thread.stop() }, "the second stop() hangs")
        #expect(exits.withLock { $0 } == 1)
    }

    @Test func aPeriodicThread_neverStarted_stopsTwice() {
        let thread = PeriodicThread(name: "gw-test", interval: 3600, body: {})
        #expect(returns { thread.stop(); thread.stop() })
    }

    /// Two callers while a round runs: both wait for the round and the thread's end, then return.
    @Test func aPeriodicThread_stoppedByTwoCallersAtOnce_returnsToBoth_afterTheThreadEnded() {
        let inRound = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let exited = Mutex(false)
        let thread = PeriodicThread(name: "gw-test", interval: 3600, body: { inRound.signal(); release.wait() },
                                    atExit: { exited.withLock { $0 = true } })
        thread.start()
        inRound.wait()
        let sawExit = stopByTwoCallersAtOnce(thread.stop, observe: { exited.withLock { $0 } },
                                             early: "a stop() returned while the round still ran", release: { release.signal() })
        #expect(sawExit == [true, true])
    }

    func slowReads(threads: Int) -> (SlowReads, TemporaryFolder) {
        let folder = TemporaryFolder()
        let pool = ReaderPool(path: folder.database, clock: SystemClock(), configuration: .init(), limit: threads)
        return (SlowReads(pool: pool, threads: threads, maxQueued: 4), folder)
    }

    @Test func slowReads_stoppedTwice_returns() {
        let (reads, _) = slowReads(threads: 2)
        let ran = DispatchSemaphore(value: 0)
        #expect(reads.submit { _, _ in ran.signal() })
        #expect(ran.wait(timeout: .now() + 5) == .success)
        #expect(returns { reads.stop() })
        #expect(returns { reads.stop() }, "the second stop() hangs")
        #expect(!reads.submit { _, _ in })
    }

    @Test func slowReads_stoppedByTwoCallersAtOnce_runsWhatWasQueued_andReturnsToBoth() {
        let (reads, _) = slowReads(threads: 2)
        let release = DispatchSemaphore(value: 0)
        let finished = Mutex(0)
        for _ in 0..<3 { #expect(reads.submit { _, _ in release.wait(); finished.withLock { $0 += 1 } }) }
        let returned = stopByTwoCallersAtOnce(reads.stop, observe: { finished.withLock { $0 } },
                                              early: "a stop() returned before the queued jobs ran",
                                              release: { for _ in 0..<3 { release.signal() } })
        #expect(returned == [3, 3])
    }

    func writer(_ folder: TemporaryFolder) throws -> LedgerWriter {
        let ledger = try Ledger(path: folder.database, clock: ManualClock(instant("2026-01-05T09:00:00Z")),
                                options: .init(durable: false, bufferedWAL: true))
        let walPath = try #require(ledger.db.walFilePath as String?)
        return LedgerWriter(ledger: ledger, walPath: walPath, syncHook: { 0 })
    }

    @Test func aWriter_neverStarted_stopsTwice() throws {
        let folder = TemporaryFolder()
        let w = try writer(folder)
        #expect(returns { w.stop(); w.stop() })
    }

    /// Two callers while a write is in the writer's hands: both wait until it is answered, then return.
    @Test func aWriter_stoppedByTwoCallersAtOnce_answersWhatWasQueued_andReturnsToBoth() throws {
        let folder = TemporaryFolder()
        let w = try writer(folder)
        w.start()
        let inWrite = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let answered = Mutex(0)
        #expect(w.submit(.custom { _ in
            inWrite.signal()
            release.wait()
            return LedgerWriter.Answer(deliver: { answered.withLock { $0 += 1 } }, fail: {})
        }))
        inWrite.wait()
        let returned = stopByTwoCallersAtOnce(w.stop, observe: { answered.withLock { $0 } },
                                              early: "a stop() returned while the write was still in the writer's hands",
                                              release: { release.signal() })
        #expect(returned.count == 2)
        #expect(returns { w.stop() }, "a third stop() hangs")
    }
}
