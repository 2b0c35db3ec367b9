import Foundation
import GoodwillCore
import HTTPServer
import Ledger
import PolicyEngine

/// Routes without a key: health, metrics, the OpenAPI document, and the holder's balance check.
enum PublicRoutes {
    static let routes: [Route] = [
        Route(.get, "/health", nil, usesDatabase: false) { c in
            // A supervisor restarts a server whose storage failed (see `LedgerWriter.storageFailure`).
            guard let reason = c.api.writer.storageFailure else { return .response(health) }
            return .response(HTTPResponse(status: .serviceUnavailable, headers: ["Content-Type": "application/json"],
                                          body: Data(#"{"status":"failing","reason":\#(JSONString.quoted("storage: " + reason))}"#.utf8)))
        },
        Route(.get, "/metrics", nil, metrics),
        Route(.get, "/openapi.json", nil, usesDatabase: false) { _ in .response(openAPI) },
        Route(.get, "/v1/public/balance/{code}", nil, balance),
    ]

    static let health = HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: Data(#"{"status":"ok"}"#.utf8))

    static let openAPI = HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: Data(OpenAPIDocument.json.utf8))

    static func metrics(_ c: inout RequestContext) throws -> Reply {
        let counts = try c.ledger.db.query("SELECT status, count(*) FROM vouchers GROUP BY status ORDER BY status") { ($0.text(0), $0.int64(1)) }
        return .response(HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                                      body: Data((c.api.metrics.render(vouchersByStatus: counts) + c.api.writerMetrics()).utf8)))
    }

    /// What a holder may see of a voucher by its code: status, balance and expiry; nothing personal.
    /// Past expiry, where the law still lets them take the balance out as money: how much, until
    /// when, and in words what to do. It is their own money; telling them is the point.
    struct PublicBalance: Encodable {
        var status: VoucherStatus
        var balance: Money
        var expiresAt: String?
        var lastValidDay: String?
        var payoutClaimable: Money?
        var payoutClaimableUntil: String?
        var payoutNote: String?
        enum CodingKeys: String, CodingKey {
            case status, balance, expiresAt = "expires_at", lastValidDay = "last_valid_day",
                 payoutClaimable = "payout_claimable", payoutClaimableUntil = "payout_claimable_until", payoutNote = "payout_note"
        }

        init(_ v: VoucherView) {
            status = v.status; balance = v.balance; expiresAt = v.expiresAt; lastValidDay = v.lastValidDay
            payoutClaimable = v.payoutClaimable; payoutClaimableUntil = v.payoutClaimableUntil
            payoutNote = v.payoutRight?.toHolder
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(status, forKey: .status); try c.encode(balance, forKey: .balance)
            try c.encode(expiresAt, forKey: .expiresAt); try c.encode(lastValidDay, forKey: .lastValidDay)
            try c.encodeIfPresent(payoutClaimable, forKey: .payoutClaimable)
            try c.encodeIfPresent(payoutClaimableUntil, forKey: .payoutClaimableUntil)
            try c.encodeIfPresent(payoutNote, forKey: .payoutNote)
        }
    }

    /// One answer for every code that is not on file, whether unknown, mistyped or malformed,
    /// so the answer never tells an enumerator how close a guess was.
    static let unknownCode = Problem(.notFound, code: "voucher-not-found",
        detail: "No voucher has this code. Check it against the voucher (codes look like XXXX-XXXX-XXXX-XXXX-X) and try again.")

    static func balance(_ c: inout RequestContext) throws -> Reply {
        let address = c.request.remoteAddress
        if case .limited(let seconds) = c.api.limiter.admit(address) {
            var p = Problem(.tooManyRequests, code: "rate-limited",
                            detail: "Too many balance checks from your address. Wait \(Plural.count(seconds, "second")) and try again.")
            p.headers["Retry-After"] = String(seconds)
            throw p
        }
        let text = c.parameter("code")
        // Only codes: a voucher ID is not something a holder has.
        guard VoucherID.parse(text.trimmingCharacters(in: .whitespaces)) == nil else {
            c.api.limiter.recordMiss(address)
            throw unknownCode
        }
        let ledger = try c.ledger
        do {
            let v = try ledger.voucherView(.code(text))
            var response = JSON.response(PublicBalance(v))
            response.headers["Cache-Control"] = "no-store"
            return .response(response)
        } catch let e as LedgerError {
            switch e {
            case .voucherNotFound, .codeTypo, .invalidCode:
                c.api.limiter.recordMiss(address)
                throw unknownCode
            default: throw e
            }
        }
    }
}
