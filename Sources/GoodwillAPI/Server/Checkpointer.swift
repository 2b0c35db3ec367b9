import Foundation
import Glibc
import Store

/// Moves WAL checkpoints off the writer thread. SQLite's automatic checkpoint runs inside the
/// commit that crosses 1000 pages, so one unlucky batch of requests would wait for the copy and
/// the database file's fsync; here the writer's automatic checkpoint is off and this thread runs a
/// PASSIVE checkpoint (it never blocks the writer or readers) every `interval` on its own
/// connection (https://sqlite.org/wal.html#application_initiated_checkpoints).
///
final class Checkpointer: Sendable {
    private let thread: PeriodicThread

    init(path: String, interval: TimeInterval = 0.25) {
        // The connection is opened on the checkpointer's thread and used only there.
        nonisolated(unsafe) var db: Database?
        thread = PeriodicThread(name: "gw-checkpoint", interval: interval) {
            if db == nil { db = try? Database(path: path) }
            // Busy or locked: the next round tries again.
            _ = try? db?.scalarInt("PRAGMA wal_checkpoint(PASSIVE)")
        }
    }

    func start() { thread.start() }
    func stop() { thread.stop() }
}
