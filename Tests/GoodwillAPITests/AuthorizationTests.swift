import Foundation
import GoodwillCore
import HTTPServer
import Ledger
import PolicyEngine
import Testing
@testable import GoodwillAPI

/// Route by route: each role either succeeds or gets 403, as the issue's table says, and nothing
/// but health, metrics, openapi and the public balance answers without a key.
@Suite struct AuthorizationTests {
    /// The issue's table, written out here on its own so that a change to `Role.table` must be made twice.
    static let allowed: [String: Set<Role>] = [
        "POST /v1/vouchers": [.admin, .issuer],
        "GET /v1/vouchers": [.admin, .issuer, .support, .auditor],
        "GET /v1/vouchers/{code-or-id}": [.admin, .issuer, .redeemer, .support, .auditor],
        "POST /v1/vouchers/{id}/redemptions": [.admin, .redeemer],
        "POST /v1/vouchers/{id}/reversals": [.admin, .redeemer],
        "POST /v1/vouchers/{id}/void": [.admin],
        "POST /v1/vouchers/{id}/block": [.admin, .support],
        "POST /v1/vouchers/{id}/unblock": [.admin, .support],
        "POST /v1/vouchers/{id}/adjustments": [.admin],
        "POST /v1/vouchers/{id}/refunds": [.admin],
        "GET /v1/vouchers/{id}/entries": [.admin, .issuer, .support, .auditor],
        "GET /v1/vouchers/{id}/goodwill": [.admin, .support, .auditor],
        "POST /v1/vouchers/{id}/extensions": [.admin, .support],
        "GET /v1/policies": [.admin, .support, .auditor],
        "POST /v1/policies/validate": [.admin, .support, .auditor],
        "POST /v1/policies/activate": [.admin],
        "POST /v1/policies/simulate": [.admin, .support, .auditor],
        "GET /v1/holders/{id}": [.admin, .support, .auditor],
        "GET /v1/vouchers/{id}/reminders": [.admin, .support, .auditor],
        "GET /v1/reminders": [.admin, .support, .auditor],
        "POST /v1/reminders/{id}/retry": [.admin, .support],
        "GET /v1/holders": [.admin, .support, .auditor],
        "POST /v1/holders/{id}/notes": [.admin, .support],
        "POST /v1/holders/{id}/close": [.admin],
        "POST /v1/cases": [.admin, .support],
        "POST /v1/cases/{id}/close": [.admin, .support],
        "GET /v1/reports/{name}": [.admin, .auditor],
        "GET /v1/reports/expiring": [.admin, .auditor],
        "GET /v1/reports/rollforward": [.admin, .auditor],
    ]
    static let publicRoutes: Set<String> = ["GET /health", "GET /metrics", "GET /openapi.json", "GET /v1/public/balance/{code}"]

    struct Fixture {
        var id: String
        var code: String
        var holderID: String
        var entryID: Int
        var reminderID: Int
    }

