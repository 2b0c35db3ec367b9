import Foundation
import Glibc
import Store

/// Moves WAL checkpoints off the writer thread. SQLite's automatic checkpoint runs inside the
/// commit that crosses 1000 pages, so one unlucky batch of requests would wait for the copy and
/// the database file's fsync; here the writer's automatic checkpoint is off and this thread runs a
/// PASSIVE checkpoint (it never blocks the writer or readers) every `interval` on its own
/// connection (https://sqlite.org/wal.html#application_initiated_checkpoints).
///
/// `@unchecked Sendable`: `stopping` is touched only under `condition`; the connection only on the
/// checkpointer's thread.
final class Checkpointer: @unchecked Sendable {
    private let path: String
    private let interval: TimeInterval
    private let condition = NSCondition()
    private var stopping = false
    private var running = false
    private let finished = DispatchSemaphore(value: 0)

    init(path: String, interval: TimeInterval = 0.25) {
        self.path = path
        self.interval = interval
    }

    func start() {
        condition.lock(); running = true; condition.unlock()
        // Named for top -H and perf (Foundation's Thread.name does not reach the kernel here).
        let thread = Thread { [self] in
            try? "gw-checkpoint".write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
            run()
        }
        thread.name = "wal-checkpoint"
        thread.start()
    }

    func stop() {
        condition.lock()
        stopping = true
        let wasRunning = running
        condition.signal()
        condition.unlock()
        if wasRunning { finished.wait() }
    }

    private func run() {
        defer { finished.signal() }
        let db = try? Database(path: path)
        while true {
            condition.lock()
            let deadline = Date().addingTimeInterval(interval)
            while !stopping && Date() < deadline { _ = condition.wait(until: deadline) }
            let stop = stopping
            condition.unlock()
            if stop { break }
            // Busy or locked: the next round tries again.
            _ = try? db?.scalarInt("PRAGMA wal_checkpoint(PASSIVE)")
        }
    }
}
