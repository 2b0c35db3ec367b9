import Foundation
import Glibc
import GoodwillCore
import HTTPServer
import Ledger
import Reminders
import Store
import Synchronization
import Testing
@testable import GoodwillAPI

/// The durability promise of the group commit: a write is answered only after the fdatasync that
/// covers it, and once a sync has failed nothing more is acknowledged.
@Suite struct GroupCommitTests {
    /// A writer on a fresh book with a table to write to, its syncs replaced by `sync`.
    func writer(_ folder: TemporaryFolder, log: RequestLog? = nil, sync: @escaping @Sendable () -> Int32) throws -> LedgerWriter {
        let ledger = try Ledger(path: folder.database, clock: ManualClock(instant("2026-01-05T09:00:00Z")),
                                options: .init(durable: false, bufferedWAL: true))
        try ledger.db.execute("CREATE TABLE t (x)")
        let walPath = try #require(ledger.db.walFilePath as String?)
        let writer = LedgerWriter(ledger: ledger, walPath: walPath, syncHook: sync, log: log)
        writer.start()
        return writer
    }

    /// Submits a one-row write; `answered` gets true when delivered, false when failed.
    func write(_ writer: LedgerWriter, answered: @escaping @Sendable (Bool) -> Void) -> Bool {
        writer.submit(.custom { ledger in
            _ = try? ledger.db.run("INSERT INTO t VALUES (1)")
            return LedgerWriter.Answer(deliver: { answered(true) }, fail: { answered(false) })
        })
    }

    @Test func anAnswerWaitsForTheSyncThatCoversIt() throws {
        let folder = TemporaryFolder()
        let syncing = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let w = try writer(folder) {
            syncing.signal()
            release.wait()
            return 0
        }
        let outcome = Mutex<Bool?>(nil)
        let answered = DispatchSemaphore(value: 0)
        #expect(write(w) { ok in outcome.withLock { $0 = ok }; answered.signal() })
        #expect(syncing.wait(timeout: .now() + 30) == .success)
        // Committed, and the sync that covers it has begun but not returned: no answer yet.
        #expect(answered.wait(timeout: .now() + 0.3) == .timedOut)
        #expect(outcome.withLock { $0 } == nil)
        release.signal()
        #expect(answered.wait(timeout: .now() + 30) == .success)
        #expect(outcome.withLock { $0 } == true)
        for _ in 0..<4 { release.signal() }
        w.stop()
    }

