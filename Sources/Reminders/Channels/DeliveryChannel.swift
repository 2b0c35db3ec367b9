import Foundation

/// What happened when a channel tried to hand a message over.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// Try again later (a timeout, 429, 5xx, sendmail exiting 71, 74 or 75); `retryAfter` when the receiver said.
    case temporary(String, retryAfter: TimeInterval? = nil)
    /// Trying again will not help (4xx, a bad address).
    case permanent(String)
    /// The receiver said the endpoint is gone for good (HTTP 410): stop sending there.
    case endpointGone(String)
}

/// A way out of the building: maildir, sendmail, webhook. Channels hand over one message and say
/// how it went; retries, backoff and records belong to the dispatcher.
public protocol DeliveryChannel: Sendable {
    /// `maildir`, `sendmail`, `webhook`: recorded with each attempt.
    var name: String { get }
    /// What a 410 disables (the webhook URL); nil for channels that cannot be gone.
    var endpoint: String? { get }
    func deliver(_ message: OutgoingMessage, now: Date) -> DeliveryOutcome
    /// The longest one `deliver` may take (its timeouts): a claim takes only as many messages as
    /// fit in the lease at that pace, so no batch outlives its lease.
    var maxDeliveryTime: TimeInterval { get }
}

extension DeliveryChannel {
    public var maxDeliveryTime: TimeInterval { 10 }
}
