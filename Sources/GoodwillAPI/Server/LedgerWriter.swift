import Foundation
import Glibc
import GoodwillCore
import HTTPServer
import Ledger
import Store
import Synchronization

/// The one thread that writes. It owns a `Ledger` and drains a queue: consecutive ledger
/// commands are committed together with `performBatch` (one transaction, a savepoint each, so
/// ONE fsync for many concurrent redemptions under synchronous=FULL), and each caller is
/// answered only after that commit. Other writes (policy activation, reminder retry) run alone.
///
/// `@unchecked Sendable`: `pending` and `stopping` are touched only under `condition`; `ledger`
/// only on the writer thread (and in `init`, before the thread starts).
final class LedgerWriter: @unchecked Sendable {
    enum Work {
        case command(LedgerCommand, actor: String, idempotencyKey: String?, done: @Sendable (Result<LedgerReceipt, any Error>) -> Void)
        case custom(@Sendable (Ledger) -> Void)
    }

    private let condition = NSCondition()
    private var pending: [Work] = []
    private var stopping = false
    private var stopped = false
    private var ledger: Ledger?
    /// Most commands in one transaction; more wait for the next one.
    let maxBatch: Int
    /// Beyond this many waiting writes a request is refused with 503 rather than queued.
    let maxPending: Int
    private let finished = DispatchSemaphore(value: 0)
    /// Committed batches and commands, for the benchmark's view of how well commits group.
    let batches = Atomic<Int>(0)
    let commands = Atomic<Int>(0)
    /// Nanoseconds spent inside transactions (work and commit), to tell a busy writer from a waiting one.
    let busyNanoseconds = Atomic<Int>(0)

    init(ledger: Ledger, maxBatch: Int = 512, maxPending: Int = 20_000) {
        self.ledger = ledger
        self.maxBatch = maxBatch
        self.maxPending = maxPending
    }

    func start() {
        // Named for top -H and perf (Foundation's Thread.name does not reach the kernel here).
        let thread = Thread { [self] in
            try? "gw-writer".write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
            run()
        }
        thread.name = "ledger-writer"
        thread.start()
    }

    /// Queues work; false when the queue is full or the writer is stopping.
    func submit(_ work: Work) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping, pending.count < maxPending else { return false }
        pending.append(work)
        condition.signal()
        return true
    }

    /// Finishes everything queued, closes the connection, and returns.
    func stop() {
        condition.lock()
        let alreadyStopped = stopped
        stopping = true
        condition.signal()
        condition.unlock()
        if !alreadyStopped { finished.wait() }
    }

    private func run() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopping { condition.wait() }
            if pending.isEmpty && stopping {
                stopped = true
                condition.unlock()
                break
            }
            let work = pending
            pending = []
            condition.unlock()
            process(work)
        }
        ledger = nil  // closes the connection (checkpointing the WAL) before the process exits
        finished.signal()
    }

    private func process(_ work: [Work]) {
        guard let ledger else { return }
        var group: [(LedgerCommand, String, String?, @Sendable (Result<LedgerReceipt, any Error>) -> Void)] = []
        func flush() {
            guard !group.isEmpty else { return }
            let results: [Result<LedgerReceipt, any Error>]
            let started = DispatchTime.now().uptimeNanoseconds
            defer { busyNanoseconds.add(Int(DispatchTime.now().uptimeNanoseconds - started), ordering: .relaxed) }
            do {
                results = try ledger.performBatch(group.map { (command: $0.0, actor: $0.1, idempotencyKey: $0.2) })
            } catch {
                results = Array(repeating: .failure(error), count: group.count)
            }
            batches.add(1, ordering: .relaxed)
            commands.add(group.count, ordering: .relaxed)
            // Answering (rendering JSON, logging) happens off this thread, so the next batch starts now.
            let answers = zip(group.map(\.3), results).map { ($0, $1) }
            DispatchQueue.global().async { for (done, result) in answers { done(result) } }
            group.removeAll(keepingCapacity: true)
        }
        for item in work {
            switch item {
            case .command(let command, let actor, let key, let done):
                group.append((command, actor, key, done))
                if group.count >= maxBatch { flush() }
            case .custom(let body):
                flush()
                body(ledger)
            }
        }
        flush()
    }
}
