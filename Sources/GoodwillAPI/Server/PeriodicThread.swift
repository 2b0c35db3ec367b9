import Foundation
import HTTPServer

/// A named thread that runs `body` at once and then every `interval` until `stop()`, which lets
/// a round in progress finish, runs `atExit` on the thread and returns once the thread has ended.
/// Every call to `stop()` does that, a second one or two at once too (each waits on `ended`, which
/// any number may wait on, not on a signal only one of them can take). The checkpointer and the
/// reminder loop are both one of these.
///
/// `@unchecked Sendable`: `stopping`, `running` and `soon` are touched only under `condition`; `body`
/// runs only on the thread.
final class PeriodicThread: @unchecked Sendable {
    private let name: String
    private let interval: TimeInterval
    private let body: () -> Void
    private let atExit: () -> Void
    private let condition = NSCondition()
    private var stopping = false
    private var running = false
    private var soon = false
    /// Entered when the thread is started, left when it has ended.
    private let ended = DispatchGroup()

    /// `name` is what `top -H` and perf show (at most 15 bytes reach the kernel). `atExit` is where
    /// the thread lets go of what `body` opened (its database connection).
    init(name: String, interval: TimeInterval, body: @escaping () -> Void, atExit: @escaping () -> Void = {}) {
        self.name = name
        self.interval = interval
        self.body = body
        self.atExit = atExit
    }

    func start() {
        condition.lock()
        guard !running else { condition.unlock(); return }
        running = true
        ended.enter()
        condition.unlock()
        Thread.startNamed(name) { [self] in run() }
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        ended.wait()
    }

    /// Starts the next round now instead of at the end of the interval (after the round in
    /// progress, if one is running).
    func runSoon() {
        condition.lock()
        soon = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        defer { ended.leave() }
        defer { atExit() }
        while true {
            condition.lock()
            let stop = stopping
            condition.unlock()
            if stop { break }
            body()
            condition.lock()
            let deadline = Date().addingTimeInterval(interval)
            while !stopping && !soon && Date() < deadline { _ = condition.wait(until: deadline) }
            soon = false
            condition.unlock()
        }
    }
}
