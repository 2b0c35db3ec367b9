import Foundation
import GoodwillCore
import Ledger

/// Who the holder is, as far as the company knows (after erasure: the pseudonym and dates only).
public struct HolderProfile: Sendable, Codable, Equatable {
    public var id: String
    public var name: String?
    public var email: String?
    public var locale: String?
    public var timeZone: String?
    public var firstSeen: String
    public var tenureDays: Int
    /// "9 years, 2 months": how long they have been a customer, as said on the phone.
    public var tenure: String
    public var closedAt: String?
    public var erasedAt: String?

    enum CodingKeys: String, CodingKey {
        case id, name, email, locale, timeZone = "time_zone", firstSeen = "first_seen", tenureDays = "tenure_days",
             tenure, closedAt = "closed_at", erasedAt = "erased_at"
    }
}

/// A voucher the holder holds, bought, or both.
public struct HolderVoucher: Sendable, Codable, Equatable {
    /// `holder`, `purchaser` or `both`.
    public var role: String
    public var voucher: VoucherView
}

public struct NoteView: Sendable, Codable, Equatable {
    public var id: Int64
    public var holderID: String
    public var at: String
    public var author: String
    public var text: String

    enum CodingKeys: String, CodingKey { case id, holderID = "holder_id", at, author, text }
}

public struct CaseView: Sendable, Codable, Equatable {
    public var id: Int64
    public var holderID: String
    public var subject: String
    public var openedAt: String
    public var openedBy: String
    public var closedAt: String?
    public var closedBy: String?
    public var resolution: String?
    public var isOpen: Bool { closedAt == nil }

    enum CodingKeys: String, CodingKey {
        case id, holderID = "holder_id", subject, openedAt = "opened_at", openedBy = "opened_by", closedAt = "closed_at",
             closedBy = "closed_by", resolution, open
    }

    public init(id: Int64, holderID: String, subject: String, openedAt: String, openedBy: String, closedAt: String?,
                closedBy: String?, resolution: String?) {
        self.id = id; self.holderID = holderID; self.subject = subject; self.openedAt = openedAt; self.openedBy = openedBy
        self.closedAt = closedAt; self.closedBy = closedBy; self.resolution = resolution
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int64.self, forKey: .id); holderID = try c.decode(String.self, forKey: .holderID)
        subject = try c.decode(String.self, forKey: .subject); openedAt = try c.decode(String.self, forKey: .openedAt)
        openedBy = try c.decode(String.self, forKey: .openedBy); closedAt = try c.decodeIfPresent(String.self, forKey: .closedAt)
        closedBy = try c.decodeIfPresent(String.self, forKey: .closedBy); resolution = try c.decodeIfPresent(String.self, forKey: .resolution)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(holderID, forKey: .holderID); try c.encode(subject, forKey: .subject)
        try c.encode(openedAt, forKey: .openedAt); try c.encode(openedBy, forKey: .openedBy)
        try c.encode(closedAt, forKey: .closedAt); try c.encode(closedBy, forKey: .closedBy)
        try c.encode(resolution, forKey: .resolution); try c.encode(isOpen, forKey: .open)
    }
}

/// A goodwill decision as support reads it: what was asked, what came out, and why.
public struct DecisionSummary: Sendable, Codable, Equatable {
    public var id: Int64
    public var outcome: String
    public var rule: String?
    public var daysGranted: Int
    public var requester: String
    public var actor: String
    public var isOverride: Bool
    public var reason: String?
    public var policy: String

    enum CodingKeys: String, CodingKey {
        case id, outcome, rule, daysGranted = "days_granted", requester, actor, isOverride = "is_override", reason, policy
    }
}

/// A message to the holder: sent, failed, waiting or dropped.
public struct ReminderSummary: Sendable, Codable, Equatable {
    public var id: Int64
    public var kind: String
    public var status: String
    public var recipient: String
    public var channel: String?
    public var attempts: Int
    public var error: String?
    /// When it was dropped (a cancelled message), if that was recorded (from migration 11 on).
    public var cancelledAt: String?
    /// Why it was dropped: `dropped` (the voucher could not have it then; it may come back) or
    /// `not_needed` (a later reminder went instead, or the buyer kept the gift).
    public var cancelKind: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, status, recipient, channel, attempts, error, cancelledAt = "cancelled_at", cancelKind = "cancel_kind"
    }
}

/// One thing that happened, in the holder's single timeline. Exactly one detail field is set,
/// matching `kind`: entry, reminder, decision, note, case_opened / case_closed (case), joined, closed,
/// reopened (came back; `voucher_code` is the voucher that brought them back).
public struct TimelineEvent: Sendable, Codable, Equatable {
    public var at: String
    public var kind: String
    public var voucherCode: String?
    public var summary: String
    public var entry: EntryView?
    public var reminder: ReminderSummary?
    public var decision: DecisionSummary?
    public var note: NoteView?
    public var supportCase: CaseView?
    /// Sort key: Unix ms, then a tiebreak that keeps same-instant events in the order they happened.
    var sortKey: (Int64, Int, Int64, Int) = (0, 0, 0, 0)

    enum CodingKeys: String, CodingKey {
        case at, kind, voucherCode = "voucher_code", summary, entry, reminder, decision, note, supportCase = "case"
    }

    public static func == (a: TimelineEvent, b: TimelineEvent) -> Bool {
        a.at == b.at && a.kind == b.kind && a.voucherCode == b.voucherCode && a.summary == b.summary && a.entry == b.entry
            && a.reminder == b.reminder && a.decision == b.decision && a.note == b.note && a.supportCase == b.supportCase
    }
}

/// Everything the company knows about one holder, for `holder show` and `GET /v1/holders/{id}`.
public struct HolderView: Sendable, Codable, Equatable {
    public var profile: HolderProfile
    public var vouchers: [HolderVoucher]
    public var openCases: [CaseView]
    /// Newest first.
    public var timeline: [TimelineEvent]

    enum CodingKeys: String, CodingKey { case profile, vouchers, openCases = "open_cases", timeline }
}

/// A search hit: enough to pick the right person.
public struct HolderMatch: Sendable, Codable, Equatable {
    public var id: String
    public var name: String?
    public var email: String?
    public var firstSeen: String
    public var vouchers: Int
    /// What matched: `email`, `name` or `voucher_code`.
    public var matched: String

    enum CodingKeys: String, CodingKey { case id, name, email, firstSeen = "first_seen", vouchers, matched }
}
