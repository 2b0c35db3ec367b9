import Foundation
import Ledger

/// Reading work too slow for an event loop (reports over every voucher, policy simulations over
/// history): a few threads of its own, each reading through a connection of its own pool.
///
/// Neither the request path's readers nor Dispatch's threads are used: a report holding one of
/// the event loops' read connections for seconds made every database request on that loop wait
/// for it (the loops check a reader out on their own thread), and four such reports stopped the
/// whole API, `/health` included. Here at most `threads` run at once and at most `maxQueued`
/// wait; beyond that a request is refused (503 `busy`) rather than queued without bound.
///
/// `@unchecked Sendable`: `queue`, `running` and `stopping` are touched only under `condition`.
final class SlowReads: @unchecked Sendable {
    typealias Job = @Sendable (Ledger?, (any Error)?) -> Void

    private let condition = NSCondition()
    private var queue: [Job] = []
    private var running = 0
    private var stopping = false
    private var started = false
    private let pool: ReaderPool
    let threads: Int
    let maxQueued: Int
    /// Entered for each thread started, left as each ends.
    private let ended = DispatchGroup()

    init(pool: ReaderPool, threads: Int, maxQueued: Int) {
        self.pool = pool
        self.threads = max(1, threads)
        self.maxQueued = max(0, maxQueued)
    }

    /// Queues `body` to run with a reader; false when `maxQueued` jobs already wait or it is stopping.
    /// `body` gets the reader, or the error opening one.
    func submit(_ body: @escaping Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping, queue.count < maxQueued + max(0, threads - running) else { return false }
        if !started {
            started = true
            for i in 0..<threads {
                ended.enter()
                Thread.startNamed("gw-slow-\(i)") { [self] in run() }
            }
        }
        queue.append(body)
        condition.signal()
        return true
    }

    /// Jobs waiting (not yet running).
    var waiting: Int {
        condition.lock(); defer { condition.unlock() }
        return queue.count
    }

    /// Runs what is queued, then stops the threads and returns. A second call, or two at once, each
    /// return once the threads have ended (`ended` may be waited on by any number).
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        ended.wait()
        pool.close()
    }

    private func run() {
        defer { ended.leave() }
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty { condition.unlock(); return }
            let job = queue.removeFirst()
            running += 1
            condition.unlock()
            do {
                try pool.withReader { job($0, nil) }
            } catch {
                job(nil, error)
            }
            condition.lock(); running -= 1; condition.unlock()
        }
    }
}
