/// Why an outbox row was cancelled (`reminder_outbox.cancel_kind`, migration 11). The queries go
/// by this; `last_error` keeps the words a person reads.
public enum OutboxCancelKind: String, Sendable, Codable, CaseIterable {
    /// Its voucher could not have it then (blocked, used up, expired, extended, voided; its holder
    /// closed). A scheduled step is due again should the voucher be active again with the same
    /// expiry, and the sweep puts the row back in line (`OutboxStore.insertIfAbsent`).
    case dropped
    /// Never to be sent: a later step of the same reminder went out instead, or the buyer kept the
    /// gift and gets the expiry reminders as its holder.
    case notNeeded = "not_needed"
}

/// A cancel as written to the outbox: its kind and the reason shown with it.
public struct OutboxCancel: Sendable, Equatable {
    public let kind: OutboxCancelKind
    public let reason: String

    /// A drop (see `OutboxCancelKind.dropped`); the reason reads "dropped: <why>".
    static func dropped(_ why: String) -> OutboxCancel { OutboxCancel(kind: .dropped, reason: "dropped: " + why) }

    /// The holder closed their account: the dispatcher's drop of a claimed row and the close's own.
    public static let holderClosed = dropped("the holder closed their account")

    static let stale = dropped("the voucher was used, closed, expired or given a new expiry before this went out")

    /// A gift notice for a voucher its buyer kept (queued by an earlier version): the holder gets
    /// the expiry reminders, and "the gift you gave Anna" would go to Anna. It will never be due again.
    static let keptByBuyer = OutboxCancel(kind: .notNeeded, reason: "not sent: the purchaser is the holder, who gets the expiry reminders")

    static func superseded(by daysBefore: Int) -> OutboxCancel {
        OutboxCancel(kind: .notNeeded, reason: "superseded by the \(daysBefore)-day reminder")
    }
}
