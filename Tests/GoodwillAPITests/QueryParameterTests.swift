import Foundation
import Testing
@testable import GoodwillAPI

/// One rule for the query on every route: the parameters a route takes are declared with it, any
/// other is refused by name, and one given twice is refused rather than resolved.
@Suite struct QueryParameterTests {
    @Test func aParameterTheRouteDoesNotTake_isRefusedByName_onEveryRoute() async throws {
        let h = try APIHarness()
        let voucher = try await h.issue()
        let id = try #require(voucher.string("id")), code = try #require(voucher.string("code"))
        let none = "takes no query parameters; leave the query off."
        for (target, name, takes) in [
            ("/v1/vouchers/\(id)?foo=1", "foo", "GET /v1/vouchers/{code-or-id} \(none)"),
            ("/v1/vouchers/\(id)/entries?limit=abc", "limit", "GET /v1/vouchers/{id}/entries \(none)"),
            ("/v1/vouchers/\(id)/goodwill?foo=1", "foo", "GET /v1/vouchers/{id}/goodwill takes requester."),
            ("/v1/vouchers?foo=1", "foo", "GET /v1/vouchers takes status, expiring_within_days, holder_email, cursor and limit."),
            ("/v1/holders?q=anna&foo=1", "foo", "GET /v1/holders takes q and limit."),
            ("/v1/public/balance/\(code)?foo=1", "foo", "GET /v1/public/balance/{code} \(none)"),
            ("/health?foo=1", "foo", "GET /health \(none)"),
            ("/metrics?foo=1", "foo", "GET /metrics \(none)"),
            ("/openapi.json?foo=1", "foo", "GET /openapi.json \(none)"),
        ] {
            let answer = await h.get(target)
            #expect(answer.status == 422 && answer.code == "invalid-request", "\(target): \(answer.text)")
            #expect(answer.json["detail"] as? String == "Unknown query parameter '\(name)'. \(takes)", "\(target)")
        }
        // A write with a query it does not take changes nothing.
        let redeemed = await h.post("/v1/vouchers/\(id)/redemptions?amount=1", #"{"amount": {"amount": 100, "currency": "SEK"}}"#)
        #expect(redeemed.status == 422 && redeemed.json["detail"] as? String == "Unknown query parameter 'amount'. POST /v1/vouchers/{id}/redemptions \(none)")
        #expect(await h.get("/v1/vouchers/\(id)").int("balance", "amount") == 50000)
        // An empty query is no parameter.
        #expect(await h.get("/health?").status == 200)
    }

    @Test func aParameterGivenTwice_isRefused_notResolved() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue().string("id"))
        for (target, name) in [
            ("/v1/vouchers?limit=2&limit=5", "limit"),
            ("/v1/vouchers?status=active&status=voided", "status"),
            ("/v1/vouchers/\(id)/goodwill?requester=holder&requester=agent", "requester"),
            ("/v1/reports/expiring?days=1&days=3650", "days"),
            ("/v1/reminders?limit=1&status=failed&limit=1", "limit"),
            ("/v1/holders?q=a&q=b", "q"),
        ] {
            let answer = await h.get(target)
            #expect(answer.status == 422 && answer.code == "invalid-request", "\(target): \(answer.text)")
            #expect(answer.json["detail"] as? String == "Give '\(name)' once; this request has it more than once, so which one is meant would be a guess.", "\(target)")
        }
    }

    /// The names each route declares are the `in: query` parameters its operation documents.
    @Test func declaredParametersAreTheDocumentedOnes() async throws {
        let h = try APIHarness()
        let paths = try #require(await h.send(.get, "/openapi.json").json["paths"] as? [String: [String: Any]])
        for route in GoodwillAPI.routes {
            let op = try #require(paths[route.pattern]?[route.method.rawValue.lowercased()] as? [String: Any], "\(route.name)")
            let parameters = ((paths[route.pattern]?["parameters"] as? [[String: Any]]) ?? []) + ((op["parameters"] as? [[String: Any]]) ?? [])
            let documented = parameters.filter { $0["in"] as? String == "query" }.compactMap { $0["name"] as? String }
            #expect(Set(route.query) == Set(documented) && route.query.count == documented.count,
                    "\(route.name): declared \(route.query), documented \(documented)")
        }
    }
}
