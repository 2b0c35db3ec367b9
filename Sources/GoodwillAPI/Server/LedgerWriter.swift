import Foundation
import Glibc
import GoodwillCore
import HTTPServer
import Ledger
import Store
import Synchronization

/// The one thread that writes. It owns a `Ledger` and drains a queue: consecutive ledger
/// commands are committed together with `performBatch` (one transaction; a refused command undone alone), and
/// each caller is answered only once that transaction is on disk. Other writes (policy
/// activation, reminder retry) run alone, answered the same way.
///
/// Durability with a pipeline: SQLite's synchronous=FULL would fsync the WAL inside every commit,
/// and the writer would sit idle for the fsync. Instead the writer's connection commits with
/// synchronous=NORMAL and hands the batch's answers to a syncer thread, which fdatasyncs the WAL
/// file and only then answers. One fsync covers every batch committed while the previous fsync
/// ran, and the writer builds the next batch meanwhile. An answered change is on disk exactly as
/// with FULL; the difference is that a reader may see a change a few milliseconds before it is
/// durable (and answered). With `syncWAL` off (GOODWILL_SYNCHRONOUS=normal) answers go out at once.
///
/// `@unchecked Sendable`: `pending`, `stopping` and the syncer's queue are touched only under
/// their conditions; `ledger` only on the writer thread (and in `init`, before it starts).
final class LedgerWriter: @unchecked Sendable {
    enum Work {
        case command(LedgerCommand, actor: String, idempotencyKey: String?, done: @Sendable (Result<LedgerReceipt, any Error>) -> Void)
        /// Does its writing and returns how to answer; the answer waits for the sync like any other.
        case custom(@Sendable (Ledger) -> Answer)
    }

    /// How to answer once the change is durable, or that it could not be made durable.
    struct Answer: @unchecked Sendable {
        // The closures capture only a completion and a Result; each is called at most once.
        let deliver: () -> Void
        let fail: () -> Void
    }

    struct SyncFailed: Error {}

    /// Set, once and for good, when the WAL could not be made durable (an fdatasync or the open
    /// before it failed): the reason, for the log, `/health` and the refusals. Linux reports a
    /// failed write-back once and then marks the pages clean, so a later sync that succeeds proves
    /// nothing about the frames before it: from then on nothing is acknowledged and every write is
    /// refused until the process is restarted and SQLite recovers the log (PostgreSQL stops the
    /// same way). Commits already made stay visible to readers; they were never acknowledged.
    var storageFailure: String? { storageFailureReport?.reason }
    /// With `storageFailure`, what the operator must do about it while the server runs (the log
    /// line, `advice`) and once it has stopped (the stop's message, `afterStop`).
    var storageFailureReport: StorageFailure? { failed.load(ordering: .acquiring) ? failure.withLock { $0 } : nil }
    typealias StorageFailure = (reason: String, advice: String, afterStop: String)
    private let failure = Mutex<StorageFailure?>(nil)
    /// The log to rename at the stop (`setOrphanedLogAside`), once `checkFiles` found it beside no database.
    private let logToSetAside = Mutex<String?>(nil)
    /// Set after `failure`: every write and every `/health` asks, so the answer costs no lock.
    private let failed = Atomic<Bool>(false)
    /// Where the failure is said (the API's request log, as a critical event).
    private let log: RequestLog?
    /// Replaces the WAL's fdatasync in tests: returns 0, or an errno.
    private let syncHook: (@Sendable () -> Int32)?

    private let condition = NSCondition()
    /// Each with the time it was queued (monotonic nanoseconds).
    private var pending: [(work: Work, queuedAt: UInt64)] = []
    private var stopping = false
    private var stopped = false
    private var ledger: Ledger?
    let maxBatch: Int
    static let syncers = 2
    /// Beyond this many waiting writes a request is refused with 503 rather than queued.
    let maxPending: Int
    /// Entered when the writer's thread starts, left when it has ended: every `stop()` waits on it,
    /// a second one or two at once too, and one before `start()` has nothing to wait for.
    private let ended = DispatchGroup()

