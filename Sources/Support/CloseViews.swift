import Foundation
import GoodwillCore

/// The steps of closing a holder, in order; a test can make any of them fail.
public enum CloseStep: String, Sendable, CaseIterable {
    case refunds, reminders, farewell, erasure, record
}

/// What the caller asks for when a holder leaves.
public struct CloseRequest: Sendable, Codable, Equatable {
    /// Email or holder ID.
    public var holder: String
    /// Replace names, emails, gift messages and notes with a pseudonym.
    public var erase: Bool
    /// The payout's reference (bank transfer, payment id), recorded on every `refunded` entry.
    public var payoutReference: String?
    /// The issuer's terms pay out every remaining balance, beyond what the law requires.
    public var refundAll: Bool

    public init(holder: String, erase: Bool = false, payoutReference: String? = nil, refundAll: Bool = false) {
        self.holder = holder; self.erase = erase; self.payoutReference = payoutReference; self.refundAll = refundAll
    }

    enum CodingKeys: String, CodingKey { case holder, erase, payoutReference = "payout_reference", refundAll = "refund_all" }
}

/// What happened to one voucher when its holder left.
public struct VoucherOutcome: Sendable, Codable, Equatable {
    public var voucherID: String
    public var code: String
    /// `holder`, `purchaser` or `both`.
    public var role: String
    public var balance: Money
    /// `refunded`, `kept` (stays valid and usable), `expired` (the balance is breakage), `blocked`,
    /// `nothing_left`, or `not_theirs` (bought as a gift for someone else).
    public var action: String
    /// In plain words, for the agent and the holder.
    public var explanation: String
    public var entryID: Int64?
    public var lastValidDay: String?

    enum CodingKeys: String, CodingKey {
        case voucherID = "voucher_id", code, role, balance, action, explanation, entryID = "entry_id", lastValidDay = "last_valid_day"
    }
}

public struct FarewellView: Sendable, Codable, Equatable {
    public var messageID: String
    public var language: String
    public var subject: String
    public var body: String

    enum CodingKeys: String, CodingKey { case messageID = "message_id", language, subject, body }
}

/// The outcome of `holder close`; stored with the closure, so a second run returns it unchanged.
public struct CloseResult: Sendable, Codable, Equatable {
    public var holderID: String
    /// True on a repeated close: nothing was done this time; the rest describes the first close.
    public var alreadyClosed: Bool
    public var closedAt: String
    public var closedBy: String
    public var vouchers: [VoucherOutcome]
    public var refunded: [AmountLine]
    public var payoutReference: String?
    public var remindersDropped: Int
    /// Nil when there was no address to write to.
    public var farewell: FarewellView?
    public var erased: Bool
    public var pseudonym: String?

    enum CodingKeys: String, CodingKey {
        case holderID = "holder_id", alreadyClosed = "already_closed", closedAt = "closed_at", closedBy = "closed_by", vouchers,
             refunded, payoutReference = "payout_reference", remindersDropped = "reminders_dropped", farewell, erased, pseudonym
    }
}
