import Foundation
import GoodwillCore
import Testing
@testable import GoodwillAPI

/// The byte-level reader of redemption bodies must agree with JSONDecoder wherever it answers.
@Suite struct FastBodyTests {
    func decoded(_ body: Data) -> RedemptionBody? { try? JSONDecoder().decode(RedemptionBody.self, from: body) }
    func decoded(_ text: String) -> RedemptionBody? { decoded(Data(text.utf8)) }

    /// The same text, scalar for scalar: `==` on String compares canonical equivalence, which
    /// would take a composed "å" for a decomposed one.
    func scalars(_ s: String?) -> [UInt32]? { s.map { $0.unicodeScalars.map(\.value) } }

    @Test func readsTheCommonShapes_likeJSONDecoder() throws {
        for text in [#"{"amount":{"amount":100,"currency":"SEK"}}"#, #" { "amount" : { "amount" : 0 , "currency" : "EUR" } } "#,
                     "{\n\t\"amount\": {\"amount\": 999999999999999999, \"currency\": \"JPY\"}\r\n}"] {
            let fast = try #require(FastBody.redemption(Data(text.utf8)), "\(text)")
            let slow = try #require(decoded(text))
            #expect(fast.amount == slow.amount)
            #expect(fast.reference == nil && slow.reference == nil)
        }
    }

    /// References as JSON writes them (the usual till body first): every escape, non-ASCII text
    /// raw and escaped, surrogate pairs, null, empty, blank, and longer than the ledger keeps.
    static let references: [String] = [
        #""till-4 receipt 881""#, #""""#, #""   ""#, "null", #""kvitto \"881\" \\ kassa\/4""#, #""\b\f\n\r\t""#,
        #""\u00c5re \u00C5RE \u0041""#, "\"Åre – kassa 4 🎁 e\u{301}\"", #""\ud83c\udf81 \uD83C\uDF81""#, #""a\u0000b\u001f""#,
        #""\uffff\ufffe\u2028 \u007f""#, "\"a\u{7f}b\"", "\"\(String(repeating: "x", count: 200))\"", "\"\(String(repeating: "å", count: 201))\"",
        "\"\(String(repeating: #"\ud83d\ude00"#, count: 201))\"",
    ]

    static func body(_ reference: String, spaced: Bool = false) -> String {
        spaced ? "{ \"amount\" : {\"amount\": 100, \"currency\": \"SEK\"} ,\n \"reference\" : \(reference) \n}"
            : #"{"amount":{"amount":100,"currency":"SEK"},"reference":"# + reference + "}"
    }

    @Test(arguments: references) func readsAReference_likeJSONDecoder(_ reference: String) throws {
        for text in [Self.body(reference), Self.body(reference, spaced: true)] {
            let body = Data(text.utf8)
            let fast = try #require(FastBody.redemption(body), "\(text)")
            let slow = try #require(decoded(body), "\(text)")
            #expect(fast.amount == slow.amount)
            #expect(scalars(fast.reference) == scalars(slow.reference), "\(text)")
            // The gate the general path puts in front would have let it through too.
            #expect(JSONKeys.inspect(body) == nil, "\(text)")
        }
    }

    /// Through the route: a body the fast path reads and the same body in another member order
    /// (left to the general path) get the same answer and store the same entry, accepted or refused.
    @Test func theAnswerAndTheStoredEntry_areTheSame_whicheverPathReadTheBody() async throws {
        let h = try APIHarness()
        /// The JSON of `value` without what differs between two vouchers (IDs, the chain's hash).
        func comparable(_ value: Any?) throws -> String {
            guard var object = value as? [String: Any] else { return "\(value ?? "none")" }
            for key in ["id", "voucher_id", "hash"] { object[key] = nil }
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        func lastEntry(_ id: String) async -> Any? { (await h.get("/v1/vouchers/\(id)/entries").json["entries"] as? [Any])?.last }
        for reference in Self.references + [#""till\u0007 4""#] {
            let fastBody = Self.body(reference)
            let slowBody = #"{"reference": "# + reference + #", "amount": {"currency": "SEK", "amount": 100}}"#
            #expect(FastBody.redemption(Data(fastBody.utf8)) != nil, "\(fastBody)")
            #expect(FastBody.redemption(Data(slowBody.utf8)) == nil, "\(slowBody)")
            let fastID = try #require(try await h.issue().string("id")), slowID = try #require(try await h.issue().string("id"))
            let fast = await h.post("/v1/vouchers/\(fastID)/redemptions", fastBody)
            let slow = await h.post("/v1/vouchers/\(slowID)/redemptions", slowBody)
            #expect(fast.status == slow.status && fast.code == slow.code, "\(reference): \(fast.text) / \(slow.text)")
            #expect(try comparable(fast.json["entry"]) == comparable(slow.json["entry"]), "\(reference)")
            #expect((fast.json["detail"] as? String)?.unicodeScalars.map(\.value) == (slow.json["detail"] as? String)?.unicodeScalars.map(\.value),
                    "\(reference)")
            #expect(try comparable(await lastEntry(fastID)) == comparable(await lastEntry(slowID)), "\(reference)")
        }
    }

    @Test func leavesEverythingElseToTheDecoder() {
        let strings = [#"{"amount":{"amount":-100,"currency":"SEK"}}"#, #"{"amount":{"amount":0100,"currency":"SEK"}}"#,
                     #"{"amount":{"amount":1.5,"currency":"SEK"}}"#, #"{"amount":{"amount":1e3,"currency":"SEK"}}"#,
                     #"{"amount":{"amount":9999999999999999999,"currency":"SEK"}}"#, #"{"amount":{"amount":100,"currency":"sek"}}"#,
                     #"{"amount":{"amount":100,"currency":"QQQ"}}"#, #"{"amount":{"currency":"SEK","amount":100}}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"}}x"#,
                     #"{"amount":{"amount":100,"currency":"SEK"}"#, #"{"amount":{"amount":"100","currency":"SEK"}}"#, "", "{}",
                     // References the general path reads, or refuses, in words of its own.
                     #"{"reference":"till 4","amount":{"amount":100,"currency":"SEK"}}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"reference":"a","reference":"b"}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"reference":"a","\u0072eference":"b"}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"\u0072eference":"a"}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"reference":"a",}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"reference":"a","note":"b"}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"reference":7}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"reference":["a"]}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"reference":nul}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"reference":"a"}}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"reference":"a"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"reference":"a\"}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"reference":"a\x"}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"reference":"a\u00g1"}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"reference":"a\u00e"}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"reference":"\ud83c"}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"reference":"\udf81"}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"reference":"\ud83c\u0041"}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"reference":"\ud83c\ud83c"}"#,
                     "{\"amount\":{\"amount\":100,\"currency\":\"SEK\"},\"reference\":\"tab\there\"}",
                     "{\"amount\":{\"amount\":100,\"currency\":\"SEK\"},\"reference\":\"line\nbreak\"}"]
        let prefix = Array(#"{"amount":{"amount":100,"currency":"SEK"},"reference":""#.utf8)
        // Not UTF-8: a lone continuation byte, a cut sequence, an overlong slash, an encoded surrogate, past U+10FFFF.
        let bytes: [[UInt8]] = [[0x80], [0xC3], [0xE2, 0x82], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF]]
        let bodies = strings.map { Data($0.utf8) } + bytes.map { Data(prefix + $0 + Array(#""}"#.utf8)) }
        for body in bodies {
            #expect(FastBody.redemption(body) == nil, "\(String(decoding: body, as: UTF8.self))")
        }
    }
}
