import Foundation
import Glibc
import GoodwillCore
import Ledger
import Reminders
import Store

/// Inside `goodwill serve`: every `interval`, the reminder sweep and delivery (what
/// `goodwill reminders run` does), on its own thread and its own connection, so a slow mail
/// server never holds up a request. Its short write transactions interleave with the writer's.
///
/// `@unchecked Sendable`: `stopping` is touched only under `condition`; the ledger and service
/// live only on the loop's thread.
public final class ReminderLoop: @unchecked Sendable {
    private let databasePath: String
    private let clock: any Clock
    private let catalog: MessageCatalog
    private let channel: any DeliveryChannel
    private let interval: TimeInterval
    private let log: RequestLog
    private let condition = NSCondition()
    private var stopping = false
    private var running = false
    private let finished = DispatchSemaphore(value: 0)

    public init(databasePath: String, clock: any Clock, catalog: MessageCatalog, channel: any DeliveryChannel,
                interval: TimeInterval = 60, log: Bool = true) {
        self.databasePath = databasePath; self.clock = clock; self.catalog = catalog; self.channel = channel
        self.interval = interval; self.log = RequestLog(enabled: log, clock: clock)
    }

    public func start() {
        condition.lock(); running = true; condition.unlock()
        // Named for top -H and perf (Foundation's Thread.name does not reach the kernel here).
        let thread = Thread { [self] in
            try? "gw-reminders".write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
            run()
        }
        thread.name = "reminders"
        thread.start()
    }

    /// Lets a cycle in progress finish, then returns.
    public func stop() {
        condition.lock()
        stopping = true
        let wasRunning = running
        condition.signal()
        condition.unlock()
        if wasRunning { finished.wait() }
    }

    private func run() {
        defer { finished.signal() }
        var service: ReminderService?
        while true {
            do {
                if service == nil { service = ReminderService(ledger: try Ledger(path: databasePath, clock: clock), catalog: catalog) }
                let report = try service!.run(channel: channel)
                if !report.enqueued.isEmpty || !report.deliveries.isEmpty {
                    log.event("reminders", ["enqueued": .integer(Int64(report.enqueued.count)),
                                            "delivered": .integer(Int64(report.deliveries.filter { $0.result == "sent" }.count)),
                                            "attempted": .integer(Int64(report.deliveries.count))])
                }
            } catch {
                log.event("reminders failed; next try in a minute", ["level": .string("error"), "error": .string("\(error)")])
            }
            condition.lock()
            let deadline = Date().addingTimeInterval(interval)
            while !stopping && Date() < deadline { _ = condition.wait(until: deadline) }
            let stop = stopping
            condition.unlock()
            if stop { break }
        }
    }
}
