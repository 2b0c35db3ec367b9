import Foundation
import GoodwillCore
import HTTPServer
import Ledger
import Reminders
import Store
import Synchronization

/// The Goodwill HTTP API as an `HTTPResponder`: routes, keys and roles, problem+json, one log
/// line and metrics per request. Reads run on the event-loop thread with a pooled read-only
/// connection; ledger changes go to the single writer thread and are answered after their
/// group commit.
public final class GoodwillAPI: HTTPResponder, Sendable {
    public struct Configuration: Sendable {
        public var databasePath: String
        /// Where `{"file": …}` in the policy routes is looked up; nil: only inline policies.
        public var policiesDirectory: String?
        public var catalog: MessageCatalog
        public var ledger: Ledger.Configuration
        /// synchronous=FULL: an answered write survives power loss.
        public var durable: Bool
        public var readConnections: Int
        /// Reports and simulations: how many run at once (each on a thread and read connection of
        /// its own, see `SlowReads`) and how many more may wait before a request is refused (503).
        public var slowReadThreads: Int = 2
        public var slowReadQueue: Int = 16
        public var log: Bool
        public var publicBalance: RateLimiter.Configuration

        public init(databasePath: String, policiesDirectory: String? = nil, catalog: MessageCatalog,
                    ledger: Ledger.Configuration = .init(), durable: Bool = true, readConnections: Int = 4, log: Bool = true,
                    publicBalance: RateLimiter.Configuration = .init()) {
            self.databasePath = databasePath; self.policiesDirectory = policiesDirectory; self.catalog = catalog
            self.ledger = ledger; self.durable = durable; self.readConnections = readConnections; self.log = log
            self.publicBalance = publicBalance
        }
    }

    public let configuration: Configuration
    public let clock: any Clock
    public let router: Router
    public let metrics = Metrics()
    let log: RequestLog
    let limiter: RateLimiter
    let keyCache = KeyCache()
    let readers: ReaderPool
    let slowReads: SlowReads
    let writer: LedgerWriter
    let checkpointer: Checkpointer
    /// Distinguishes request ids of this process from another's.
    let instance: String
    /// Numbers the requests refused before routing, which have no request id of their own.
    let refusals = Atomic<UInt64>(0)
    private let closed = Atomic<Bool>(false)
    /// When a storage fault was last said as critical (monotonic nanoseconds; 0: never).
    private let lastStorageFaultSaid = Atomic<UInt64>(0)

    /// Opens (creating and migrating if needed) the database and starts the writer thread.
    /// `uptime` (monotonic nanoseconds) times the public balance's rate limits, which must not
    /// follow the wall clock when it is stepped.
    public init(configuration: Configuration, clock: any Clock, uptime: @escaping @Sendable () -> UInt64 = RateLimiter.systemUptime) throws {
        self.configuration = configuration
        self.clock = clock
        // synchronous=NORMAL on the writer's own connection: when `durable`, the writer fdatasyncs the
        // WAL itself before it answers (see LedgerWriter), which keeps FULL's promise without stalling.
        let ledger = try Ledger(path: configuration.databasePath, clock: clock, options: .init(durable: false, bufferedWAL: true),
                                configuration: configuration.ledger)
        // Checkpoints run on their own thread (see Checkpointer), not inside a commit.
        try ledger.db.execute("PRAGMA wal_autocheckpoint = 0")
        // The writer starts the WAL over every 32,768 frames (LedgerWriter.restartWAL); a WAL left
        // larger than that and a batch more (by a big import) is cut back then
        // (https://sqlite.org/pragma.html#pragma_journal_size_limit). A limit below the restart
        // point, as 64 MiB was for 16,384 frames of 4 KiB and their headers, truncated the file at
        // every restart and grew it again.
        let pageSize = try ledger.db.scalarInt("PRAGMA page_size")
        let walLimit = Int64(LedgerWriter.restartWALAfterFrames + 1_024) * (pageSize + 24) + 32
        try ledger.db.execute("PRAGMA journal_size_limit = \(walLimit)")
        // The WAL as SQLite names it: the database path as given may be a symbolic link or a URI.
        let walPath = ledger.db.walFilePath ?? configuration.databasePath + "-wal"
        log = RequestLog(enabled: configuration.log, clock: clock)
        writer = LedgerWriter(ledger: ledger, walPath: configuration.durable ? walPath : nil, log: log)
        // A round every 250 ms (see Checkpointer). Every 50 ms its thread checks that the database,
        // its WAL and -shm are still where SQLite opened them; once the storage failed it copies
        // nothing more into a file that may be gone or being copied back.
        let watcher = writer
        checkpointer = Checkpointer(path: configuration.databasePath, interval: 0.25, tick: 0.05) {
            watcher.checkFiles()
            return watcher.storageFailure == nil
        }
        writer.checkpointer = checkpointer
        readers = ReaderPool(path: configuration.databasePath, clock: clock, configuration: configuration.ledger,
                             limit: configuration.readConnections)
        slowReads = SlowReads(pool: ReaderPool(path: configuration.databasePath, clock: clock, configuration: configuration.ledger,
                                               limit: configuration.slowReadThreads),
                              threads: configuration.slowReadThreads, maxQueued: configuration.slowReadQueue)
        router = Router(routes: GoodwillAPI.routes)
        limiter = RateLimiter(configuration: configuration.publicBalance, uptime: uptime)
        instance = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        writer.start()
        checkpointer.start()
    }

