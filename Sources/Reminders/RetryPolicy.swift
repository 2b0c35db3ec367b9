import Foundation

/// How often and how long a failing message is tried: exponential backoff with jitter, so many
/// failures do not all retry in the same second, over about a day and a half by default.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval
    /// How long a claimed message is reserved; after that a crashed sender's message is claimed again.
    public var lease: TimeInterval

    public init(maxAttempts: Int = 10, baseDelay: TimeInterval = 300, maxDelay: TimeInterval = 12 * 3600, lease: TimeInterval = 300) {
        self.maxAttempts = maxAttempts; self.baseDelay = baseDelay; self.maxDelay = maxDelay; self.lease = lease
    }

    /// The ceiling of the wait after the n-th failed attempt (n ≥ 1): base · 2^(n−1), capped.
    public func ceiling(afterAttempt n: Int) -> TimeInterval {
        min(maxDelay, baseDelay * pow(2, Double(max(0, min(n - 1, 30)))))
    }

    /// The wait itself: a random point in the upper half of the ceiling ("equal jitter"), and never
    /// before the receiver's Retry-After.
    public func delay<G: RandomNumberGenerator>(afterAttempt n: Int, retryAfter: TimeInterval?, using rng: inout G) -> TimeInterval {
        let ceiling = ceiling(afterAttempt: n)
        let jittered = ceiling / 2 + Double.random(in: 0...(ceiling / 2), using: &rng)
        return max(jittered, retryAfter ?? 0)
    }
}
