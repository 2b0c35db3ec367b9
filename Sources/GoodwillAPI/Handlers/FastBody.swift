import Foundation
import GoodwillCore

/// The body of `POST /v1/vouchers/{id}/redemptions`. Kept in this file with `FastBody` so that
/// the fuzz target (Benchmarks/fuzz/redemption-body.swift) compiles both without the rest of the API.
struct RedemptionBody: Decodable {
    var amount: Money
    var reference: String?
}

/// The common redemption body, `{"amount":{"amount":100,"currency":"SEK"}}` (whitespace between
/// tokens allowed), read straight from the bytes: JSONDecoder took a tenth of a redemption's CPU.
/// Anything else — a reference, other member order, an unknown currency, a bad number — returns
/// nil and goes through the full decoder, which also words every error (and refuses a name given
/// twice, which this fixed shape cannot have, so it needs no check of its own). A unit test and a fuzz
/// target hold the two to the same result.
enum FastBody {
    static func redemption(_ body: Data) -> RedemptionBody? {
        guard body.count <= 256 else { return nil }
        return body.withUnsafeBytes { raw -> RedemptionBody? in
            let b = raw.bindMemory(to: UInt8.self)
            var i = 0
            func space() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
            func token(_ t: StaticString) -> Bool {
                space()
                let n = t.utf8CodeUnitCount
                guard i + n <= b.count else { return false }
                for k in 0..<n where b[i + k] != t.utf8Start[k] { return false }
                i += n
                return true
            }
            guard token("{"), token("\"amount\""), token(":"), token("{"), token("\"amount\""), token(":") else { return nil }
            space()
            // A JSON integer without sign, fraction or exponent, no leading zero, fitting Int64.
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            let digits = i - start
            guard digits >= 1, digits <= 18, digits == 1 || b[start] != 48 else { return nil }
            var amount: Int64 = 0
            for k in start..<i { amount = amount * 10 + Int64(b[k] - 48) }
            guard token(","), token("\"currency\""), token(":"), token("\"") else { return nil }
            guard i + 4 <= b.count, b[i + 3] == UInt8(ascii: "\"") else { return nil }
            for k in i..<i + 3 where !(b[k] >= 65 && b[k] <= 90) { return nil }
            let code = String(decoding: UnsafeBufferPointer(rebasing: b[i..<i + 3]), as: UTF8.self)
            i += 4
            guard token("}"), token("}") else { return nil }
            space()
            guard i == b.count, let currency = Currency(code: code) else { return nil }
            return RedemptionBody(amount: Money(minorUnits: amount, currency: currency), reference: nil)
        }
    }
}
