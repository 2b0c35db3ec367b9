import Foundation
import GoodwillCore

/// Who a message is addressed to.
public enum RecipientRole: String, Sendable, Codable {
    case holder, purchaser
}

/// A message the sweep decided must go out, before it has an outbox row.
public struct PlannedMessage: Sendable, Equatable {
    public var voucherID: VoucherID
    public var code: String
    public var kind: MessageKind
    public var daysBefore: Int
    /// The expiry (Unix ms) the message is about; 0 when none.
    public var expiresAt: Int64
    /// The ledger entry the message follows; 0 for scheduled reminders.
    public var entryID: Int64
    public var recipient: RecipientRole
    public var sendZone: String
    public var dueAt: Date
    /// `dueAt`, or the end of the recipient's night when the sweep runs in it.
    public var notBefore: Date

    /// Derived from the row's unique key, so every process computes the same id for the same message.
    public var messageID: String {
        let key = "goodwill-message|\(voucherID.rawValue)|\(kind.rawValue)|\(daysBefore)|\(expiresAt)|\(entryID)"
        return "msg_" + String(SHA256.hash(key).hexString.prefix(32))
    }
}

/// One row of the outbox as stored.
public struct OutboxRow: Sendable, Equatable {
    public var id: Int64
    public var messageID: String
    public var voucherID: VoucherID
    public var kind: MessageKind
    public var daysBefore: Int
    public var expiresAt: Int64
    public var entryID: Int64
    public var recipient: RecipientRole
    public var sendZone: String
    public var dueAt: Date
    public var createdAt: Date
    public var status: OutboxStatus
    public var attempts: Int
    public var nextAttemptAt: Date
    /// The end of the lease of the row's claim while `sending`. Kept by a drop (and through a
    /// revival) until the next claim or a write of the claim's run: that run may be sending the
    /// message until then, so the row does not go out again before (`OutboxStore.insertIfAbsent`).
    public var leaseUntil: Date?
    public var channel: String?
    public var sentAt: Date?
    public var lastError: String?
    /// When it was cancelled; nil when it is not, or was cancelled before that was recorded (migration 11).
    public var cancelledAt: Date?
    /// Why it was cancelled; set exactly when the status is `cancelled` (a CHECK says so).
    public var cancelKind: OutboxCancelKind?
    /// How many claims the row has had (migration 12); on a row a dispatcher claimed, the number
    /// of its claim, by which it writes to the row while it holds it (`OutboxStore.holds`).
    public var claimNumber: Int64

    /// Dropped while its voucher could not have it (blocked, used up…): the step is due again
    /// should the voucher be active again with the same expiry, and the sweep puts this row back
    /// in line (`insertIfAbsent`). As the sweep's queries, so preview agrees.
    var mayComeBack: Bool { cancelKind == .dropped }
}

/// One delivery attempt as recorded.
public struct AttemptRecord: Sendable, Equatable, Codable {
    public var at: String
    public var channel: String
    public var outcome: String
    public var error: String?
}
