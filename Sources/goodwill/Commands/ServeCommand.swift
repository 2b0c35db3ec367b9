import ArgumentParsing
import Foundation
import GoodwillAPI
import GoodwillCore
import HTTPServer
import Ledger
import Reminders

/// `goodwill serve`: the HTTP API, with the reminder sweep every minute beside it.
enum ServeCommand {
    static var commands: [Command] {
        [Command("serve", abstract: "Serve the HTTP API (and send reminders every minute) until SIGINT or SIGTERM.",
                 discussion: "Keys are sent as 'Authorization: Bearer <secret>'; create them with 'goodwill keys create'. Every request is logged as one JSON line on stderr. SIGINT or SIGTERM stops accepting, finishes what is in flight, closes the database and exits 0.",
                 options: [
                    Option("host", valueName: "address", help: "The IP address to listen on, like 127.0.0.1 (this machine only), 0.0.0.0 or ::1; or localhost.", default: "127.0.0.1"),
                    Option("port", valueName: "port", help: "The port to listen on (0: any free port, printed at start).", default: "8080"),
                    Option("policies", valueName: "dir", help: "A folder of policy files the API may validate, simulate and activate by name (default: ./Policies if present)."),
                    ReminderCommands.messages,
                 ],
                 flags: [
                    Flag("demo", help: "Start on a fresh database filled from Fixtures/ and print a ready admin key."),
                    Flag("quiet", help: "Do not log each request."),
                 ])]
    }

    static var handlers: [[String]: (CLIContext) throws -> Int32] { [["serve"]: serve] }

    static func listenFailure(_ error: SocketError, host: String, port: UInt16) -> CLIError {
        switch error {
        case .addressInUse, .failed(_, EADDRINUSE, _):
            return CLIError.failure("Address in use: another server, probably Goodwill, is already listening on \(address(host)):\(port); stop it or choose another --port.")
        case .invalidAddress:
            return invalidHost(host)
        case .failed:
            // The error's own sentence says what failed; the port is to blame only for these.
            return CLIError.failure("Cannot listen on \(address(host)):\(port): \(error)")
        }
    }

    /// Checked before anything starts; the server would refuse it only when binding.
    static func invalidHost(_ host: String) -> CLIError {
        CLIError.usage("--host '\(host)' is not an IP address the server can listen on. Give one like 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or ::1, or localhost.")
    }

