/// Where a voucher stands. Stored on the voucher row and on each entry (its status after).
public enum VoucherStatus: String, Sendable, Codable, CaseIterable {
    /// Has balance and can be redeemed.
    case active
    /// Balance used up.
    case redeemed
    /// Past its last valid day with balance left.
    case expired
    /// Cancelled (issued by mistake, fraud, chargeback); its balance is gone.
    case voided
    /// Frozen for investigation; nothing can be redeemed until unblocked.
    case blocked
    /// The remaining balance was paid back.
    case refunded

    /// Once voided or refunded, no money moves on the voucher again.
    public var isFinal: Bool { self == .voided || self == .refunded }
}

/// What a voucher is for: a money-value card, or one experience.
public enum VoucherKind: String, Sendable, Codable, CaseIterable {
    case giftCard = "gift_card"
    case experience
}

/// The events the ledger records, one entry each. Never updated, never deleted.
public enum EntryKind: String, Sendable, Codable, CaseIterable {
    case issued
    case redeemed
    case redemptionReversed = "redemption_reversed"
    case extended
    case expired
    case voided
    case blocked
    case unblocked
    case adjusted
    case refunded
}
