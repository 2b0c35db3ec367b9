import Foundation
import Synchronization

/// Where "now" comes from. Logic never calls `Date()`; it asks a clock, so
/// tests and demos can fix or move time.
public protocol Clock: Sendable {
    func now() -> Date
}

/// The machine's clock.
public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that stands still until moved: for tests and `GOODWILL_NOW` in one-shot commands.
public final class ManualClock: Clock {
    private let current: Mutex<Date>

    public init(_ start: Date) { current = Mutex(start) }

    public func now() -> Date { current.withLock { $0 } }

    public func set(_ date: Date) { current.withLock { $0 = date } }

    public func advance(seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }

    public func advance(days: Int) { advance(seconds: TimeInterval(days) * 86_400) }
}

/// A clock that starts at a chosen instant and then runs at the machine's pace:
/// `GOODWILL_NOW` for a long-running server.
public struct OffsetClock: Clock {
    private let offset: TimeInterval

    public init(startingAt start: Date, base: Date = Date()) { offset = start.timeIntervalSince(base) }

    public func now() -> Date { Date().addingTimeInterval(offset) }
}

extension Date {
    /// Milliseconds since 1970, the unit instants are stored in.
    public var unixMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    public init(unixMilliseconds ms: Int64) { self.init(timeIntervalSince1970: TimeInterval(ms) / 1000) }
}
