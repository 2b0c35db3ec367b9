import Foundation
import Testing
@testable import GoodwillAPI

/// A name given twice in one object is refused on every route that takes a body: JSONDecoder
/// would keep the first, most other parsers (a gateway's, a validator's) the last.
@Suite struct RepeatedFieldTests {
    @Test func aFieldGivenTwice_isRefusedByItsPath_onEveryRouteAndNothingChanges() async throws {
        let h = try APIHarness()
        let voucher = try await h.issue()
        let id = try #require(voucher.string("id")), holder = try #require(voucher.string("holder", "id"))
        let before = await h.stored()
        let profile = await h.get("/v1/holders/\(holder)").text
        let money = #"{"amount": 700, "currency": "SEK"}"#
        for (path, body, field) in [
            ("/v1/vouchers/\(id)/redemptions", #"{"amount":{"amount":7,"currency":"SEK"},"amount":{"amount":999999999,"currency":"SEK"}}"#, "amount"),
            ("/v1/vouchers/\(id)/redemptions", #"{"amount":{"amount":7,"currency":"SEK","amount":999999}}"#, "amount.amount"),
            ("/v1/vouchers/\(id)/redemptions", #"{"amount":\#(money),"reference":"a","\u0072eference":"b"}"#, "reference"),
            ("/v1/vouchers", #"{"value":\#(money),"value":{"amount":999999,"currency":"SEK"}}"#, "value"),
            ("/v1/vouchers", #"{"value":{"amount":700,"currency":"SEK","currency":"EUR"}}"#, "value.currency"),
            ("/v1/vouchers", #"{"value":\#(money),"holder":{"email":"a@example.com","email":"b@example.com"}}"#, "holder.email"),
            ("/v1/vouchers/\(id)/adjustments", #"{"amount":\#(money),"reason":"x","amount":{"amount":-700,"currency":"SEK"}}"#, "amount"),
            ("/v1/vouchers/\(id)/refunds", #"{"reason":"a","reason":"b"}"#, "reason"),
            ("/v1/vouchers/\(id)/extensions", #"{"days":30,"reason":"late","days":3650}"#, "days"),
            ("/v1/vouchers/\(id)/void", #"{"reason":"a","reason":"b"}"#, "reason"),
            ("/v1/holders/\(holder)/notes", #"{"text":"a","text":"b"}"#, "text"),
            ("/v1/policies/validate", #"{"policy":{},"policy":{"id":"x"}}"#, "policy"),
        ] {
            if path.hasSuffix("redemptions") { #expect(FastBody.redemption(Data(body.utf8)) == nil, "\(body)") }
            let answer = await h.post(path, body)
            #expect(answer.status == 422 && answer.code == "invalid-request", "\(path) \(body): \(answer.text)")
            #expect(answer.json["detail"] as? String == "'\(field)' appears twice; send each field once.", "\(path) \(body)")
        }
        #expect(await h.stored() == before)
        #expect(await h.get("/v1/holders/\(holder)").text == profile)
    }

    @Test func namesAreComparedAsTheDecoderReadsThem() {
        func repeated(_ json: String) -> [String]? {
            if case .repeated(let path)? = JSONKeys.inspect(Data(json.utf8)) { return path }
            return nil
        }
        #expect(repeated(#"{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}"#) == nil)
        #expect(repeated(#"{"c":[{"a":1},{"b":1,"b":2}]}"#) == ["c", "[1]", "b"])
        #expect(repeated(#"{"\u0061":1,"a":2}"#) == ["a"])
        #expect(repeated(#"{"é":1,"e\u0301":2}"#) == ["é"])
        #expect(repeated(#"{"a\"b":1,"a\"b":2}"#) == ["a\"b"])
        // Many names: the set, not pairs, finds the one repeated.
        let many = (0..<500).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(repeated("{\(many)}") == nil)
        #expect(repeated("{\(many),\"k250\":0}") == ["k250"])
        // Not JSON to its end: the decoder says so, not this.
        #expect(repeated(#"{"a":1,"a":2"#) == nil)
        #expect(repeated(#"{"a":1,"a":2}}"#) == nil)
    }

    /// The gate is stricter than JSONDecoder, which takes a trailing comma, a byte-order mark and
    /// UTF-16: each of those let a repeated name or a decimal amount past the checks, read one way
    /// here and another by a parser in front. Now 400 malformed-json before anything is decoded.
    @Test func bodiesTheDecoderWouldForgive_areMalformed_beforeAnyCheckOrChange() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue().string("id"))
        let before = await h.stored()
        let redemption = "/v1/vouchers/\(id)/redemptions"
        let trailing = #"{"amount":{"amount":1,"currency":"SEK","amount":99999,}}"#
        let bodies: [(String, Data)] = [
            (redemption, Data(trailing.utf8)),
            (redemption, Data(#"{"amount":{"amount":1,"currency":"SEK"},"reference":"a",}"#.utf8)),
            ("/v1/vouchers", Data(#"{"value":{"amount":100,"currency":"SEK"},"holder":{"email":"a@example.com"},}"#.utf8)),
            (redemption, Data([0xEF, 0xBB, 0xBF] + Array(#"{"amount":{"amount":1,"currency":"SEK"}}"#.utf8))),
            (redemption, #"{"amount":{"amount":1,"currency":"SEK"}}"#.data(using: .utf16LittleEndian)!),
            (redemption, Data(#"{"amount":{"amount":NaN,"currency":"SEK","amount":1}}"#.utf8)),
            ("/v1/policies/validate", Data(#"{"policy":{"id":"a"},"policy":{"id":"b"},}"#.utf8)),
            (redemption, Data((String(repeating: "[", count: 600) + String(repeating: "]", count: 600)).utf8)),
        ]
        for (path, body) in bodies {
            let answer = await h.send(.post, path, key: h.admin, json: "", idempotencyKey: UUID().uuidString, rawBody: body)
            #expect(answer.status == 400 && answer.code == "malformed-json", "\(path) \(Array(body.prefix(12))): \(answer.text)")
        }
        #expect(await h.stored() == before)
    }

    /// An escaped spelling of `amount`, or a decimal the decoder would round to an integer, is an
    /// amount written as a decimal all the same: refused, nothing booked.
    @Test func anAmountWrittenAsADecimal_isFound_howeverItsNameIsSpelled() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue().string("id"))
        for body in [#"{"amount":{"\u0061mount":500.00,"currency":"SEK"}}"#,
                     #"{"amount":{"amount":99.99999999999999999,"currency":"SEK"}}"#,
                     #"{"amount":{"currency":"SEK","amount":0.99999999999999999999}}"#] {
            let answer = await h.post("/v1/vouchers/\(id)/redemptions", body)
            #expect(answer.status == 422 && answer.code == "invalid-amount", "\(body): \(answer.text)")
        }
        #expect(await h.get("/v1/vouchers/\(id)").int("balance", "amount") == 50000)
    }

    /// What the fuzz target (json-gate) found the gate taking and JSONSerialization refusing: bad
    /// UTF-8 inside a string, a lone surrogate escape, a number beyond a double. All malformed now.
    @Test func whatFoundationRefuses_theGateRefusesToo() {
        func isMalformed(_ bytes: [UInt8]) -> Bool {
            if case .malformed? = JSONKeys.inspect(Data(bytes)) { return true }
            return false
        }
        #expect(isMalformed(Array(#"{"currency":"S"#.utf8) + [0xFF] + Array(#"K"}"#.utf8)))
        #expect(isMalformed(Array(#"["\ude00"]"#.utf8)) && isMalformed(Array(#"["\ud83d"]"#.utf8)))
        #expect(!isMalformed(Array(#"["\ud83d\ude00", "é"]"#.utf8)))
        #expect(isMalformed(Array("[1e400]".utf8)) && !isMalformed(Array("[1e300, -0, 0.5E-3]".utf8)))
        #expect(isMalformed(Array("[01]".utf8)) && isMalformed(Array("[1.]".utf8)) && isMalformed(Array("[tru]".utf8)))
        // Said where it is, before a name given twice or a comma out of place after it.
        #expect(JSONKeys.inspect(Data(#"{"a":1e400,"a":1,}"#.utf8)) == .malformed("a number is beyond what can be read at byte 10"))
        #expect(JSONKeys.inspect(Data(#"{"a":1,"a":2,"b":1e400}"#.utf8)) == .malformed("a number is beyond what can be read at byte 22"))
    }

    /// Every name of a large object goes into one set: the pass stays linear (80,000 names took
    /// 22 s when each insert copied the set). What a benchmark would time, this only holds to the
    /// right answer.
    @Test func aLargeObject_isScannedWhole() {
        let many = (0..<80_000).map { "\"k\($0)\":0" }.joined(separator: ",")
        #expect(JSONKeys.inspect(Data("{\(many)}".utf8)) == nil)
        #expect(JSONKeys.inspect(Data("{\(many),\"k79999\":1}".utf8)) == .repeated(["k79999"]))
        let escaped = (0..<2_000).map { "\"\\n\($0)\":0" }.joined(separator: ",")
        #expect(JSONKeys.inspect(Data("{\(escaped)}".utf8)) == nil)
    }
}
