import Foundation
import Ledger
import Testing
@testable import GoodwillAPI

/// A field that takes one of a few values says which, and what it got, in the contract's words:
/// never a Swift type's name.
@Suite struct ClosedSetFieldTests {
    @Test func aValueOutsideTheSet_isRefusedWithTheValuesItTakes() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue().string("id"))
        let before = await h.stored()
        for (path, body, detail) in [
            ("/v1/vouchers", #"{"value": {"amount": 50000, "currency": "SEK"}, "kind": "bogus"}"#,
             "'kind' must be one of gift_card, experience; got 'bogus'."),
            ("/v1/vouchers", #"{"value": {"amount": 50000, "currency": "SEK"}, "kind": "Gift_Card"}"#,
             "'kind' must be one of gift_card, experience; got 'Gift_Card'."),
            ("/v1/vouchers/\(id)/extensions", #"{"reason": "late", "requester": "alien"}"#,
             "'requester' must be one of holder, agent; got 'alien'."),
            ("/v1/vouchers/\(id)/extensions", #"{"reason": "late", "requester": "system"}"#,
             "'requester' must be one of holder, agent; got 'system'."),
        ] {
            let answer = await h.post(path, body)
            #expect(answer.status == 422 && answer.code == "invalid-request", "\(body): \(answer.text)")
            #expect(answer.json["detail"] as? String == detail, "\(body)")
            #expect(!answer.text.contains("Cannot initialize"), "\(body)")
        }
        #expect(await h.stored() == before)
        // A value in the set still works.
        let experience = await h.post("/v1/vouchers", #"{"value": {"amount": 50000, "currency": "SEK"}, "kind": "experience", "experience": "Spa day"}"#)
        #expect(experience.status == 201 && experience.string("kind") == "experience", "\(experience.text)")
    }

    /// The values each body takes are the `enum` its schema documents (with null, which the server
    /// reads as the field left out).
    @Test func theValuesTakenAreTheDocumentedOnes() async throws {
        let h = try APIHarness()
        let schemas = try #require(((await h.get("/openapi.json").json["components"]) as? [String: Any])?["schemas"] as? [String: Any])
        func documented(_ schema: String, _ field: String) -> [String]? {
            let values = (((schemas[schema] as? [String: Any])?["properties"] as? [String: Any])?[field] as? [String: Any])?["enum"] as? [Any]
            guard let values, values.contains(where: { $0 is NSNull }) else { return nil }
            return values.compactMap { $0 as? String }
        }
        #expect(IssueRequest.closed.keys.sorted() == ["kind"] && documented("IssueRequest", "kind") == IssueRequest.closed["kind"])
        #expect(ExtensionBody.closed.keys.sorted() == ["requester"] && documented("ExtensionRequest", "requester") == ExtensionBody.closed["requester"])
    }
}
