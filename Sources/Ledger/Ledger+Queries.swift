import Foundation
import GoodwillCore
import PolicyEngine
import Store

/// Filters for listing vouchers. Every value is bound as a parameter, never spliced into SQL.
public struct VoucherFilter: Sendable, Equatable {
    /// What `expiringWithinDays` may be (the API's `expiring_within_days` says the same).
    public static let expiringWithinDaysRange = 0...36_500

    public var status: VoucherStatus?
    /// Active vouchers whose expiry falls within this many days from now.
    public var expiringWithinDays: Int?
    public var holderEmail: String?
    /// Continue after this position (from a previous page's `nextCursor`).
    public var cursor: Int64?
    public var limit: Int

    public init(status: VoucherStatus? = nil, expiringWithinDays: Int? = nil, holderEmail: String? = nil,
                cursor: Int64? = nil, limit: Int = 100) {
        self.status = status; self.expiringWithinDays = expiringWithinDays; self.holderEmail = holderEmail
        self.cursor = cursor; self.limit = limit
    }
}

public struct VoucherPage: Sendable, Codable, Equatable {
    public var vouchers: [VoucherView]
    /// Pass as `cursor` for the next page; nil on the last page.
    public var nextCursor: String?

    enum CodingKeys: String, CodingKey { case vouchers, nextCursor = "next_cursor" }
}

extension Ledger {
    public func voucherView(_ ref: VoucherReference) throws -> VoucherView {
        try view(of: try resolve(ref))
    }

    public func entries(of ref: VoucherReference) throws -> [EntryView] {
        let v = try resolve(ref)
        return try store.entries(of: v.id).map(EntryView.init)
    }

    public func list(_ filter: VoucherFilter) throws -> VoucherPage {
        let now = clock.now()
        let limit = max(1, min(filter.limit, 1000))
        var clauses: [String] = []
        var values: [SQLValue] = []
        let nowMs = SQLValue.integer(now.unixMilliseconds)
        switch filter.status {
        case .none: break
        case .active?:
            clauses.append("v.status = 'active' AND (v.expires_at IS NULL OR v.expires_at > ?)"); values.append(nowMs)
        case .expired?:
            clauses.append("(v.status = 'expired' OR (v.status = 'active' AND v.expires_at <= ?))"); values.append(nowMs)
        case let s?:
            clauses.append("v.status = ?"); values.append(.text(s.rawValue))
        }
        if let days = filter.expiringWithinDays {
            guard VoucherFilter.expiringWithinDaysRange.contains(days) else {
                let r = VoucherFilter.expiringWithinDaysRange
                throw LedgerError.invalidRequest("Expiring within \(days) days is out of range; give \(r.lowerBound) to \(r.upperBound) days.")
            }
            clauses.append("v.status = 'active' AND v.expires_at > ? AND v.expires_at <= ?")
            values.append(nowMs)
            values.append(.integer(now.addingTimeInterval(TimeInterval(days) * 86_400).unixMilliseconds))
        }
        if let email = filter.holderEmail {
            clauses.append("v.holder_id = (SELECT id FROM holders WHERE email_key = ?)")
            values.append(.text(Holder.normalize(email: email)))
        }
        if let cursor = filter.cursor {
            clauses.append("v.seq > ?"); values.append(.integer(cursor))
        }
        let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        values.append(.integer(Int64(limit + 1)))
        let cols = LedgerStore.voucherColumns.split(separator: ",").map { "v." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")
        var rows: [(Int64, Voucher)] = []
        try db.readTransaction {
            try db.forEach("SELECT v.seq, \(cols) FROM vouchers v \(whereSQL) ORDER BY v.seq LIMIT ?", values) { r in
                rows.append((r.int64(0), try LedgerStore.voucher(r, offset: 1)))
            }
        }
        let more = rows.count > limit
        let page = rows.prefix(limit)
        return VoucherPage(vouchers: try views(of: page.map(\.1), now: now), nextCursor: more ? page.last.map { String($0.0) } : nil)
    }

    /// Several vouchers as shown at one instant (a page of the list, a holder's vouchers). The
    /// jurisdiction is the same for all of them: read once, at the first expired voucher with
    /// money left (none when all are valid), not once for each, and not kept past this call.
    public func views(of vouchers: [Voucher], now: Date) throws -> [VoucherView] {
        var preset: Result<JurisdictionPreset?, any Error>?
        func jurisdictionOnce() throws -> JurisdictionPreset? {
            if preset == nil { preset = Result { try jurisdiction() } }
            return try preset!.get()
        }
        return try vouchers.map { try view(of: $0, now: now, jurisdiction: jurisdictionOnce) }
    }
}
