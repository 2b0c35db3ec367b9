import Foundation
import GoodwillCore
import PolicyEngine

/// A person as shown on a voucher. After erasure only the ID remains.
public struct PersonView: Sendable, Codable, Equatable {
    public var id: String
    public var email: String?
    public var name: String?
    public var locale: String?
    public var timeZone: String?

    enum CodingKeys: String, CodingKey { case id, email, name, locale, timeZone = "time_zone" }

    public init(_ h: Holder) {
        id = h.id.rawValue; email = h.email; name = h.name; locale = h.locale; timeZone = h.timeZone
    }
}

/// The voucher JSON of the contract: what `show --json` prints and the API returns.
public struct VoucherView: Sendable, Codable, Equatable {
    public var id: String
    public var code: String
    public var status: VoucherStatus
    public var value: Money
    public var balance: Money
    public var issuedAt: String
    public var expiresAt: String?
    public var lastValidDay: String?
    public var timeZone: String
    public var holder: PersonView?
    public var purchaser: PersonView?
    public var kind: VoucherKind
    public var experience: String?
    public var message: String?
    public var issuer: String
    /// On a voucher past expiry with a balance, where the jurisdiction in force still gives the
    /// holder the right to take it out as money (`payoutRightAfterExpiry`: Denmark, a year after
    /// expiry; a balance under a cash-out threshold): the balance, and the last day (nil when the
    /// right has no end). Absent, and not written, everywhere else.
    public var payoutClaimable: Money?
    public var payoutClaimableUntil: String?
    /// The same right with its reason, for the words beside it; not part of the JSON.
    public var payoutRight: PayoutRight?

    enum CodingKeys: String, CodingKey {
        case id, code, status, value, balance, issuedAt = "issued_at", expiresAt = "expires_at",
             lastValidDay = "last_valid_day", timeZone = "time_zone", holder, purchaser, kind, experience, message, issuer,
             payoutClaimable = "payout_claimable", payoutClaimableUntil = "payout_claimable_until"
    }

    public init(_ v: Voucher, holder: Holder?, purchaser: Holder?, now: Date) {
        id = v.id.rawValue; code = v.code; status = v.status(at: now); value = v.value; balance = v.balance
        issuedAt = RFC3339.format(v.issuedAt); expiresAt = v.expiry.map { RFC3339.format($0.instant) }
        lastValidDay = v.expiry?.lastValidDay.isoString; timeZone = v.timeZone
        self.holder = holder.map(PersonView.init); self.purchaser = purchaser.map(PersonView.init)
        kind = v.kind; experience = v.experience; message = v.message; issuer = v.issuer
    }

    /// The view with the payout right the law still gives beside it (nil: none, nothing added).
    public func noting(_ right: PayoutRight?) -> VoucherView {
        guard let right, let claimable = right.claimable else { return self }
        var v = self
        v.payoutRight = right
        v.payoutClaimable = claimable
        v.payoutClaimableUntil = right.until?.isoString
        return v
    }

    /// `expires_at` is part of the contract even when null, so it is always written; the payout
    /// right only where there is one.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(code, forKey: .code); try c.encode(status, forKey: .status)
        try c.encode(value, forKey: .value); try c.encode(balance, forKey: .balance)
        try c.encode(issuedAt, forKey: .issuedAt); try c.encode(expiresAt, forKey: .expiresAt)
        try c.encode(lastValidDay, forKey: .lastValidDay); try c.encode(timeZone, forKey: .timeZone)
        try c.encode(holder, forKey: .holder); try c.encode(purchaser, forKey: .purchaser)
        try c.encode(kind, forKey: .kind); try c.encode(experience, forKey: .experience)
        try c.encode(message, forKey: .message); try c.encode(issuer, forKey: .issuer)
        try c.encodeIfPresent(payoutClaimable, forKey: .payoutClaimable)
        try c.encodeIfPresent(payoutClaimableUntil, forKey: .payoutClaimableUntil)
    }
}

/// One ledger entry as printed and served.
public struct EntryView: Sendable, Codable, Equatable {
    public var id: Int64
    public var voucherID: String
    public var kind: EntryKind
    public var amount: Money
    public var balanceAfter: Money
    public var at: String
    public var actor: String
    public var reason: String?
    public var reference: String?
    public var relatedEntryID: Int64?
    public var lastValidDayAfter: String?
    public var expiresAtAfter: String?
    public var statusAfter: VoucherStatus
    public var decisionID: Int64?
    public var hash: String

    enum CodingKeys: String, CodingKey {
        case id, voucherID = "voucher_id", kind, amount, balanceAfter = "balance_after", at, actor, reason, reference,
             relatedEntryID = "related_entry_id", lastValidDayAfter = "last_valid_day_after",
             expiresAtAfter = "expires_at_after", statusAfter = "status_after", decisionID = "decision_id", hash
    }

    public init(_ e: LedgerEntry) {
        id = e.id; voucherID = e.voucherID.rawValue; kind = e.kind
        amount = Money(minorUnits: e.amount, currency: e.currency)
        balanceAfter = Money(minorUnits: e.balanceAfter, currency: e.currency)
        at = RFC3339.format(e.at); actor = e.actor; reason = e.reason; reference = e.reference
        relatedEntryID = e.relatedEntryID; lastValidDayAfter = e.expiryAfter?.lastValidDay.isoString
        expiresAtAfter = e.expiryAfter.map { RFC3339.format($0.instant) }
        statusAfter = e.statusAfter; decisionID = e.decisionID; hash = e.hash.hexString
    }
}

/// What an operation returns: the voucher after it, and the entry it appended.
public struct LedgerReceipt: Sendable, Codable, Equatable {
    public var voucher: VoucherView
    public var entry: EntryView?
    /// True when this is the stored answer to an earlier request with the same idempotency key.
    public var replayed: Bool
    /// For an extension request (and a redemption accepted by soft expiry): the goodwill decision.
    public var decision: DecisionView?

    public init(voucher: VoucherView, entry: EntryView?, replayed: Bool = false, decision: DecisionView? = nil) {
        self.voucher = voucher; self.entry = entry; self.replayed = replayed; self.decision = decision
    }
}
