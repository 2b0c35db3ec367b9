import Foundation
import GoodwillCore
import HTTPServer
import Ledger

/// The voucher routes of the contract: issue, list, get, and every change to one voucher.
enum VoucherRoutes {
    static let routes: [Route] = [
        Route(.post, "/v1/vouchers", .issue, issue),
        Route(.get, "/v1/vouchers", .readVouchers, query: ["status", "expiring_within_days", "holder_email", "cursor", "limit"], list),
        Route(.get, "/v1/vouchers/{code-or-id}", .readVoucher, get),
        Route(.post, "/v1/vouchers/{id}/redemptions", .redeem, redeem),
        Route(.post, "/v1/vouchers/{id}/reversals", .reverse, reverse),
        Route(.post, "/v1/vouchers/{id}/void", .void, { c in try simple(c) { .void($0, reason: $1) } }),
        Route(.post, "/v1/vouchers/{id}/block", .block, { c in try simple(c) { .block($0, reason: $1) } }),
        Route(.post, "/v1/vouchers/{id}/unblock", .block, { c in try simple(c) { .unblock($0, reason: $1) } }),
        Route(.post, "/v1/vouchers/{id}/adjustments", .adjust, adjust),
        Route(.post, "/v1/vouchers/{id}/refunds", .refund, refund),
        Route(.get, "/v1/vouchers/{id}/entries", .readVouchers, entries),
    ]

    static func receipt(_ receipt: LedgerReceipt) -> HTTPResponse { FastJSON.response(receipt) }

    static func issue(_ c: inout RequestContext) throws -> Reply {
        let body = try JSON.decode(checked: IssueRequest.self, from: c.request)
        return .command(.issue(body), idempotencyKey: c.idempotencyKey) { receipt in
            var response = FastJSON.response(receipt.voucher, status: .created)
            response.headers["Location"] = "/v1/vouchers/\(receipt.voucher.id)"
            return response
        }
    }

    static func list(_ c: inout RequestContext) throws -> Reply {
        var filter = VoucherFilter()
        if let value = c.query["status"] {
            guard let s = VoucherStatus(rawValue: value) else {
                throw Problem.invalid("status '\(value)' is unknown; use one of \(VoucherStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            filter.status = s
        }
        // The ledger's range for it (`VoucherFilter`), said here in the API's words.
        filter.expiringWithinDays = try c.wholeNumber("expiring_within_days", in: VoucherFilter.expiringWithinDaysRange, of: "days")
        filter.holderEmail = c.query["holder_email"]
        if let value = c.query["cursor"] {
            guard let n = Int64(value), n >= 0 else { throw Problem.invalid("cursor is the next_cursor of the previous page; '\(value)' is not one.") }
            filter.cursor = n
        }
        if let n = try c.wholeNumber("limit", in: 1...1000) { filter.limit = n }
        return .response(JSON.response(try c.ledger.list(filter)))
    }

    static func get(_ c: inout RequestContext) throws -> Reply {
        let ref = c.voucher("code-or-id")
        // A till scans or types the code; voucher IDs are for back-office roles.
        if c.principal?.role == .redeemer, case .id = ref {
            throw Problem(.forbidden, code: "forbidden", detail: "A redeemer key reads a voucher by its code, not its ID.")
        }
        return .response(FastJSON.response(try c.ledger.voucherView(ref)))
    }

    static func redeem(_ c: inout RequestContext) throws -> Reply {
        let body = try FastBody.redemption(c.request.body)
            ?? JSON.decode(checked: RedemptionBody.self, from: c.request)
        return .command(.redeem(c.voucher("id"), amount: body.amount, reference: body.reference),
                        idempotencyKey: c.idempotencyKey, render: receipt)
    }

    static func reverse(_ c: inout RequestContext) throws -> Reply {
        let body = try JSON.decode(checked: ReversalBody.self, from: c.request)
        let key = c.idempotencyKey
        let ledger = try c.ledger
        let voucher = try ledger.resolve(c.voucher("id"))
        guard let entry = try ledger.store.entry(id: body.entryID), entry.voucherID == voucher.id else {
            throw Problem(.notFound, code: LedgerError.entryNotFound(body.entryID).code,
                          detail: "Voucher \(voucher.code) has no entry \(body.entryID). GET /v1/vouchers/\(voucher.id)/entries lists them.")
        }
        // A redeemer corrects its own till's mistakes; anyone else's redemption is support's business.
        if let who = c.principal, who.role == .redeemer, entry.actor != who.name {
            throw Problem(.forbidden, code: "not-your-redemption",
                          detail: "Entry \(body.entryID) was made by another key; a redeemer key reverses only its own redemptions. Ask support.")
        }
        return .command(.reverse(entryID: body.entryID, reason: body.reason), idempotencyKey: key, render: receipt)
    }

    static func simple(_ c: RequestContext, _ make: (VoucherReference, String?) -> LedgerCommand) throws -> Reply {
        let body = try JSON.decode(checked: ReasonBody.self, from: c.request, emptyIsObject: true)
        return .command(make(c.voucher("id"), body.reason), idempotencyKey: c.idempotencyKey, render: receipt)
    }

    static func adjust(_ c: inout RequestContext) throws -> Reply {
        let body = try JSON.decode(checked: AdjustmentBody.self, from: c.request)
        return .command(.adjust(c.voucher("id"), amount: body.amount, reason: body.reason),
                        idempotencyKey: c.idempotencyKey, render: receipt)
    }

    static func refund(_ c: inout RequestContext) throws -> Reply {
        let body = try JSON.decode(checked: RefundBody.self, from: c.request, emptyIsObject: true)
        return .command(.refund(c.voucher("id"), reference: body.reference, reason: body.reason),
                        idempotencyKey: c.idempotencyKey, render: receipt)
    }

    static func entries(_ c: inout RequestContext) throws -> Reply {
        let ledger = try c.ledger
        let voucher = try ledger.resolve(c.voucher("id"))
        let entries = try ledger.store.entries(of: voucher.id).map(EntryView.init)
        return .response(JSON.response(EntryList(voucherID: voucher.id.rawValue, entries: entries)))
    }
}

struct EntryList: Encodable {
    var voucherID: String
    var entries: [EntryView]
    enum CodingKeys: String, CodingKey { case voucherID = "voucher_id", entries }
}
