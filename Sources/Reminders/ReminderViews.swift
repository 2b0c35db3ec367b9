import Foundation
import GoodwillCore

/// One outbox message as printed by the CLI and served by the API (snake_case JSON).
public struct ReminderView: Sendable, Codable, Equatable {
    public var id: Int64
    public var messageID: String
    public var voucherID: String
    public var code: String?
    public var kind: MessageKind
    public var daysBefore: Int?
    public var recipient: RecipientRole
    public var status: OutboxStatus
    public var dueAt: String
    public var nextAttemptAt: String?
    public var sentAt: String?
    public var expiresAt: String?
    public var entryID: Int64?
    public var attempts: Int
    public var channel: String?
    public var lastError: String?
    /// When a cancelled message was dropped; absent when it was dropped before that was recorded.
    public var cancelledAt: String?
    /// Why a cancelled message was dropped: `dropped` (its voucher could not have it then; the
    /// sweep sends it after all should the voucher be active again with the same expiry) or
    /// `not_needed` (a later step went out instead, or the buyer kept the gift).
    public var cancelKind: OutboxCancelKind?
    public var history: [AttemptRecord]

    enum CodingKeys: String, CodingKey {
        case id, messageID = "message_id", voucherID = "voucher_id", code, kind, daysBefore = "days_before", recipient, status
        case dueAt = "due_at", nextAttemptAt = "next_attempt_at", sentAt = "sent_at", expiresAt = "expires_at"
        case entryID = "entry_id", attempts, channel, lastError = "last_error", cancelledAt = "cancelled_at", cancelKind = "cancel_kind"
        case history
    }

    init(_ row: OutboxRow, code: String?, history: [AttemptRecord]) {
        id = row.id; messageID = row.messageID; voucherID = row.voucherID.rawValue; self.code = code; kind = row.kind
        daysBefore = row.kind.isScheduled ? row.daysBefore : nil; recipient = row.recipient; status = row.status
        dueAt = RFC3339.format(row.dueAt)
        nextAttemptAt = row.status == .pending ? RFC3339.format(row.nextAttemptAt) : nil
        sentAt = row.sentAt.map(RFC3339.format)
        expiresAt = row.expiresAt != 0 ? RFC3339.format(Date(unixMilliseconds: row.expiresAt)) : nil
        entryID = row.entryID != 0 ? row.entryID : nil
        attempts = row.attempts; channel = row.channel; lastError = row.lastError
        cancelledAt = row.cancelledAt.map(RFC3339.format); cancelKind = row.cancelKind; self.history = history
    }
}

/// A message the sweep put in the outbox (or, in a dry run, would have).
public struct EnqueuedView: Sendable, Codable, Equatable {
    public var messageID: String
    public var voucherID: String
    public var code: String
    public var kind: MessageKind
    public var daysBefore: Int?
    public var dueAt: String
    public var notBefore: String

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id", voucherID = "voucher_id", code, kind, daysBefore = "days_before"
        case dueAt = "due_at", notBefore = "not_before"
    }

    init(_ m: PlannedMessage) {
        messageID = m.messageID; voucherID = m.voucherID.rawValue; code = m.code; kind = m.kind
        daysBefore = m.kind.isScheduled ? m.daysBefore : nil
        dueAt = RFC3339.format(m.dueAt); notBefore = RFC3339.format(m.notBefore)
    }
}

/// One delivery attempt made by a run.
public struct DeliveryView: Sendable, Codable, Equatable {
    public var id: Int64
    public var messageID: String
    public var code: String?
    public var kind: MessageKind
    public var channel: String
    /// `sent`, `retrying`, `failed`, `cancelled`, `deferred` (night), `endpoint_gone` (410: it and the
    /// rest wait for the endpoint to be enabled), `taken_over` (the run lost its claim meanwhile and
    /// left the row as it became; `error` says how, `next_attempt_at` when it was put back in line),
    /// `would_send` (dry run).
    public var result: String
    public var error: String?
    public var nextAttemptAt: String?

    enum CodingKeys: String, CodingKey {
        case id, messageID = "message_id", code, kind, channel, result, error, nextAttemptAt = "next_attempt_at"
    }
}

/// What one `reminders run` did.
public struct ReminderRunReport: Sendable, Codable, Equatable {
    public var at: String
    public var dryRun: Bool
    public var enqueued: [EnqueuedView]
    /// Scheduled messages dropped because the voucher changed before they went out.
    public var cancelled: Int
    public var deliveries: [DeliveryView]
    /// Set when the channel's endpoint is disabled (410) and nothing was sent to it.
    public var endpointDisabled: String?

    enum CodingKeys: String, CodingKey {
        case at, dryRun = "dry_run", enqueued, cancelled, deliveries, endpointDisabled = "endpoint_disabled"
    }

    public var sentCount: Int { deliveries.filter { $0.result == "sent" }.count }
}

/// What the holder would receive next, rendered but neither sent nor stored.
public struct ReminderPreview: Sendable, Codable, Equatable {
    public var kind: MessageKind
    public var daysBefore: Int?
    public var sendAt: String
    public var language: MessageLanguage
    public var to: String
    public var subject: String
    public var body: String
    public var calendar: String?
    /// Set when the message is already in the outbox.
    public var reminderID: Int64?

    enum CodingKeys: String, CodingKey {
        case kind, daysBefore = "days_before", sendAt = "send_at", language, to, subject, body, calendar, reminderID = "reminder_id"
    }
}

/// The purchaser-notice opt-in of one voucher.
public struct GiftNoticeSetting: Sendable, Codable, Equatable {
    public var voucherID: String
    public var code: String
    public var notifyPurchaser: Bool
    public var purchaserEmail: String?
    /// The buyer kept the voucher: no gift notice, the holder gets the expiry reminders.
    public var purchaserIsHolder: Bool

    enum CodingKeys: String, CodingKey {
        case voucherID = "voucher_id", code, notifyPurchaser = "notify_purchaser", purchaserEmail = "purchaser_email"
        case purchaserIsHolder = "purchaser_is_holder"
    }
}
