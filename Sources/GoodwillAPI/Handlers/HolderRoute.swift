import Foundation
import GoodwillCore
import HTTPServer
import Ledger
import Store

/// GET /v1/holders/{id}: the person and their vouchers (held and bought as gifts).
/// Kept small on purpose: the support timeline builds on it.
enum HolderRoute {
    static let route = Route(.get, "/v1/holders/{id}", .readAll, get)

    struct HolderView: Encodable {
        var holder: PersonView
        var firstSeenAt: String
        var erased: Bool
        var vouchers: [VoucherView]
        var purchased: [VoucherView]
        enum CodingKeys: String, CodingKey { case holder, firstSeenAt = "first_seen_at", erased, vouchers, purchased }
    }

    static func get(_ c: inout RequestContext) throws -> Reply {
        let ledger = try c.ledger
        let text = c.parameter("id")
        guard let id = HolderID.parse(text), let holder = try ledger.store.holder(id: id) else {
            throw Problem(.notFound, code: "holder-not-found", detail: "There is no holder '\(text)'. Holder IDs look like hld_… and appear on vouchers.")
        }
        /// A closed set, so only these two column names can ever reach the SQL text.
        enum PartyColumn: String { case holder = "holder_id", purchaser = "purchaser_id" }
        func vouchers(_ column: PartyColumn) throws -> [VoucherView] {
            try ledger.db.query("SELECT \(LedgerStore.voucherColumns) FROM vouchers WHERE \(column.rawValue) = ? ORDER BY seq LIMIT 1000",
                                [.text(id.rawValue)]) { try LedgerStore.voucher($0, offset: 0) }
                .map { try ledger.view(of: $0) }
        }
        let view = try ledger.db.readTransaction {
            HolderView(holder: PersonView(holder), firstSeenAt: RFC3339.format(holder.firstSeenAt), erased: holder.erasedAt != nil,
                       vouchers: try vouchers(.holder), purchased: try vouchers(.purchaser))
        }
        return .response(JSON.response(view))
    }
}
