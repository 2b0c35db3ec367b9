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
public final class ReminderLoop: Sendable {
    private let thread: PeriodicThread

    public init(databasePath: String, clock: any Clock, catalog: MessageCatalog, channel: any DeliveryChannel,
                interval: TimeInterval = 60, log: Bool = true) {
        let log = RequestLog(enabled: log, clock: clock)
        // The ledger and the service are made on the loop's thread and used only there.
        nonisolated(unsafe) var service: ReminderService?
        thread = PeriodicThread(name: "gw-reminders", interval: interval) {
            do {
                if service == nil {
                    // Never creating the file: one moved away after the server opened it must not
                    // come back as an empty book (the writer reports the move; see WatchedFile).
                    service = ReminderService(ledger: try Ledger(path: databasePath, clock: clock, options: .init(mustExist: true)), catalog: catalog)
                }
                let report = try service!.run(channel: channel)
                if !report.enqueued.isEmpty || !report.deliveries.isEmpty {
                    log.event("reminders", ["enqueued": .integer(Int64(report.enqueued.count)),
                                            "delivered": .integer(Int64(report.deliveries.filter { $0.result == "sent" }.count)),
                                            "attempted": .integer(Int64(report.deliveries.count))])
                }
            } catch {
                log.event("reminders failed; next try in a minute", ["level": .string("error"), "error": .string("\(error)")])
            }
        } atExit: {
            service = nil  // closes its connection: the server's writer must close the last one (see GoodwillAPI.close)
        }
    }

    public func start() { thread.start() }

    /// Lets a cycle in progress finish, closes the loop's connection, then returns. Call it before
    /// `GoodwillAPI.close()`.
    public func stop() { thread.stop() }
}