    /// A write waits for its whole batch: three commands committed together each count the
    /// transaction's time, which the writer's busy time counts once.
    @Test func theTransactionStage_countsABatchOncePerWriteInIt() throws {
        let folder = TemporaryFolder()
        let w = try writer(folder) { 0 }
        // Hold the writer in a write of its own until the three commands are queued behind it.
        let holding = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        #expect(w.submit(.custom { _ in
            holding.signal()
            release.wait()
            return LedgerWriter.Answer(deliver: {}, fail: {})
        }))
        #expect(holding.wait(timeout: .now() + 30) == .success)
        let answered = DispatchSemaphore(value: 0)
        let issue = LedgerCommand.issue(IssueRequest(value: Money(minorUnits: 1_000, currency: .sek), validity: .months(12)))
        for _ in 0..<3 {
            #expect(w.submit(.command(issue, actor: "test", idempotencyKey: nil) { result in
                if case .success = result { answered.signal() }
            }))
        }
        release.signal()
        for _ in 0..<3 { #expect(answered.wait(timeout: .now() + 30) == .success) }
        #expect(w.batches.load(ordering: .relaxed) == 1 && w.commands.load(ordering: .relaxed) == 3)
        let busy = w.busyNanoseconds.load(ordering: .relaxed)
        #expect(busy > 0)
        #expect(w.transactionNanoseconds.load(ordering: .relaxed) == 3 * busy)
        w.stop()
    }

    @Test func aFailedSync_failsItsWrites_andNothingIsAcknowledgedAfter() throws {
        let folder = TemporaryFolder()
        let calls = Atomic<Int>(0)
        // The first sync fails as a disk would (EIO); every later one "succeeds".
        let w = try writer(folder) { calls.add(1, ordering: .relaxed).newValue == 1 ? EIO : 0 }
        let outcome = Mutex<Bool?>(nil)
        let answered = DispatchSemaphore(value: 0)
        #expect(write(w) { ok in outcome.withLock { $0 = ok }; answered.signal() })
        #expect(answered.wait(timeout: .now() + 30) == .success)
        #expect(outcome.withLock { $0 } == false)
        #expect(w.storageFailure?.contains("Input/output error") == true)
        // A later write is refused outright: a sync that succeeds now would not cover what failed.
        #expect(!write(w) { _ in })
        w.stop()
    }

    /// The operator learns of the failure from one line, also under `serve --quiet` (request
    /// logging off): when, that it is critical, what to do, and the system's reason.
    @Test(arguments: [false, true])
    func aFailedSync_isLoggedOnceAsCritical_whetherOrNotRequestsAreLogged(requestLogging: Bool) throws {
        let folder = TemporaryFolder()
        let logFile = folder.url.appendingPathComponent("stderr.log").path
        let fd = open(logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        try #require(fd >= 0)
        defer { close(fd) }
        let at = instant("2026-01-05T09:00:00Z")
        let log = RequestLog(enabled: requestLogging, clock: ManualClock(at), sink: LogSink(fd: fd))
        // Every sync fails. The first failure is said; a later one (another syncer's) is not.
        let w = try writer(folder, log: log) { EIO }
        let answered = DispatchSemaphore(value: 0)
        #expect(write(w) { _ in answered.signal() })
        #expect(answered.wait(timeout: .now() + 30) == .success)
        w.markFailed("a later failure")
        w.stop()
        let lines = try String(contentsOfFile: logFile, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1, "\(lines)")
        let first = try #require(lines.first)
        let line = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        #expect(line["level"] as? String == "critical")
        #expect(line["at"] as? String == RFC3339.format(at))
        #expect(line["message"] as? String == "storage failed: writes are refused until the service is restarted; check the disk")
        #expect(line["reason"] as? String == "fdatasync of the WAL failed: Input/output error")
        #expect(Set(line.keys) == ["at", "level", "message", "reason"])
    }

    @Test func afterAStorageFailure_healthFails_andWritesAreRefusedWithAReason() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue().string("id"))
        h.api.writer.markFailed("fdatasync of the WAL failed: Input/output error")
        let health = await h.send(.get, "/health")
        #expect(health.status == 503 && health.string("status") == "failing")
        let refused = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 100, "currency": "SEK"}}"#)
        #expect(refused.status == 503 && refused.code == "storage-failed")
        #expect((refused.json["detail"] as? String)?.contains("restarted") == true)
        // Reads go on.
        #expect(await h.get("/v1/vouchers/\(id)").status == 200)
    }

    /// A newer goodwill migrates the file while this server runs: a request that needs a new
    /// connection gets a 503 that says so and what to do (not a 500 that asks to retry), and
    /// nothing is written.
    @Test func aDatabaseUpgradedUnderTheServer_isAnsweredWithWhatToDo() async throws {
        let h = try APIHarness()
        let newer = Int64(Schema.newestVersion) + 1
        try Database(path: h.folder.database).execute("PRAGMA user_version = \(newer)")
        let answer = await h.get("/v1/vouchers?limit=1")
        #expect(answer.status == 503 && answer.code == "database-upgraded", "\(answer.status) \(answer.json)")
        let detail = answer.json["detail"] as? String ?? ""
        #expect(detail.contains("schema \(newer)") && detail.contains("restart the service with the newer goodwill"), "\(detail)")
        #expect(!detail.contains(h.folder.database), "the detail names no path")
    }

    /// The server's writer, whose connection was open before the upgrade, writes nothing more into
    /// the newer tables: a redemption is refused with the same 503, and no entry is stored.
    @Test func aDatabaseUpgradedUnderTheServer_takesNoMoreWrites() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue().string("id"))
        let entries = { try Database(path: h.folder.database).scalarInt("SELECT count(*) FROM entries") }
        let before = try entries()
        try Database(path: h.folder.database).execute("PRAGMA user_version = \(Schema.newestVersion + 1)")
        let refused = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 100, "currency": "SEK"}}"#)
        #expect(refused.status == 503 && refused.code == "database-upgraded", "\(refused.status) \(refused.json)")
        #expect(try entries() == before)
    }

    /// SQLite names the WAL after the file it resolved; the syncer must sync that one.
    @Test func aDatabaseReachedThroughASymbolicLink_isSyncedWhereSQLiteWritesItsLog() async throws {
        let folder = TemporaryFolder()
        let real = folder.url.appendingPathComponent("data").path
        try FileManager.default.createDirectory(atPath: real, withIntermediateDirectories: true)
        let target = real + "/ledger.db"
        let link = folder.url.appendingPathComponent("ledger.db").path
        _ = try Ledger(path: target, clock: ManualClock(instant("2026-03-02T10:00:00Z")), options: .init(durable: false))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let db = try Database(path: link)
        #expect(db.walFilePath == target + "-wal")

        let clock = ManualClock(instant("2026-03-02T10:00:00Z"))
        let setup = try Ledger(path: link, clock: clock, options: .init(durable: false))
        let secret = try APIKeyStore(setup.db).create(name: "admin-key", role: .admin, now: clock.now()).secret
        let api = try GoodwillAPI(configuration: .init(databasePath: link, catalog: try MessageCatalog.embedded(), durable: true, log: false),
                                  clock: clock)
        defer { api.close() }
        var headers = HTTPHeaders()
        headers["Authorization"] = "Bearer \(secret)"
        headers["Idempotency-Key"] = "k1"
        let request = HTTPRequest(method: .post, target: "/v1/vouchers", headers: headers,
                                  body: Data(#"{"value": {"amount": 500, "currency": "SEK"}}"#.utf8), remoteAddress: "192.0.2.1", id: 1)
        let response: HTTPResponse = await withCheckedContinuation { c in api.handle(request) { c.resume(returning: $0) } }
        #expect(response.status.code == 201, "\(String(decoding: response.body, as: UTF8.self))")
        #expect(api.writer.storageFailure == nil)
    }

    // MARK: The files moving under the server (a reviewer's finding: writes answered and then lost)

    /// Renamed away: SQLite goes on writing to it, and at close leaves its log under the old name.
    @Test func aDatabaseMovedAway_failsTheStorage_andSaysWhereTheNewestWritesAre() throws {
        let folder = TemporaryFolder()
        let w = try writer(folder) { 0 }
        defer { w.stop() }
        w.checkFiles()
        #expect(w.storageFailure == nil, "nothing changed yet")
        #expect(rename(folder.database, folder.database + ".moved") == 0)
        w.checkFiles()
        let reason = try #require(w.storageFailure)
        #expect(reason == "the database file \(folder.database) was moved away while the server ran")
        let advice = w.storageFailureReport?.advice ?? ""
        #expect(advice.contains("its log \(folder.database)-wal") && advice.contains("put the database file back at \(folder.database)"), "\(advice)")
        #expect(!write(w) { _ in }, "no write is taken after it")
    }

    /// Deleted: its data lives only as long as the process, reachable through its descriptor.
    @Test func aDatabaseDeleted_failsTheStorage_andSaysHowToCopyItBack() throws {
        let folder = TemporaryFolder()
        let w = try writer(folder) { 0 }
        defer { w.stop() }
        #expect(unlink(folder.database) == 0)
        w.checkFiles()
        #expect(w.storageFailure == "the database file \(folder.database) was deleted while the server ran")
        let advice = w.storageFailureReport?.advice ?? ""
        #expect(advice.contains("cp /proc/\(getpid())/fd/"), "\(advice)")
        // The descriptor named there is the deleted database: copying it gives the book back.
        let fd = try #require(advice.split(separator: " ").first { $0.hasPrefix("/proc/") }.map { String($0) })
        let copy = folder.url.appendingPathComponent("back.db").path
        try FileManager.default.copyItem(atPath: fd, toPath: copy)
        #expect(try Database(path: copy).scalarText("PRAGMA integrity_check") == "ok")
    }

    /// The WAL deleted: the newest writes are in the unlinked log, copied in only by a clean close.
    /// The -shm deleted: another process would build an index of its own beside the server's and
    /// could damage the book (a reviewer's `goodwill issue` did, with no alarm).
    @Test(arguments: [("-wal", "the database's log", "stop the server with SIGTERM (not kill -9)"),
                      ("-shm", "the database's shared-memory index", "stop every other process on it")])
    func aLogOrIndexDeleted_failsTheStorage_andSaysToStopCleanly(suffix: String, named: String, advice: String) throws {
        let folder = TemporaryFolder()
        let w = try writer(folder) { 0 }
        defer { w.stop() }
        #expect(unlink(folder.database + suffix) == 0)
        w.checkFiles()
        #expect(w.storageFailure == "\(named) \(folder.database)\(suffix) was deleted while the server ran")
        #expect(w.storageFailureReport?.advice.contains(advice) == true, "\(w.storageFailureReport?.advice ?? "")")
    }

    /// The folder moved: database and log went together, so the advice is to move them back
    /// together, not to put the database beside a log that is no longer there; nothing is set aside.
    @Test func aFolderMoved_isToldAsBothFilesMovedTogether() throws {
        let parent = TemporaryFolder()
        let inner = parent.url.appendingPathComponent("books").path
        try FileManager.default.createDirectory(atPath: inner, withIntermediateDirectories: true)
        let ledger = try Ledger(path: inner + "/g.db", clock: ManualClock(instant("2026-03-02T10:00:00Z")),
                                options: .init(durable: false, bufferedWAL: true))
        let walPath = try #require(ledger.db.walFilePath as String?)
        let w = LedgerWriter(ledger: ledger, walPath: walPath, syncHook: { 0 })
        w.start()
        #expect(rename(inner, inner + "-moved") == 0)
        w.checkFiles()
        #expect(w.storageFailure?.hasPrefix("the database file \(inner)/g.db and its log \(inner)/g.db-wal were moved away") == true, "\(w.storageFailure ?? "")")
        #expect(w.storageFailureReport?.afterStop.contains("move them back together") == true)
        w.stop()
        w.closeConnection()
        #expect(w.setOrphanedLogAside() == nil)
        #expect(FileManager.default.fileExists(atPath: inner + "-moved/g.db-wal"))
    }

    /// A write committed but not made durable when the storage failed is neither done nor undone
    /// for the client: 503, retry later with the same key (it was a 500 "nothing is changed").
    @Test func aWriteCaughtByTheFailure_isAnsweredAsUnconfirmed() {
        let issue = LedgerCommand.issue(IssueRequest(value: Money(minorUnits: 1_000, currency: .sek), validity: .months(12)))
        let problem = GoodwillAPI.problem(for: LedgerWriter.SyncFailed(), of: issue)
        #expect(problem.status.code == 503 && problem.code == "storage-failed")
        #expect(problem.detail.contains("may or may not have been done") && problem.detail.contains("same Idempotency-Key"))
    }

    /// Reached through a symbolic link, the files are watched where SQLite opened them: no alarm.
    @Test func aDatabaseReachedThroughALink_isNotTakenForMoved() throws {
        let folder = TemporaryFolder()
        let target = folder.url.appendingPathComponent("real.db").path
        _ = try Ledger(path: target, clock: ManualClock(instant("2026-03-02T10:00:00Z")), options: .init(durable: false))
        try FileManager.default.createSymbolicLink(atPath: folder.database, withDestinationPath: target)
        let ledger = try Ledger(path: folder.database, clock: ManualClock(instant("2026-03-02T10:00:00Z")),
                                options: .init(durable: false, bufferedWAL: true))
        let walPath = try #require(ledger.db.walFilePath as String?)
        let w = LedgerWriter(ledger: ledger, walPath: walPath, syncHook: { 0 })
        w.start()
        defer { w.stop() }
        w.checkFiles()
        #expect(w.storageFailure == nil)
    }

    /// Over the API: the checkpointer's rounds notice within moments; /health and writes say so.
    @Test func overTheAPI_aMovedDatabase_isReportedByHealth_andRefusesWrites() async throws {
        let h = try APIHarness(durable: true)
        let id = try #require(try await h.issue().string("id"))
        #expect(rename(h.folder.database, h.folder.database + ".moved") == 0)
        var health = await h.get("/health")
        for _ in 0..<100 where health.status == 200 {
            try await Task.sleep(for: .milliseconds(50))
            health = await h.get("/health")
        }
        #expect(health.status == 503 && (health.string("reason") ?? "").contains("was moved away"), "\(health.status) \(health.json)")
        let refused = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 100, "currency": "SEK"}}"#)
        #expect(refused.status == 503 && refused.code == "storage-failed", "\(refused.status) \(refused.json)")
    }
}