    /// A fresh voucher with a redemption made by `redeemedBy`, and a failed reminder.
    func fixture(_ h: APIHarness, redeemedBy: String) async throws -> Fixture {
        let v = try await h.issue()
        let id = try #require(v.string("id"))
        let r = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 100, "currency": "SEK"}}"#, key: redeemedBy)
        let ledger = try h.ledger()
        try ledger.db.run("""
            INSERT INTO reminder_outbox (message_id, voucher_id, kind, recipient_role, send_zone, due_at, created_at, status, attempts, next_attempt_at, last_error)
            VALUES (?, ?, 'expiry_reminder', 'holder', 'Europe/Stockholm', 0, 0, 'failed', 5, 0, 'mailbox full')
            """, [.text("msg-\(id)"), .text(id)])
        let reminderID = Int(try ledger.db.scalarInt("SELECT max(id) FROM reminder_outbox"))
        return Fixture(id: id, code: try #require(v.string("code")), holderID: try #require(v.string("holder", "id")),
                       entryID: try #require(r.int("entry", "id")), reminderID: reminderID)
    }

    func call(_ route: String, _ h: APIHarness, _ f: Fixture, key: String?, idempotent: Bool = true) async -> Answer {
        // Another policy than the active one, so activating it is a change each time.
        let policy = EmbeddedPolicies.policies["generous.json"]!
        let money = #"{"amount": {"amount": 100, "currency": "SEK"}}"#
        func post(_ path: String, _ body: String = "{}") async -> Answer {
            await h.send(.post, path, key: key, json: body, idempotencyKey: idempotent ? UUID().uuidString : nil)
        }
        func get(_ path: String) async -> Answer { await h.send(.get, path, key: key) }
        switch route {
        case "POST /v1/vouchers": return await post("/v1/vouchers", #"{"value": {"amount": 100, "currency": "SEK"}}"#)
        case "GET /v1/vouchers": return await get("/v1/vouchers")
        case "GET /v1/vouchers/{code-or-id}": return await get("/v1/vouchers/\(f.code)")
        case "POST /v1/vouchers/{id}/redemptions": return await post("/v1/vouchers/\(f.id)/redemptions", money)
        case "POST /v1/vouchers/{id}/reversals": return await post("/v1/vouchers/\(f.id)/reversals", #"{"entry_id": \#(f.entryID)}"#)
        case "POST /v1/vouchers/{id}/void": return await post("/v1/vouchers/\(f.id)/void")
        case "POST /v1/vouchers/{id}/block": return await post("/v1/vouchers/\(f.id)/block")
        case "POST /v1/vouchers/{id}/unblock":
            _ = await h.post("/v1/vouchers/\(f.id)/block")
            return await post("/v1/vouchers/\(f.id)/unblock")
        case "POST /v1/vouchers/{id}/adjustments": return await post("/v1/vouchers/\(f.id)/adjustments", #"{"amount": {"amount": 100, "currency": "SEK"}, "reason": "goodwill"}"#)
        case "POST /v1/vouchers/{id}/refunds": return await post("/v1/vouchers/\(f.id)/refunds")
        case "GET /v1/vouchers/{id}/entries": return await get("/v1/vouchers/\(f.id)/entries")
        case "GET /v1/vouchers/{id}/goodwill": return await get("/v1/vouchers/\(f.id)/goodwill")
        case "POST /v1/vouchers/{id}/extensions": return await post("/v1/vouchers/\(f.id)/extensions", #"{"reason": "travelling"}"#)
        case "GET /v1/policies": return await get("/v1/policies")
        case "POST /v1/policies/validate": return await post("/v1/policies/validate", #"{"policy": \#(policy)}"#)
        case "POST /v1/policies/activate": return await post("/v1/policies/activate", #"{"policy": \#(policy)}"#)
        case "POST /v1/policies/simulate": return await post("/v1/policies/simulate", #"{"policy": \#(policy), "rows": 1}"#)
        case "GET /v1/holders/{id}": return await get("/v1/holders/\(f.holderID)")
        case "GET /v1/vouchers/{id}/reminders": return await get("/v1/vouchers/\(f.id)/reminders")
        case "GET /v1/reminders": return await get("/v1/reminders?status=failed")
        case "POST /v1/reminders/{id}/retry": return await post("/v1/reminders/\(f.reminderID)/retry")
        case "GET /v1/holders": return await get("/v1/holders?q=anna")
        case "POST /v1/holders/{id}/notes": return await post("/v1/holders/\(f.holderID)/notes", #"{"text": "Called about the rooftop walk."}"#)
        case "POST /v1/holders/{id}/close": return await post("/v1/holders/\(f.holderID)/close", #"{"refund_all": true, "payout_reference": "PAY-1"}"#)
        case "POST /v1/cases": return await post("/v1/cases", #"{"holder": "\#(f.holderID)", "subject": "Voucher expired abroad"}"#)
        case "POST /v1/cases/{id}/close":
            let opened = await h.post("/v1/cases", #"{"holder": "\#(f.holderID)", "subject": "Voucher expired abroad"}"#)
            return await post("/v1/cases/\(opened.int("id") ?? 0)/close", #"{"resolution": "Extended by 30 days."}"#)
        case "GET /v1/reports/{name}": return await get("/v1/reports/liability")
        case "GET /v1/reports/expiring": return await get("/v1/reports/expiring?days=30")
        case "GET /v1/reports/rollforward": return await get("/v1/reports/rollforward?from=2026-01-01&to=2026-03-31")
        case "GET /health": return await get("/health")
        case "GET /metrics": return await get("/metrics")
        case "GET /openapi.json": return await get("/openapi.json")
        case "GET /v1/public/balance/{code}": return await get("/v1/public/balance/\(f.code)")
        default:
            Issue.record("no test request for \(route)")
            return Answer(status: 0, headers: HTTPHeaders(), body: Data())
        }
    }

    /// The document's Idempotency-Key parameter (required) is on exactly the POSTs that refuse a
    /// request without one; the others answer it.
    @Test func idempotencyKeyIsDocumentedExactlyWhereItIsRequired() async throws {
        let h = try APIHarness()
        let paths = try #require(await h.send(.get, "/openapi.json").json["paths"] as? [String: [String: [String: Any]]])
        for route in GoodwillAPI.routes where route.method == .post {
            let op = try #require(paths[route.pattern]?["post"])
            let documented = ((op["parameters"] as? [[String: Any]]) ?? []).contains {
                ($0["$ref"] as? String) == "#/components/parameters/IdempotencyKey"
            }
            let f = try await fixture(h, redeemedBy: h.admin)
            let a = await call(route.name, h, f, key: h.admin, idempotent: false)
            if documented {
                #expect(a.status == 400 && a.code == "idempotency-key-required", "\(route.name): \(a.status) \(a.text)")
            } else {
                #expect((200..<300).contains(a.status), "\(route.name): \(a.status) \(a.text)")
            }
        }
    }

    @Test func theTableCoversEveryRoute() {
        #expect(Set(Self.allowed.keys).union(Self.publicRoutes) == Set(GoodwillAPI.routes.map(\.name)))
    }

    @Test(arguments: Role.allCases)
    func eachRoleSucceedsOrIsForbidden_routeByRoute(role: Role) async throws {
        let h = try APIHarness()
        let key = h.keys[role]!
        for route in Self.allowed.keys.sorted() {
            // A redeemer's own redemption, so "reverse its own" is what is tested.
            let f = try await fixture(h, redeemedBy: role == .redeemer ? key : h.admin)
            let a = await call(route, h, f, key: key)
            if Self.allowed[route]!.contains(role) {
                #expect((200..<300).contains(a.status), "\(role) on \(route): \(a.status) \(a.text)")
            } else {
                #expect(a.status == 403 && a.code == "forbidden", "\(role) on \(route): \(a.status) \(a.text)")
            }
        }
    }

    @Test func aRedeemerReversesOnlyItsOwnRedemptions() async throws {
        let h = try APIHarness()
        let f = try await fixture(h, redeemedBy: h.admin)
        let a = await h.post("/v1/vouchers/\(f.id)/reversals", #"{"entry_id": \#(f.entryID)}"#, key: h.keys[.redeemer])
        #expect(a.status == 403 && a.code == "not-your-redemption")
        let byID = await h.get("/v1/vouchers/\(f.id)", key: h.keys[.redeemer])
        #expect(byID.status == 403)
    }

    @Test func withoutAKey_onlyThePublicRoutesAnswer() async throws {
        let h = try APIHarness()
        let f = try await fixture(h, redeemedBy: h.admin)
        for route in GoodwillAPI.routes.map(\.name).sorted() {
            for key in [nil, "gw_notakey", "Basic abc"] as [String?] {
                let a = await call(route, h, f, key: key)
                if Self.publicRoutes.contains(route) {
                    #expect(a.status == 200, "\(route) without a key: \(a.status)")
                } else {
                    #expect(a.status == 401 && a.code == "unauthorized" && a.headers["WWW-Authenticate"] != nil, "\(route) with \(key ?? "no key"): \(a.status)")
                }
            }
        }
    }

    @Test func aRevokedKeyGets401() async throws {
        let h = try APIHarness()
        try APIKeyStore(try h.ledger().db).revoke(name: "auditor-key", now: h.clock.now())
        #expect(await h.get("/v1/vouchers", key: h.keys[.auditor]).status == 401)
        #expect(await h.get("/v1/vouchers", key: h.keys[.support]).status == 200)
    }
}

/// `credentials = auth-scheme [ 1*SP ( token68 / … ) ]` (RFC 9110 §11.4, RFC 6750 §2.1): any
/// number of spaces part the scheme from the secret.
@Suite struct BearerSchemeTests {
    @Test func theSecret_isWhatFollowsTheSchemeAndItsSpaces() {
        #expect(GoodwillAPI.bearer("Bearer gw_abc") == "gw_abc")
        #expect(GoodwillAPI.bearer("Bearer  gw_abc") == "gw_abc")
        #expect(GoodwillAPI.bearer("bEARER     gw_abc  ") == "gw_abc")
        #expect(GoodwillAPI.bearer("Bearer gw_abc \t") == "gw_abc")
    }

    @Test func noSchemeOrNoSecret_isNoBearer() {
        for value in [nil, "", "Bearer", "Bearer ", "Bearer    ", "Bearergw_abc", "Basic gw_abc", "Bearer\tgw_abc", "Bearers gw_abc"] as [String?] {
            #expect(GoodwillAPI.bearer(value) == nil, "\(value ?? "nil")")
        }
    }

    @Test func aKeySentAfterTwoSpaces_isAccepted_overASocket() async throws {
        let live = try LiveServer()
        let answer = live.raw(Array("GET /v1/vouchers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer  \(live.harness.admin)\r\nConnection: close\r\n\r\n".utf8))
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(300))")
        await live.stop()
    }
}
