/// What a message is for. The raw value names the template file (`<kind>.txt`) and the outbox row.
public enum MessageKind: String, Sendable, Codable, CaseIterable {
    /// Before expiry, at each step of the cadence (30, 7, 1 days).
    case expiryReminder = "expiry_reminder"
    /// To the purchaser of an unused gift, a set time before expiry (opt-in per voucher).
    case giftNotice = "gift_notice"
    /// After an `extended` ledger entry: what was done and until when.
    case extensionGranted = "extension_granted"
    /// After a `refunded` ledger entry: a closing note.
    case refundClosing = "refund_closing"
    /// When a holder closes their account: thanks for the years, what was done, welcome back.
    /// Written at closing time (the address may be erased right after) and stored as a farewell letter.
    case farewell

    /// Fields every template may use.
    static let commonFields: Set<String> = [
        "greeting", "name", "code", "description", "balance", "value", "last_valid_day",
        "company", "support_email", "support_phone", "booking_url",
    ]

    /// The `{{field}}` names a template of this kind may use; anything else is refused at load.
    public var fields: Set<String> {
        switch self {
        case .expiryReminder: return Self.commonFields.union(["days_left", "time_left"])
        case .giftNotice: return Self.commonFields.union(["days_left", "time_left", "holder_name"])
        case .extensionGranted: return Self.commonFields.union(["previous_last_valid_day", "extension_days", "extension_time"])
        case .refundClosing: return Self.commonFields.union(["refund_amount"])
        case .farewell: return ["greeting", "name", "company", "support_email", "support_phone", "booking_url", "since_year", "summary"]
        }
    }

    /// Messages that are about the voucher's expiry: dropped when the expiry changes or the voucher closes.
    public var isScheduled: Bool { self == .expiryReminder || self == .giftNotice }

    /// Whether the message carries a calendar entry for the last valid day.
    var carriesCalendar: Bool { self == .expiryReminder || self == .extensionGranted }
}

/// Where an outbox row stands.
public enum OutboxStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for its time (`next_attempt_at`).
    case pending
    /// Claimed by a dispatcher; claimed again if its lease runs out (a crash mid-send).
    case sending
    case sent
    /// Gave up after the retry limit or a permanent refusal; `goodwill reminders retry ID` sends it again.
    case failed
    /// No longer true: the voucher was used up, closed or extended before the message went out.
    /// The row says when (`cancelled_at`) and why (`cancel_kind`, `OutboxCancelKind`).
    case cancelled
}
