import Foundation
import GoodwillCore
import Ledger
import Testing
@testable import GoodwillAPI

/// The hand-written JSON of the hot paths must say exactly what JSONEncoder says.
@Suite struct FastJSONTests {
    func parsed(_ data: Data) throws -> NSDictionary { try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary) }

    @Test func vouchersAndReceipts_matchJSONEncoder() async throws {
        let h = try APIHarness()
        let plain = try await h.issue(holder: nil)
        let full = await h.post("/v1/vouchers", #"{"value": {"amount": 123456, "currency": "EUR"}, "validity": {"none": true}, "holder": {"email": "ab@example.com", "name": "Åsa \\ \"Q\"\n /slash", "locale": "sv", "time_zone": "Europe/Helsinki"}, "purchaser": {"email": "p@example.com"}, "kind": "experience", "experience": "Spa – 2 pers", "message": "Grattis 🎉"}"#)
        #expect(full.status == 201, "\(full.text)")
        #expect(full.string("holder", "name") == "Åsa \\ \"Q\"\n /slash")
        let ledger = try h.ledger()
        for id in [plain.string("id"), full.string("id")].compactMap({ $0 }) {
            let view = try ledger.voucherView(VoucherReference(id))
            #expect(try parsed(FastJSON.response(view).body) == parsed(JSON.response(view).body))
            let receipt = try ledger.perform(.redeem(.id(VoucherID(rawValue: id)), amount: Money(minorUnits: 100, currency: view.value.currency), reference: "ref \"7\""),
                                             actor: "t", idempotencyKey: "k-\(id)")
            #expect(try parsed(FastJSON.response(receipt).body) == parsed(JSON.response(receipt).body))
            var replay = try ledger.perform(.redeem(.id(VoucherID(rawValue: id)), amount: Money(minorUnits: 100, currency: view.value.currency), reference: "ref \"7\""),
                                            actor: "t", idempotencyKey: "k-\(id)")
            #expect(replay.replayed)
            #expect(try parsed(FastJSON.response(replay).body) == parsed(JSON.response(replay).body))
            replay.entry = nil
            #expect(try parsed(FastJSON.response(replay).body) == parsed(JSON.response(replay).body))
        }
    }
}

@Suite struct JSONWriterTests {
    /// Every string, short (stored inline) or long, with or without characters to escape, reads
    /// back as itself, and integers are written as `String(n)` writes them.
    @Test func stringsAndIntegers_readBackAsWritten() throws {
        let long = String(repeating: "voucher-", count: 8)
        let samples = ["", "a", "VCH-7Q2M", "2027-04-16T21:59:59Z", long, "\"", "\\", "a\"b", "tab\tnew\nline\r",
                       "\u{01}\u{1F}\u{7F}", "Åsa 🎉 – /slash", long + "\"" + long, "\u{08}\u{0C}", long + "\n"]
        for sample in samples {
            var w = JSONWriter()
            w.raw("[")
            w.string(sample)
            w.raw(",")
            w.int(Int64(sample.utf8.count) - 3)
            w.raw("]")
            let array = try #require(try JSONSerialization.jsonObject(with: Data(w.bytes)) as? [Any], "\(String(decoding: w.bytes, as: UTF8.self))")
            #expect(array.first as? String == sample)
            #expect((array.last as? NSNumber)?.int64Value == Int64(sample.utf8.count) - 3)
        }
        for n: Int64 in [0, 7, -1, 1_000_000, .max, .min + 1] {
            var w = JSONWriter()
            w.int(n)
            #expect(String(decoding: w.bytes, as: UTF8.self) == String(n))
        }
    }
}

@Suite struct JSONSpanTests {
    @Test func findsTheExactBytesOfAMember() {
        let body = Data(#" { "file" : "x\"}", "policy" : {"a": [1, {"b": "}\\"}], "c": null} , "rows": 3 }"#.utf8)
        #expect(JSONSpan.member("policy", in: body).map { String(decoding: $0, as: UTF8.self) } == #"{"a": [1, {"b": "}\\"}], "c": null}"#)
        #expect(JSONSpan.member("rows", in: body).map { String(decoding: $0, as: UTF8.self) } == "3")
        #expect(JSONSpan.member("missing", in: body) == nil)
    }
}
