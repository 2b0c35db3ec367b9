import Foundation
import GoodwillCore
import HTTPServer
import Testing
@testable import GoodwillAPI

/// A support write (notes, cases, closing a holder, policy activation, reminder retry) retried
/// under its Idempotency-Key is compared on what its body says, not on its bytes: a client that
/// serialises the same body again with other spacing, another key order or other escapes gets
/// the first answer back, as a ledger command's retry does. Another value is another request.
@Suite struct SupportWriteRetryTests {
    struct Desk {
        let h: APIHarness
        let holderID: String

        init() async throws {
            h = try APIHarness()
            let issued = try await h.issue()
            holderID = try #require(issued.string("holder", "id"))
        }

        func note(_ body: String, key: String) async -> Answer { await h.post("/v1/holders/\(holderID)/notes", body, idempotencyKey: key) }
        func count(_ table: String) throws -> Int64 { try h.ledger().db.scalarInt("SELECT count(*) FROM \(table)") }
    }

    @Test func aRetryWithOtherSpacingKeyOrderOrEscapes_replays_andAnotherValueConflicts() async throws {
        let d = try await Desk()
        let first = await d.note(#"{"text":"Prefers email."}"#, key: "note-1")
        #expect(first.status == 201)
        for again in [#"{"text": "Prefers email."}"#, "{\n  \"text\" : \"Prefers email.\"\n}\n", #"{"text":"Prefers\u0020email\u002E"}"#] {
            let retry = await d.note(again, key: "note-1")
            #expect(retry.status == 201 && retry.headers["Idempotent-Replayed"] == "true" && retry.body == first.body, "\(again): \(retry.text)")
        }
        let other = await d.note(#"{"text": "Prefers phone."}"#, key: "note-1")
        #expect(other.status == 422 && other.code == "idempotency-conflict", "\(other.text)")
        #expect(try d.count("support_notes") == 1)

        let opened = await d.h.post("/v1/cases", #"{"holder": "anna@example.com", "subject": "Spa day cancelled"}"#, idempotencyKey: "case-1")
        #expect(opened.status == 201)
        let reordered = await d.h.post("/v1/cases", #"{"subject":"Spa day cancelled","holder":"anna@example.com"}"#, idempotencyKey: "case-1")
        #expect(reordered.status == 201 && reordered.headers["Idempotent-Replayed"] == "true" && reordered.body == opened.body)
        let otherCase = await d.h.post("/v1/cases", #"{"subject":"Spa day moved","holder":"anna@example.com"}"#, idempotencyKey: "case-1")
        #expect(otherCase.status == 422 && otherCase.code == "idempotency-conflict", "\(otherCase.text)")
        #expect(try d.count("support_cases") == 1)
    }

    /// Numbers are compared as written (1 and 1.0 are not made one), and a body that is not JSON
    /// at all (the reminder retry reads none) is compared on its bytes, as before.
    @Test func canonicalForm_sortsKeysDropsSpaceAndKeepsNumbersAsWritten() {
        func canonical(_ s: String) -> String? { CanonicalJSON.form(of: Data(s.utf8)).map { String(decoding: $0, as: UTF8.self) } }
        #expect(canonical(#" { "b" : [ 1.0 , 2e3, -0, true, null ], "a" : { "z" : "\u00e5\/" , "y": "" } } "#)
                == #"{"a":{"y":"","z":"å/"},"b":[1.0,2e3,-0,true,null]}"#)
        #expect(canonical(#"{"t":"line\nbreak \"quoted\" \\ tab\t"}"#) == #"{"t":"line\nbreak \"quoted\" \\ tab\t"}"#)
        #expect(canonical("") == "{}")
        #expect(canonical("not json") == nil)
        #expect(canonical(#"{"a":1,}"#) == nil)
    }

    /// A record kept before the upgrade has the fingerprint of the body's bytes as they came: a
    /// retry with those bytes still replays, so a client in the middle of its retries is not refused.
    @Test func aRecordKeptUnderTheRawBodyFingerprint_stillReplays() async throws {
        let d = try await Desk()
        let body = #"{ "text" : "Called about the spa day." }"#
        let first = await d.note(body, key: "old-1")
        #expect(first.status == 201)
        var hasher = SHA256()
        hasher.update("POST /v1/holders/{id}/notes \(d.holderID)".utf8)
        hasher.update(CollectionOfOne(UInt8(0)))
        hasher.update(Data(body.utf8))
        let raw = hasher.finalize()
        let ledger = try d.h.ledger()
        try ledger.db.run("UPDATE idempotency SET fingerprint = ? WHERE key = 'old-1'", [.blob(raw)])

        let retry = await d.note(body, key: "old-1")
        #expect(retry.status == 201 && retry.headers["Idempotent-Replayed"] == "true" && retry.body == first.body, "\(retry.text)")
        #expect(await d.note(#"{"text": "Another note."}"#, key: "old-1").code == "idempotency-conflict")
        #expect(try d.count("support_notes") == 1)
    }
}