    static func serve(_ c: CLIContext) throws -> Int32 {
        let host = c.value("host") ?? "127.0.0.1"
        guard HTTPServer.isListenable(host: host) else { throw invalidHost(host) }
        let portText = c.value("port") ?? "8080"
        guard let port = UInt16(portText) else { throw CLIError.usage("--port takes a number from 0 to 65535; got '\(portText)'.") }
        let policies = c.value("policies") ?? ProgramFiles.find("Policies").flatMap { dir in
            FileManager.default.fileExists(atPath: dir + "/default.json") ? dir : nil
        }
        // Before the database is opened (or created) or a demo loaded, which a refused start
        // would leave behind; the server checks again when it binds.
        do { try HTTPServer.checkNobodyListens(host: host, port: port) } catch { throw listenFailure(error, host: host, port: port) }
        var path = try c.databasePath
        var demoKey: NewAPIKey?
        if c.flag("demo") {
            (path, demoKey) = try prepareDemo(c)
        } else if let refusal = DatabaseFiles.refusalToOpen(path) ?? DatabaseFiles.folderProblem(path) ?? DatabaseFiles.cannotWrite(path) {
            // SQLite opens a database it may not write read-only without a word: the server would
            // start, then answer /health and every write 503 as if the disk had failed.
            throw CLIError.failure(refusal)
        }
        if let other = NewDatabase.openingProcess(path) { Output.standardError(openElsewhereNotice(path, process: other)) }
        var catalog = try ReminderCommands.messagesDirectory(c).map { dir throws(TemplateError) in try MessageCatalog.load(directory: dir) }
            ?? MessageCatalog.embedded()
        if let from = c.environment["GOODWILL_MAIL_FROM"], !from.isEmpty {
            var settings = catalog.settings
            settings.overrideMailFrom(from)
            catalog = catalog.with(settings: settings)
        }
        let channel: any DeliveryChannel
        do { channel = try ChannelConfiguration().withFallbacks(from: c.environment).makeChannel(databasePath: path, environment: c.environment) } catch {
            throw CLIError.usage(error.description)
        }
        let durable = c.environment["GOODWILL_SYNCHRONOUS"]?.lowercased() != "normal"
        // Caught from here on, handled once everything has started: a SIGTERM sent as soon as the
        // server says it is serving stops it gracefully (see HTTPServer.catchSignals).
        let signals = HTTPServer.catchSignals()
        MemoryTuning.keepFreedMemory()
        let quiet = c.flag("quiet")
        let api = try GoodwillAPI(configuration: .init(databasePath: path, policiesDirectory: policies, catalog: catalog,
                                                       durable: durable, log: !quiet), clock: c.clock)
        let server = HTTPServer(configuration: .init(host: host, port: port), responder: api)
        do { try server.start() } catch {
            api.close()
            throw listenFailure(error, host: host, port: port)
        }
        let reminders = ReminderLoop(databasePath: path, clock: c.clock, catalog: catalog, channel: channel, log: !quiet)
        reminders.start()
        let listening = address(host)
        try c.print("Goodwill is serving http://\(listening):\(server.port ?? port) (database \(path)). Stop it with Ctrl-C.")
        if let key = demoKey {
            try c.print("""
                Demo admin key (shown once): \(key.secret)
                Try: curl -s 'http://\(listening):\(server.port ?? port)/v1/vouchers?limit=2' -H 'Authorization: Bearer \(key.secret)'
                """)
        } else if try api.activeKeyCount() == 0 {
            Output.standardError("""
                No API keys yet, so every /v1 request will get 401. Create the first admin key with:
                  goodwill keys create --role admin --name admin --db \(path)

                """)
        }
        let stopped = DispatchSemaphore(value: 0)
        signals.handle { _ in
            Task {
                await server.shutdown()
                reminders.stop()
                api.close()
                stopped.signal()
            }
        }
        stopped.wait()
        signals.cancel()
        let stats = api.commitStatistics
        let summary = "\(stats.commands) ledger commands (refused ones included) in \(stats.batches) transactions (\(String(format: "%.1f", stats.busySeconds)) s inside them), \(stats.syncs) WAL syncs."
        if let failure = api.storageFailure {
            // Not "every answered request is committed" without saying where, nor exit 0: the
            // operator has something to put right before the next start.
            Output.standardError("Stopped after a storage failure: \(failure.reason). Writes answered up to the check that found it (every 50 ms) are kept as said next; none after it was acknowledged. To do: \(failure.afterStop). \(summary)\n")
            return 1
        }
        Output.standardError("Stopped: every answered request is committed; the database is closed. \(summary)\n")
        return 0
    }

    /// Said at the start when another process has the book open: often a report or `sqlite3`, and
    /// harmless; if it is a second server (a reviewer started two on one book, and nothing said so),
    /// both serve it correctly, each write waiting for the other's, but each keeps its own
    /// `/metrics` and its own limits on the public balance check, so the operator should know.
    static func openElsewhereNotice(_ path: String, process: pid_t?) -> String {
        let who: String
        if let process {
            let line = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(process)/cmdline")))
                .map { String(decoding: $0, as: UTF8.self).split(separator: "\0").joined(separator: " ") } ?? ""
            who = "process \(process)" + (line.isEmpty ? "" : " (\(line.count > 160 ? line.prefix(157) + "..." : line))")
        } else {
            who = "another process"
        }
        return "Note: \(who) has the database \(path) open too. If it is another 'goodwill serve', both will serve this one book correctly (each write waits for the other's), but each keeps its own /metrics and its own limits on the public balance check; stop one of them unless that is what you meant.\n"
    }

    /// `host` as it goes before `:port` (an IPv6 address in brackets).
    static func address(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }

    /// A fresh database: `--db` if given (it must not exist yet), else a new temporary folder.
    static func prepareDemo(_ c: CLIContext) throws -> (String, NewAPIKey) {
        let book = try Fixtures.bookPath()
        let path: String
        if let given = c.invocation.value("db") {
            guard !FileManager.default.fileExists(atPath: given) else {
                throw CLIError.failure("'\(given)' exists; --demo starts on a fresh database. Leave out --db, or name a new file.")
            }
            path = given
        } else {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("goodwill-demo-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            path = dir.appendingPathComponent("goodwill.db").path
        }
        let (ledger, clock) = try Fixtures.replayLedger(path: path, now: c.clock.now())
        let summary = try BookReplay(ledger: ledger, clock: clock).replay(contentsOf: URL(fileURLWithPath: book))
        let key = try APIKeyStore(ledger.db).create(name: "demo-admin", role: .admin, now: c.clock.now())
        Output.standardError("Demo: loaded \(Plural.count(summary.vouchers, "voucher")) from \(book) into \(path).\n")
        return (path, key)
    }
}
