import Foundation
import Glibc
import Store
import Synchronization

/// Moves WAL checkpoints off the writer thread. SQLite's automatic checkpoint runs inside the
/// commit that crosses 1000 pages, so one unlucky batch of requests would wait for the copy and
/// the database file's fsync; here the writer's automatic checkpoint is off and this thread runs a
/// PASSIVE checkpoint (it never blocks the writer or readers) every `interval` on its own
/// connection (https://sqlite.org/wal.html#application_initiated_checkpoints).
///
/// The writer asks for a round just before it restarts the WAL (`roundSoon`), so that the
/// restart, which stalls every write, has little left to copy; and each round starts the
/// write-back of the pages it copied (`startWritebackOfDatabaseFile`), so that the restart's fsync
/// of the database file has little left to write. With both, a restart stalls the writer a few
/// milliseconds however large the database has grown.
///
/// The thread wakes every `tick` (shorter than `interval`) for `everyTick` alone: the server's check
/// that its files are still where SQLite opened them, which should not wait for the next copy.
/// Why a round every 250 ms and not every 50 ms (7 Dec, `Benchmarks/api-stages.sh` and
/// `Benchmarks/wal-growth.sh`, alternating): a voucher's page rewritten by many redemptions is copied
/// and written back once a round, so fewer rounds write fewer pages, and the WAL's `fdatasync`, which
/// every durable answer waits for, shares the disk with less of that write-back.
final class Checkpointer: Sendable {
    private let thread: PeriodicThread
    /// Rounds begun and ended; the thread's closure holds the same object.
    private final class Rounds: Sendable {
        let begun = Atomic<Int>(0)
        let ended = Atomic<Int>(0)
        /// Rounds whose write-back of the database file the kernel accepted.
        let writebacks = Atomic<Int>(0)
        /// Set by `roundSoon`: the next tick runs a round however recent the last one was.
        let asked = Atomic<Bool>(false)
    }
    private let rounds: Rounds

    /// `everyTick` runs on every tick, on the checkpointer's thread, before a round if one is due;
    /// false skips the checkpoint (a due round still counts, so a writer waiting for one goes on).
    /// `tick`: how often `everyTick` runs; `interval` when not given.
    init(path: String, interval: TimeInterval = 0.25, tick: TimeInterval? = nil,
         everyTick: @escaping @Sendable () -> Bool = { true }) {
        // The connection is opened on the checkpointer's thread and used only there.
        nonisolated(unsafe) var db: Database?
        nonisolated(unsafe) var nextRound: UInt64 = 0
        let rounds = Rounds()
        self.rounds = rounds
        let roundNanoseconds = UInt64(max(0, interval) * 1e9)
        thread = PeriodicThread(name: "gw-checkpoint", interval: min(tick ?? interval, interval)) {
            let mayCopy = everyTick()
            let now = DispatchTime.now().uptimeNanoseconds
            guard rounds.asked.exchange(false, ordering: .sequentiallyConsistent) || now >= nextRound else { return }
            nextRound = now &+ roundNanoseconds
            rounds.begun.add(1, ordering: .sequentiallyConsistent)
            defer { rounds.ended.add(1, ordering: .sequentiallyConsistent) }
            guard mayCopy else { return }
            if db == nil { db = try? Database(path: path, options: .init(mustExist: true)) }
            // Busy or locked: the next round tries again.
            _ = try? db?.scalarInt("PRAGMA wal_checkpoint(PASSIVE)")
            // The copied pages start on their way to disk now, not all at the writer's next restart.
            if db?.startWritebackOfDatabaseFile() == 0 { rounds.writebacks.add(1, ordering: .relaxed) }
        } atExit: {
            db = nil  // closed at stop, so that the writer's connection can be the last (see GoodwillAPI.close)
        }
    }

    func start() { thread.start() }
    func stop() { thread.stop() }

    /// Asks for a round now. Returns the value `roundsEnded` reaches once a round that began
    /// after this call has ended (rounds run one at a time: the next to begin is number begun + 1).
    func roundSoon() -> Int {
        let next = rounds.begun.load(ordering: .sequentiallyConsistent) + 1
        rounds.asked.store(true, ordering: .sequentiallyConsistent)
        thread.runSoon()
        return next
    }

    var roundsEnded: Int { rounds.ended.load(ordering: .sequentiallyConsistent) }
    var writebacksStarted: Int { rounds.writebacks.load(ordering: .relaxed) }
}
