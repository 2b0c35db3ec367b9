import Foundation
import HTTPServer
import Testing
@testable import GoodwillAPI

/// Every write asks for its Idempotency-Key before it reads its body: without the key the answer
/// is 400 idempotency-key-required, as the document promises, whatever the body holds. Checked on
/// every POST the router has, so a route added later is held to it too.
@Suite struct IdempotencyKeyFirstTests {
    /// The POSTs that only read (a policy checked or simulated changes nothing) and take no key.
    static let readingPosts: Set<String> = ["POST /v1/policies/validate", "POST /v1/policies/simulate"]

    @Test func everyWritingPost_withoutAKey_gets400KeyRequired_beforeItsBodyIsRead() async throws {
        let h = try APIHarness()
        let issued = try await h.issue()
        let voucherID = try #require(issued.string("id"))
        let holderID = try #require(issued.string("holder", "id"))
        let before = await h.stored()
        let posts = GoodwillAPI.routes.filter { $0.method == .post && !Self.readingPosts.contains($0.name) }
        #expect(posts.count >= 15)
        for route in posts {
            // Real IDs where the route names one, so nothing but the key is missing.
            let target = route.pattern.replacingOccurrences(of: "/v1/vouchers/{id}", with: "/v1/vouchers/\(voucherID)")
                .replacingOccurrences(of: "/v1/holders/{id}", with: "/v1/holders/\(holderID)")
                .replacingOccurrences(of: "{id}", with: "1")
            for body in ["{", "[]", #"{"no_such_field": 1}"#, #"{"amount": "lots"}"#, ""] {
                let a = await h.send(.post, target, key: h.admin, json: body)
                #expect(a.status == 400 && a.code == "idempotency-key-required", "\(route.name) with '\(body)': \(a.status) \(a.text)")
            }
            let empty = await h.send(.post, target, key: h.admin, json: "{}", headers: ["Idempotency-Key": ""])
            #expect(empty.code == "idempotency-key-required", "\(route.name) with an empty key: \(empty.text)")
        }
        #expect(await h.stored() == before)
    }

    /// The routes that check the key are exactly those the document gives the IdempotencyKey
    /// parameter, and every POST but the two reading ones is among them.
    @Test func theRoutesThatNeedAKey_areThoseTheDocumentSaysNeedOne() async throws {
        let h = try APIHarness()
        let doc = await h.send(.get, "/openapi.json").json
        let paths = try #require(doc["paths"] as? [String: [String: Any]])
        var documented: Set<String> = []
        for (path, operations) in paths {
            for (method, operation) in operations {
                let parameters = (operation as? [String: Any])?["parameters"] as? [[String: Any]] ?? []
                if parameters.contains(where: { $0["$ref"] as? String == "#/components/parameters/IdempotencyKey" }) {
                    documented.insert("\(method.uppercased()) \(path)")
                }
            }
        }
        let needing = Set(GoodwillAPI.routes.filter(\.needsIdempotencyKey).map(\.name))
        #expect(needing == documented)
        let posts = Set(GoodwillAPI.routes.filter { $0.method == .post }.map(\.name))
        #expect(posts.subtracting(needing) == Self.readingPosts)
    }
}