    private let walPath: String?
    /// The database file, its WAL and its -shm as SQLite opened them, watched by `checkFiles`.
    private let files: WatchedFiles?
    private let syncCondition = NSCondition()
    private var toSync: [Answer] = []
    /// Committed-but-unsynced answers' commit times, one entry per handed batch: (time, count).
    private var toSyncCommittedAt: [(at: UInt64, count: Int)] = []
    private var syncStopping = false
    private let syncFinished = DispatchSemaphore(value: 0)

    /// The WAL's length after the writer's last commit; past `restartWALAfterFrames` (128 MiB of
    /// 4 KiB pages) the writer starts the log over between batches (see `Database.restartWAL`).
    /// A restart stalls the writer for the copy of what the checkpointer has not yet copied and
    /// for the fsync of every database page the checkpoints wrote since the last restart (SQLite
    /// syncs the database file only after a checkpoint that caught up with the writer, which its
    /// PASSIVE rounds under load never do): about 12 ms each on 6 Dec. Measured on the 2-core
    /// machines: every 4,096 frames cost a quarter of the issue rate; 16,384 (23 Nov) stalled the
    /// writer 420–480 ms in every 10 s of redemptions; 32,768 alone about 300 ms; 32,768 with the
    /// checkpointer's round asked for just before, 250–265 ms (api-stages p99 15.7–17.2 ms before,
    /// 11.9–12.9 after). Never restarting is slower still: the WAL grows without end and every
    /// page lookup searches more of its index.
    private let walFrames: WALFrameCounter
    static let restartWALAfterFrames: Int32 = 32_768
    /// `restartWALAfterFrames` but in tests, which restart a small log.
    let restartAfterFrames: Int32
    private var nextRestartAttempt: UInt64 = 0
    let walRestarts = Atomic<Int>(0)
    /// Time the writer spent in restarts (and in tries that found a reader still in the log):
    /// every write waits for it, so it is the stall the restarts cost.
    let walRestartNanoseconds = Atomic<Int>(0)
    /// Set by the API before `start()`: asked for a round before each restart (see `restartWAL`).
    var checkpointer: Checkpointer?
    /// While a restart waits for the checkpointer's round: the count to wait for, and when asked.
    private var awaitedRound: (count: Int, askedAt: UInt64)?

    let batches = Atomic<Int>(0)
    let commands = Atomic<Int>(0)
    let syncs = Atomic<Int>(0)
    /// Nanoseconds spent inside transactions, to tell a busy writer from a waiting one.
    let busyNanoseconds = Atomic<Int>(0)
    /// Where a write's time goes before it is answered, summed over writes (under a load of
    /// ledger commands, divide by `commands` for the mean): waiting in the queue for the writer to
    /// take it, waiting after its commit for a syncer to start, and the fdatasync that covered it.
    /// With `transactionNanoseconds` they show which stage a slow write spent its time in.
    let queuedNanoseconds = Atomic<Int>(0)
    let syncWaitNanoseconds = Atomic<Int>(0)
    let syncingNanoseconds = Atomic<Int>(0)
    /// The transaction each write was committed in, summed over writes: a write is answered only
    /// after its whole batch, so a batch of ten adds its time ten times. `busyNanoseconds` counts
    /// it once; divided by `batches` that is the mean transaction, not what the mean write waited
    /// for (small batches are the many, large ones hold most of the writes).
    let transactionNanoseconds = Atomic<Int>(0)

    /// `walPath`: the WAL file to fdatasync before answering; nil to answer right after commit.
    init(ledger: Ledger, walPath: String?, maxBatch: Int = 512, maxPending: Int = 20_000,
         restartAfterFrames: Int32 = LedgerWriter.restartWALAfterFrames, syncHook: (@Sendable () -> Int32)? = nil,
         log: RequestLog? = nil) {
        self.ledger = ledger
        self.log = log
        self.syncHook = syncHook
        self.restartAfterFrames = restartAfterFrames
        walFrames = ledger.db.countWALFrames()
        self.walPath = walPath
        files = WatchedFiles(databasePath: ledger.db.databaseFilePath, logPath: ledger.db.walFilePath)
        self.maxBatch = maxBatch
        self.maxPending = maxPending
    }

    deinit {
        files?.close()
    }

