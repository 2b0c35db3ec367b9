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
final class Checkpointer: Sendable {
    private let thread: PeriodicThread
    /// Rounds begun and ended; the thread's closure holds the same object.
    private final class Rounds: Sendable {
        let begun = Atomic<Int>(0)
        let ended = Atomic<Int>(0)
        /// Rounds whose write-back of the database file the kernel accepted.
        let writebacks = Atomic<Int>(0)
    }
    private let rounds: Rounds

    /// `beforeRound` runs first in every round, on the checkpointer's thread; false skips the
    /// checkpoint (the round still counts, so a writer waiting for one goes on).
    init(path: String, interval: TimeInterval = 0.25, beforeRound: @escaping @Sendable () -> Bool = { true }) {
        // The connection is opened on the checkpointer's thread and used only there.
        nonisolated(unsafe) var db: Database?
        let rounds = Rounds()
        self.rounds = rounds
        thread = PeriodicThread(name: "gw-checkpoint", interval: interval) {
            rounds.begun.add(1, ordering: .sequentiallyConsistent)
            defer { rounds.ended.add(1, ordering: .sequentiallyConsistent) }
            guard beforeRound() else { return }
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
        thread.runSoon()
        return next
    }

    var roundsEnded: Int { rounds.ended.load(ordering: .sequentiallyConsistent) }
    var writebacksStarted: Int { rounds.writebacks.load(ordering: .relaxed) }
}
