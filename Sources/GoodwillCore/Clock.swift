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
    /// 2001-01-01T00:00:00Z in milliseconds since 1970: Date counts seconds from there.
    static let referenceUnixMilliseconds: Int64 = 978_307_200_000

    /// Milliseconds since 1970, the unit instants are stored in: the last whole millisecond at
    /// or before this instant. A Date made by `init(unixMilliseconds:)` gives its value back
    /// exactly, and an instant between two milliseconds (a clock's `now`) is never moved later.
    public var unixMilliseconds: Int64 {
        let t = timeIntervalSinceReferenceDate
        // One rounding in `t * 1000` can land a hair either side of a whole millisecond; the
        // exact answer is at most one away, so step to it by comparing like with like.
        var ms = Int64((t * 1000).rounded(.down)) + Self.referenceUnixMilliseconds
        while Date(unixMilliseconds: ms + 1).timeIntervalSinceReferenceDate <= t { ms += 1 }
        while Date(unixMilliseconds: ms).timeIntervalSinceReferenceDate > t { ms -= 1 }
        return ms
    }

    /// The instant `ms` milliseconds after 1970, rounded once (to the nearest Double). Going
    /// through `timeIntervalSince1970` rounds twice, and `unixMilliseconds` then gave back
    /// one less for some values (about 7 in 100 in 2038-2039, most before 2001).
    public init(unixMilliseconds ms: Int64) {
        let (sinceReference, overflow) = ms.subtractingReportingOverflow(Self.referenceUnixMilliseconds)
        self.init(timeIntervalSinceReferenceDate: overflow ? TimeInterval(ms) / 1000 - 978_307_200 : TimeInterval(sinceReference) / 1000)
    }
}
