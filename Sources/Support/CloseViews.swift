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
    /// Where the letter is now, read when the answer is given (not stored with the close):
    /// `pending` or `sending` (not gone out yet), `sent`, `failed` (given up), `cancelled`.
    public var status: String?
    /// When it went out, if it has.
    public var sentAt: String?

    enum CodingKeys: String, CodingKey { case messageID = "message_id", language, subject, body, status, sentAt = "sent_at" }
}

/// The outcome of `holder close`; stored with the closure, so a second run returns it unchanged.
public struct CloseResult: Sendable, Codable, Equatable {
    public var holderID: String
    /// True on a repeated close: the rest describes the first close, and nothing was done this
    /// time but an erasure that close was not asked for (`erasedNow`).
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
    /// Whether this call erased the personal data: a close with erasure, or an erasure asked for
    /// after a close without it (`already_closed` and `erased` alone cannot tell that from an
    /// erasure done at the first close).
    public var erasedNow: Bool
    public var pseudonym: String?

    enum CodingKeys: String, CodingKey {
        case holderID = "holder_id", alreadyClosed = "already_closed", closedAt = "closed_at", closedBy = "closed_by", vouchers,
             refunded, payoutReference = "payout_reference", remindersDropped = "reminders_dropped", farewell, erased,
             erasedNow = "erased_now", pseudonym
    }

    public init(holderID: String, alreadyClosed: Bool, closedAt: String, closedBy: String, vouchers: [VoucherOutcome],
                refunded: [AmountLine], payoutReference: String?, remindersDropped: Int, farewell: FarewellView?,
                erased: Bool, erasedNow: Bool, pseudonym: String?) {
        self.holderID = holderID; self.alreadyClosed = alreadyClosed; self.closedAt = closedAt; self.closedBy = closedBy
        self.vouchers = vouchers; self.refunded = refunded; self.payoutReference = payoutReference
        self.remindersDropped = remindersDropped; self.farewell = farewell; self.erased = erased; self.erasedNow = erasedNow
        self.pseudonym = pseudonym
    }

    /// Outcomes stored before `erased_now` existed lack it: read as false (they are the record of
    /// an earlier call, which erased nothing now).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        holderID = try c.decode(String.self, forKey: .holderID); alreadyClosed = try c.decode(Bool.self, forKey: .alreadyClosed)
        closedAt = try c.decode(String.self, forKey: .closedAt); closedBy = try c.decode(String.self, forKey: .closedBy)
        vouchers = try c.decode([VoucherOutcome].self, forKey: .vouchers); refunded = try c.decode([AmountLine].self, forKey: .refunded)
        payoutReference = try c.decodeIfPresent(String.self, forKey: .payoutReference)
        remindersDropped = try c.decode(Int.self, forKey: .remindersDropped)
        farewell = try c.decodeIfPresent(FarewellView.self, forKey: .farewell); erased = try c.decode(Bool.self, forKey: .erased)
        erasedNow = try c.decodeIfPresent(Bool.self, forKey: .erasedNow) ?? false
        pseudonym = try c.decodeIfPresent(String.self, forKey: .pseudonym)
    }
}