    func start() {
        ended.enter()
        Thread.startNamed("gw-writer") { [self] in run() }
        // Two syncers: a batch committed while one fdatasync runs need not wait for it to end
        // before its own starts (ext4 lets concurrent syncs share a journal commit).
        // Each syncer's descriptor is opened now, before any write: Linux reports a failed
        // write-back to the descriptors open when it happened, not to one opened after.
        for i in 0..<(walPath == nil ? 0 : Self.syncers) {
            let fd = walPath.map { open($0, O_RDWR | O_CLOEXEC) } ?? -1
            if fd < 0 && syncHook == nil { markFailed("cannot open the WAL \(walPath ?? "") to sync it: \(String(cString: strerror(errno)))") }
            Thread.startNamed("gw-sync-\(i)") { [self] in syncLoop(fd: fd) }
        }
    }

    /// Queues work; false when the queue is full, the writer is stopping, or the storage failed
    /// (`storageFailure`).
    func submit(_ work: Work) -> Bool {
        guard storageFailure == nil else { return false }
        let now = DispatchTime.now().uptimeNanoseconds
        condition.lock()
        guard !stopping, pending.count < maxPending else { condition.unlock(); return false }
        pending.append((work, now))
        let wasEmpty = pending.count == 1
        condition.unlock()
        // Woken after the lock is let go, or the writer wakes only to wait for it; and only when the
        // queue was empty, the one case in which the writer may be waiting (it takes the whole queue).
        if wasEmpty { condition.signal() }
        return true
    }