    /// Finishes queued writes and closes the connections. Call after the HTTP server (and the
    /// reminder loop) has stopped. The writer's connection closes last: the last connection to close
    /// deletes the -wal and -shm files, but only if it can write. Calls after the first do nothing.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        writer.stop()
        checkpointer.stop()
        slowReads.stop()
        readers.close()
        writer.closeConnection()
        writer.setOrphanedLogAside()
        LogSink.standardError.flush()
    }

    /// How many active keys exist: a server with none tells the operator how to make one.
    public func activeKeyCount() throws -> Int64 {
        try readers.withReader { try APIKeyStore($0.db).count() }
    }

    /// Why the writer did not take a write: its queue is full, or the storage failed for good.
    var writerRefusal: Problem {
        guard let reason = writer.storageFailure else { return Problem.busy }
        return Problem(.serviceUnavailable, code: "storage-failed",
                       detail: "The server could not make a write durable (\(reason)) and accepts no more writes; nothing more is acknowledged. Tell the operator: the service must be restarted once the storage is put right (its log says how).")
    }

    /// Why writes stopped being taken, and what the operator must do, once the storage failed.
    public var storageFailure: (reason: String, advice: String, afterStop: String)? { writer.storageFailureReport }

    /// The writer's counters in Prometheus text format: how writes are grouped and synced.
    func writerMetrics() -> String {
        let s = commitStatistics
        let queued = Double(writer.queuedNanoseconds.load(ordering: .relaxed)) / 1e9
        let transaction = Double(writer.transactionNanoseconds.load(ordering: .relaxed)) / 1e9
        let syncWait = Double(writer.syncWaitNanoseconds.load(ordering: .relaxed)) / 1e9
        let syncing = Double(writer.syncingNanoseconds.load(ordering: .relaxed)) / 1e9
        return """
            # HELP goodwill_writer_commands_total Ledger commands the writer thread carried out or refused.
            # TYPE goodwill_writer_commands_total counter
            goodwill_writer_commands_total \(s.commands)
            # HELP goodwill_writer_batches_total Transactions the writer committed them in (commands per batch = group commit).
            # TYPE goodwill_writer_batches_total counter
            goodwill_writer_batches_total \(s.batches)
            # HELP goodwill_writer_syncs_total fdatasync calls on the WAL before answering (durable mode).
            # TYPE goodwill_writer_syncs_total counter
            goodwill_writer_syncs_total \(s.syncs)
            # HELP goodwill_writer_busy_seconds_total Time the writer spent inside transactions.
            # TYPE goodwill_writer_busy_seconds_total counter
            goodwill_writer_busy_seconds_total \(s.busySeconds)
            # HELP goodwill_writer_queued_seconds_total Time writes waited for the writer to take them, summed over writes.
            # TYPE goodwill_writer_queued_seconds_total counter
            goodwill_writer_queued_seconds_total \(queued)
            # HELP goodwill_writer_transaction_seconds_total Time of the transaction each write was committed in, summed over writes (a write waits for its whole batch).
            # TYPE goodwill_writer_transaction_seconds_total counter
            goodwill_writer_transaction_seconds_total \(transaction)
            # HELP goodwill_writer_sync_wait_seconds_total Time committed writes waited for a syncer to start, summed over writes.
            # TYPE goodwill_writer_sync_wait_seconds_total counter
            goodwill_writer_sync_wait_seconds_total \(syncWait)
            # HELP goodwill_writer_syncing_seconds_total Time in the fdatasync that made each write durable, summed over writes.
            # TYPE goodwill_writer_syncing_seconds_total counter
            goodwill_writer_syncing_seconds_total \(syncing)
            # HELP goodwill_wal_restarts_total Times the writer copied the WAL into the database and started it over.
            # TYPE goodwill_wal_restarts_total counter
            goodwill_wal_restarts_total \(writer.walRestarts.load(ordering: .relaxed))
            # HELP goodwill_wal_restart_seconds_total Time the writer spent restarting the WAL, when no write can go on.
            # TYPE goodwill_wal_restart_seconds_total counter
            goodwill_wal_restart_seconds_total \(Double(writer.walRestartNanoseconds.load(ordering: .relaxed)) / 1e9)

            """
    }

    /// Writer statistics: how many commands went into how many transactions.
    public var commitStatistics: (batches: Int, commands: Int, syncs: Int, busySeconds: Double) {
        (writer.batches.load(ordering: .relaxed), writer.commands.load(ordering: .relaxed), writer.syncs.load(ordering: .relaxed),
         Double(writer.busyNanoseconds.load(ordering: .relaxed)) / 1e9)
    }

    // MARK: Responding

    public func respond(to request: HTTPRequest, completion: ResponseCompletion) {
        handle(request) { completion($0) }
    }

    /// A request the HTTP layer refused before routing (malformed, too large, too slow, or beyond the
    /// connection limit): problem+json like every other error, counted under the route "refused" and
    /// logged with its own request id. Runs on the event loop, also when the server is full.
    public func refusal(for error: HTTPParseError) -> HTTPResponse {
        let code = switch error.status.code {
        case 408: "request-timeout"
        case 413: "body-too-large"
        case 414: "uri-too-long"
        case 431: "headers-too-large"
        case 501: "not-implemented"
        case 505: "http-version-not-supported"
        case 503: "over-capacity"
        default: "bad-request"
        }
        var problem = Problem(error.status, code: code, detail: error.reason)
        if error.status.code == 503 { problem.headers["Retry-After"] = "1" }
        let id = "req_\(instance)_r\(String(refusals.add(1, ordering: .relaxed).newValue, radix: 36))"
        return logged(problem.response, route: "refused", method: "-", id: id,
                      started: DispatchTime.now().uptimeNanoseconds, key: nil)
    }

    /// Answers one request, now or (for writes) after the commit; `reply` is called exactly once.
    public func handle(_ request: HTTPRequest, reply: @escaping @Sendable (HTTPResponse) -> Void) {
        let started = DispatchTime.now().uptimeNanoseconds
        let requestID = "req_\(instance)_\(String(request.id, radix: 36))"
        let method = request.method.rawValue
        switch router.match(method: request.method, segments: request.pathSegments) {
        case .notFound:
            finish(Problem.notFound(request.path).response, route: "unmatched", method: method, id: requestID, started: started, key: nil, reply: reply)
        case .methodNotAllowed(let allowed):
            finish(Problem.methodNotAllowed(allowed).response, route: "unmatched", method: method, id: requestID, started: started, key: nil, reply: reply)
        case .found(let route, let parameters):
            var principal: Principal?
            let done: @Sendable (HTTPResponse, Principal?) -> Void = { [self] response, who in
                finish(response, route: route.name, method: method, id: requestID, started: started, key: who?.name, reply: reply)
            }
            let outcome: Reply
            do {
                let work = { (reader: Ledger?) throws -> Reply in
                    if let permission = route.permission {
                        let authorization = request.headers.firstValue(of: "Authorization")
                        guard authorization.count <= 1 else { throw Problem.authorizationRepeated(authorization.count) }
                        guard let reader, let secret = Self.bearer(authorization.value),
                              let who = try self.keyCache.principal(for: secret, lookUp: { try APIKeyStore(reader.db).principal(secret: secret) })
                        else { throw Problem.unauthorized }
                        principal = who
                        guard who.role.allows(permission) else { throw Problem.forbidden(who.role, route: route.name) }
                    }
                    let query = try route.queryParameters(of: request)
                    // The key before the handler, which reads the body: a write without one is
                    // 400 idempotency-key-required, not whatever its body would have got.
                    let key = route.needsIdempotencyKey ? try RequestContext.idempotencyKey(of: request) : nil
                    var context = RequestContext(request: request, route: route, parameters: parameters, query: query,
                                                 principal: principal, reader: reader, api: self, checkedIdempotencyKey: key)
                    return try route.handler(&context)
                }
                outcome = route.usesDatabase ? try readers.withReader { try work($0) } : try work(nil)
            } catch {
                done(failure(error, requestID: requestID), principal)
                return
            }
            let who = principal
            switch outcome {
            case .response(let response):
                done(response, who)
            case .command(let command, let key, let render):
                let submitted = writer.submit(.command(command, actor: who?.name ?? "public", idempotencyKey: key) { [self] result in
                    switch result {
                    case .success(let receipt):
                        var response = render(receipt)
                        if receipt.replayed {
                            response.headers["Idempotent-Replayed"] = "true"
                        } else if let kind = receipt.entry?.kind {
                            metrics.recordEvent(kind.rawValue)
                        }
                        done(response, who)
                    case .failure(let error):
                        done(noted(error, as: Self.problem(for: error, of: command), requestID: requestID).response, who)
                    }
                })
                if !submitted { done(writerRefusal.response, who) }
            case .write(let body):
                write(body, who: who, requestID: requestID, done: done)
            case .slow(let body):
                let queued = slowReads.submit { reader, failure in
                    guard let reader else { return done(self.failure(failure ?? Problem.internalError, requestID: requestID), who) }
                    do { done(try body(reader), who) } catch { done(self.failure(error, requestID: requestID), who) }
                }
                if !queued { done(Problem.slowReadsBusy.response, who) }
            case .checkedWrite(let check, let body):
                let queued = slowReads.submit { [self] reader, failure in
                    guard let reader else { return done(self.failure(failure ?? Problem.internalError, requestID: requestID), who) }
                    do { try check(reader) } catch { return done(self.failure(error, requestID: requestID), who) }
                    write(body, who: who, requestID: requestID, done: done)
                }
                if !queued { done(Problem.slowReadsBusy.response, who) }
            }
        }
    }

    /// Runs `body` alone on the writer thread and answers with what it returns; an error it
    /// throws, or a failed sync after it, is answered through `failure` as the request's others are.
    private func write(_ body: @escaping @Sendable (Ledger) throws -> HTTPResponse, who: Principal?, requestID: String,
                       done: @escaping @Sendable (HTTPResponse, Principal?) -> Void) {
        let submitted = writer.submit(.custom { ledger in
            let response: HTTPResponse
            do { response = try body(ledger) } catch { response = self.failure(error, requestID: requestID) }
            return LedgerWriter.Answer(deliver: { done(response, who) }, fail: { done(self.failure(LedgerWriter.SyncFailed(), requestID: requestID), who) })
        })
        if !submitted { done(writerRefusal.response, who) }
    }

    /// The answer to a request that ended with `error`, noted as `noted` says. A method rather
    /// than a closure made per request: every request would pay for its allocation.
    func failure(_ error: any Error, requestID: String) -> HTTPResponse {
        noted(error, as: Problem.from(error), requestID: requestID).response
    }

    /// `problem`, the answer to a request that ended with `error`; when the client can do nothing
    /// about it (a fault of ours, 500, or of the storage, `Problem.storageProblem`), the error as
    /// SQLite or the code gave it is logged under the request id the answer asks the client to
    /// pass on, and the first storage fault in a minute is said as critical (also under --quiet).
    func noted(_ error: any Error, as problem: Problem, requestID: String) -> Problem {
        let storage = (error as? DatabaseError)?.storageFault != nil
        guard storage || problem.code == Problem.internalError.code else { return problem }
        log.event("request failed", ["level": .string("error"), "request_id": .string(requestID), "problem": .string(problem.code),
                                     "error": .string(String(describing: error))])
        if storage {
            let now = DispatchTime.now().uptimeNanoseconds
            let last = lastStorageFaultSaid.load(ordering: .relaxed)
            if last == 0 || now &- last >= 60_000_000_000,
               lastStorageFaultSaid.compareExchange(expected: last, desired: now, ordering: .relaxed).exchanged {
                log.critical("the database's storage refused a request (said at most once a minute; every such request is logged as 'request failed')",
                             ["problem": .string(problem.code), "error": .string(String(describing: error))])
            }
        }
        return problem
    }

    /// The contract answers every redemption that asks for more than is left with
    /// `insufficient-balance`, also when nothing is left (the ledger says `voucher-fully-used`).
    static func problem(for error: any Error, of command: LedgerCommand) -> Problem {
        if case .redeem(_, let amount, _) = command, let e = error as? LedgerError, e == .voucherFullyUsed {
            var p = Problem.from(LedgerError.insufficientBalance(balance: Money(minorUnits: 0, currency: amount.currency), requested: amount))
            p.detail = "The voucher has been used in full; its balance is 0. Take the payment another way."
            return p
        }
        return Problem.from(error)
    }

    private func finish(_ response: HTTPResponse, route: String, method: String, id: String, started: UInt64, key: String?,
                        reply: @Sendable (HTTPResponse) -> Void) {
        reply(logged(response, route: route, method: method, id: id, started: started, key: key))
    }

    /// The response with its request id, counted in the metrics and written to the log.
    private func logged(_ response: HTTPResponse, route: String, method: String, id: String, started: UInt64, key: String?) -> HTTPResponse {
        var response = response
        response.headers["X-Request-Id"] = id
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        metrics.record(route: route, status: response.status.code, seconds: seconds)
        var problemCode: String?
        if response.status.code >= 400, response.headers["Content-Type"] == "application/problem+json" {
            problemCode = Self.problemCode(in: response.body)
        }
        log.request(id: id, method: method, route: route, status: response.status.code, seconds: seconds, key: key, code: problemCode)
        return response
    }

    /// `Authorization: Bearer <secret>`: `"Bearer" 1*SP b64token` (RFC 6750 §2.1), so any number
    /// of spaces part the scheme from the secret; the scheme is case-insensitive.
    static func bearer(_ authorization: String?) -> String? {
        guard let value = authorization else { return nil }
        let space = UInt8(ascii: " ")
        let credentials = value.utf8.drop { $0 == space }
        guard let end = credentials.firstIndex(of: space) else { return nil }
        let scheme = credentials[..<end]
        guard scheme.count == 6, zip(scheme, "bearer".utf8).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        var secret = credentials[end...].drop { $0 == space }
        while let last = secret.last, last == space || last == 0x09 { secret = secret.dropLast() }
        return secret.isEmpty ? nil : String(decoding: secret, as: UTF8.self)
    }

    /// The `code` member of a problem body we wrote (`"code":"…"`, keys sorted, no spaces).
    static func problemCode(in body: Data) -> String? {
        let marker = Array(#""code":""#.utf8)
        let bytes = [UInt8](body)
        guard bytes.count > marker.count else { return nil }
        for i in 0...(bytes.count - marker.count) where bytes[i] == marker[0] && Array(bytes[i..<(i + marker.count)]) == marker {
            let start = i + marker.count
            guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        return nil
    }
}
