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

    /// The form is what stored records' fingerprints were made of: it must not change, byte for
    /// byte, or a retry of a request answered before would be refused as another request.
    @Test func canonicalForm_staysByteForByteAsRecordsWereKeptWithIt() {
        func canonical(_ bytes: [UInt8]) -> String? { CanonicalJSON.form(of: Data(bytes)).map { String(decoding: $0, as: UTF8.self) } }
        func canonical(_ s: String) -> String? { canonical(Array(s.utf8)) }
        // Escapes read and written again as JSONString writes them; other characters as they are.
        #expect(canonical(#"["\u0000\u001f\b\f\n\r\t\"\\\/\u0041\u00E9\ud83d\ude00\u2028", "é😀"]"#)
                == #"["\u0000\u001f\u0008\u000c\n\r\t\"\\/Aé😀"# + "\u{2028}" + #"","é😀"]"#)
        // Names sorted by their bytes as written out; a name given twice keeps both, in order.
        #expect(canonical(#"{"b":1,"a\"":2,"a":3,"é":4,"Z":5,"\u0061":6}"#) == #"{"Z":5,"a":3,"a":6,"a\"":2,"b":1,"é":4}"#)
        // Numbers as written, even beyond a double's range (the reminder retry's body is not gated).
        let long = String(repeating: "9", count: 400)
        #expect(canonical(#"{"n": 1e999, "m": -"# + long + #", "f": 0.5E-3}"#) == #"{"f":0.5E-3,"m":-"# + long + #","n":1e999}"#)
        #expect(canonical(#" "x" "#) == #""x""#)
        #expect(canonical("\t12\n") == "12")
        #expect(canonical("[[],{},[{}]]") == "[[],{},[{}]]")
        let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(canonical(deep) == deep)
        // Not JSON: compared on the bytes as they came.
        for bad in ["  ", #"{"a":1}x"#, "[1,]", "{,}", "01", "1.", "-", "tru", #""\ud800""#, #""\udc00""#, "\"a\u{1}\"",
                    "[" + deep + "]", "\u{FEFF}{}"] {
            #expect(canonical(bad) == nil, "\(bad)")
        }
        #expect(canonical([0x22, 0xC3, 0x22]) == nil, "a UTF-8 sequence cut short")
        #expect(canonical([0x22, 0xED, 0xA0, 0x80, 0x22]) == nil, "a surrogate written in UTF-8")
        #expect(canonical([0x22, 0xC0, 0xAF, 0x22]) == nil, "an overlong form")
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