    /// Finishes everything queued, syncs and answers it, and returns. The connection stays open
    /// until `closeConnection()`.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        ended.wait()
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
            let queued = pending
            pending = []
            condition.unlock()
            let taken = DispatchTime.now().uptimeNanoseconds
            queuedNanoseconds.add(queued.reduce(0) { $0 + Int(taken &- $1.queuedAt) }, ordering: .relaxed)
            process(queued.map(\.work))
            if walFrames.frames >= restartAfterFrames { restartWAL() }
        }
        if walPath != nil {
            syncCondition.lock(); syncStopping = true; syncCondition.broadcast(); syncCondition.unlock()
            for _ in 0..<Self.syncers { syncFinished.wait() }
        }
        ended.leave()
    }

    /// Closes the writer's connection, after `stop()`. Closed last, it checkpoints the WAL and
    /// deletes the -wal and -shm files (https://sqlite.org/wal.html#the_wal_file); while another
    /// connection is open, or if the last is read-only, they stay.
    func closeConnection() {
        condition.lock()
        defer { condition.unlock() }
        if stopped { ledger = nil }
    }

    private func process(_ work: [Work]) {
        guard let ledger else { return }
        var group: [(LedgerCommand, String, String?, @Sendable (Result<LedgerReceipt, any Error>) -> Void)] = []
        var answers: [Answer] = []
        func flush() {
            guard !group.isEmpty else { return }
            let results: [Result<LedgerReceipt, any Error>]
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                results = try ledger.performBatch(group.map { (command: $0.0, actor: $0.1, idempotencyKey: $0.2) })
            } catch {
                results = Array(repeating: .failure(error), count: group.count)
            }
            let took = Int(DispatchTime.now().uptimeNanoseconds - started)
            busyNanoseconds.add(took, ordering: .relaxed)
            transactionNanoseconds.add(took * group.count, ordering: .relaxed)
            batches.add(1, ordering: .relaxed)
            commands.add(group.count, ordering: .relaxed)
            for (item, result) in zip(group, results) {
                let done = item.3
                answers.append(Answer(deliver: { done(result) }, fail: { done(.failure(SyncFailed())) }))
            }
            group.removeAll(keepingCapacity: true)
        }
        for item in work {
            switch item {
            case .command(let command, let actor, let key, let done):
                group.append((command, actor, key, done))
                if group.count >= maxBatch { flush() }
            case .custom(let body):
                flush()
                answers.append(body(ledger))
            }
        }
        flush()
        hand(answers)
    }

    /// Between batches, so no write waits inside a transaction: copies the WAL into the database
    /// and lets the next commit write it from the start. Readers get 5 ms to move on; if one is
    /// still reading (a long report), the writer goes on and tries again 50 ms later. Commits
    /// still waiting for the syncer stay durable: the checkpoint syncs the WAL before copying it
    /// and the database file after, and the syncer's own fdatasync covers what comes next.
    ///
    /// First the checkpointer is asked for a round and the writer goes on; the restart happens
    /// between the batches after that round, so it copies only what was committed meanwhile
    /// (or after 200 ms without one, as before).
    private func restartWAL() {
        guard let ledger else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now >= nextRestartAttempt else { return }
        if let checkpointer {
            guard let awaited = awaitedRound else {
                awaitedRound = (checkpointer.roundSoon(), now)
                return
            }
            if checkpointer.roundsEnded < awaited.count && now - awaited.askedAt < 200_000_000 { return }
        }
        awaitedRound = nil
        let restarted = (try? ledger.db.restartWAL(waitMilliseconds: 5)) == true
        walRestartNanoseconds.add(Int(DispatchTime.now().uptimeNanoseconds - now), ordering: .relaxed)
        if restarted {
            walRestarts.add(1, ordering: .relaxed)
        } else {
            nextRestartAttempt = now + 50_000_000
        }
    }

    /// To the syncer, or (without one) straight out on another thread so the next batch starts now.
    private func hand(_ answers: [Answer]) {
        guard !answers.isEmpty else { return }
        if walPath != nil {
            syncCondition.lock()
            let wasEmpty = toSync.isEmpty
            toSync += answers
            toSyncCommittedAt.append((DispatchTime.now().uptimeNanoseconds, answers.count))
            syncCondition.unlock()
            // As in `submit`: after the lock, and only when no syncer has been woken for what waits.
            if wasEmpty { syncCondition.signal() }
        } else {
            DispatchQueue.global().async { for a in answers { a.deliver() } }
        }
    }

    static let checkTheDisk = "check the disk"

    func markFailed(_ reason: String, advice: String = LedgerWriter.checkTheDisk, afterStop: String? = nil) {
        let first = failure.withLock { current -> Bool in
            guard current == nil else { return false }
            current = (reason, advice, afterStop ?? advice)
            return true
        }
        guard first else { return }
        failed.store(true, ordering: .releasing)
        log?.critical("storage failed: writes are refused until the service is restarted; \(advice)",
                      ["reason": .string(reason)])
    }

    /// Fails the storage, as a failed sync does, once the database, its WAL or its shared-memory
    /// index is no longer where SQLite opened it (`WatchedFile`): every write after that would be
    /// answered and then lost, left in a log beside no database, or (the index deleted) made by
    /// another process into a damaged book. Called between checkpoints, so the writes answered
    /// between the change and the check (50 ms at most) are in the files the advice names.
    func checkFiles() {
        guard storageFailure == nil, let files, let found = files.changes() else { return }
        let told = Self.explain(found, database: files.database, logPath: files.logPath, process: getpid())
        if told.setLogAside { logToSetAside.withLock { $0 = files.logPath } }
        markFailed(told.reason, advice: told.advice, afterStop: told.afterStop)
    }

    /// What the operator reads when watched files changed under the server: now (`advice`) and
    /// once it has stopped (`afterStop`), and whether the stop sets the log aside. A log left under
    /// its name beside no database (or beside another one) would be replayed by whatever database
    /// is next opened at that path: an empty new book would reset it, a restored backup would be
    /// damaged by it. So it is renamed to `<log>.orphaned`, which nothing opens, and the advice
    /// says to put it back together with its database.
    static func explain(_ found: WatchedFiles.Changes, database: WatchedFile, logPath log: String,
                        process: pid_t) -> (reason: String, advice: String, afterStop: String, setLogAside: Bool) {
        let path = database.path, aside = log + ".orphaned"
        func what(_ change: WatchedFile.Change) -> String {
            switch change { case .deleted: "was deleted"; case .moved: "was moved away"; case .replaced: "was replaced by another file" }
        }
        if let change = found.database {
            if found.log == .moved || found.log == .replaced, change != .deleted {
                return ("the database file \(path) and its log \(log) were moved away while the server ran (their folder, perhaps)",
                        "stop the server, then move both back together (or the folder they are in), and start it again",
                        "the database and its log were moved together and hold every answered write: move them back together to \(path) and \(log) (or the folder back), then start again",
                        false)
            }
            if change == .deleted {
                return ("the database file \(path) was deleted while the server ran",
                        "its data is still reachable while this process runs: before stopping the server, copy it back with 'cp /proc/\(process)/fd/\(database.descriptor) \(path)'; then stop the server, rename \(aside) (its log, set aside at the stop) back to \(log), and start it again",
                        "if the database was copied back to \(path) before the stop, rename \(aside) (its log, with the newest writes) back to \(log) beside it and start again; if it was not, the database is gone with the process: restore a backup to \(path) and keep \(aside) for the record (it holds only the latest writes)",
                        true)
            }
            return ("the database file \(path) \(what(change)) while the server ran",
                    "the newest answered writes are in its log \(log): stop the server (it sets the log aside as \(aside), so that nothing else opened at \(path) replays it), put the database file back at \(path), rename \(aside) back to \(log), and start it again",
                    "the newest answered writes are in \(aside): put the database file that was moved back at \(path), rename \(aside) to \(log), then start again (not before: a database opened at \(path) without that log lacks those writes)",
                    true)
        }
        if let change = found.log {
            return ("the database's log \(log) \(what(change)) while the server ran",
                    "the newest answered writes are only in the log this process holds open: stop the server with SIGTERM (not kill -9), which copies them into the database as it closes, then run 'goodwill verify' before starting it again",
                    "the log this server held was copied into the database as it closed: run 'goodwill verify' before starting again",
                    false)
        }
        let change = found.index ?? .deleted
        return ("the database's shared-memory index \(path)-shm \(what(change)) while the server ran",
                "another process opening the database now (goodwill, sqlite3) would build its own index and could damage the book: stop every other process on it, then stop the server with SIGTERM (not kill -9), which copies its log into the database as it closes, and run 'goodwill verify' before starting it again",
                "run 'goodwill verify' and sqlite3 \(path) 'PRAGMA integrity_check' before starting again",
                false)
    }

    /// After the connection has closed: renames a log that `checkFiles` found beside no database
    /// of its own (see `explain`). Returns where it went, or nil.
    @discardableResult
    func setOrphanedLogAside() -> String? {
        guard let log = logToSetAside.withLock({ $0 }) else { return nil }
        let aside = log + ".orphaned"
        guard access(log, F_OK) == 0, rename(log, aside) == 0 else { return nil }
        return aside
    }

    private func syncLoop(fd: Int32) {
        defer { syncFinished.signal() }
        defer { if fd >= 0 { close(fd) } }
        while true {
            syncCondition.lock()
            while toSync.isEmpty && !syncStopping { syncCondition.wait() }
            if toSync.isEmpty && syncStopping { syncCondition.unlock(); return }
            let batch = toSync
            toSync = []
            let committed = toSyncCommittedAt
            toSyncCommittedAt = []
            syncCondition.unlock()
            let started = DispatchTime.now().uptimeNanoseconds
            syncWaitNanoseconds.add(committed.reduce(0) { $0 + Int(started &- $1.at) * $1.count }, ordering: .relaxed)
            // Everything in `batch` was committed before this point, so this fdatasync covers it
            // (on Linux it flushes the file's data whichever descriptor wrote it).
            var error: Int32 = 0
            if let syncHook {
                error = syncHook()
            } else if fd < 0 {
                error = EBADF
            } else {
                var rc: Int32
                repeat { rc = fdatasync(fd) } while rc != 0 && errno == EINTR
                if rc != 0 { error = errno }
            }
            if error != 0 { markFailed("fdatasync of the WAL failed: \(String(cString: strerror(error)))") }
            syncs.add(1, ordering: .relaxed)
            syncingNanoseconds.add(Int(DispatchTime.now().uptimeNanoseconds - started) * batch.count, ordering: .relaxed)
            // After any failure, none: a sync that succeeds later does not cover what failed.
            let synced = error == 0 && storageFailure == nil
            DispatchQueue.global().async { for a in batch { if synced { a.deliver() } else { a.fail() } } }
        }
    }
}
