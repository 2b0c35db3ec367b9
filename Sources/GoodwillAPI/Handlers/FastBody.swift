import Foundation
import GoodwillCore

/// The body of `POST /v1/vouchers/{id}/redemptions`. Kept in this file with `FastBody` so that
/// the fuzz target (Benchmarks/fuzz/redemption-body.swift) compiles both without the rest of the API.
struct RedemptionBody: Decodable {
    var amount: Money
    var reference: String?
}

/// The common redemption bodies, `{"amount":{"amount":100,"currency":"SEK"}}` and the till's
/// `{"amount":{…},"reference":"till-4 receipt 881"}` (whitespace between tokens allowed), read
/// straight from the bytes: JSONDecoder took a tenth of a redemption's CPU. Anything else — other
/// member order, another member, an unknown currency, a bad number, a string JSON does not allow
/// (or a lone surrogate, which JSONDecoder refuses) — returns nil and goes through the general path,
/// which puts the JSON gate in front and words every error. This fixed shape names each member once
/// and takes only integer amounts, so the gate would let through all it reads. A unit test and a
/// fuzz target hold the two paths to the same result.
enum FastBody {
    /// Longer bodies go the general way (a 200-character reference escaped as surrogate pairs is 2.4 KB).
    static let maxBytes = 4096

    static func redemption(_ body: Data) -> RedemptionBody? {
        guard body.count <= maxBytes else { return nil }
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
            guard token("}") else { return nil }
            var reference: String?
            if token(",") {
                guard token("\"reference\""), token(":") else { return nil }
                if !token("null") {
                    guard token("\""), let text = string(b, from: &i) else { return nil }
                    reference = text
                }
            }
            guard token("}") else { return nil }
            space()
            guard i == b.count, let currency = Currency(code: code) else { return nil }
            return RedemptionBody(amount: Money(minorUnits: amount, currency: currency), reference: reference)
        }
    }

    /// The JSON string whose opening quote is just before `i`, unescaped as JSONDecoder does;
    /// `i` ends past its closing quote. nil for anything JSONDecoder or the gate would refuse (a raw
    /// control character, a bad escape, a lone surrogate, bytes that are not UTF-8) and for no
    /// closing quote: the general path then says what is wrong.
    static func string(_ b: UnsafeBufferPointer<UInt8>, from i: inout Int) -> String? {
        let start = i
        // Most references are plain: no escape, so no copy before the one into the String.
        while i < b.count, b[i] != UInt8(ascii: "\""), b[i] != UInt8(ascii: "\\"), b[i] >= 0x20 { i += 1 }
        guard i < b.count else { return nil }
        if b[i] == UInt8(ascii: "\"") {
            let end = i
            i += 1
            return String(validating: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
        }
        var text = Array(b[start..<i])
        func hex(_ k: Int) -> UInt32? {
            guard k + 4 <= b.count else { return nil }
            var unit: UInt32 = 0
            for c in b[k..<k + 4] {
                switch c {
                case 0x30...0x39: unit = unit << 4 | UInt32(c - 0x30)
                case 0x41...0x46: unit = unit << 4 | UInt32(c - 0x41 + 10)
                case 0x61...0x66: unit = unit << 4 | UInt32(c - 0x61 + 10)
                default: return nil
                }
            }
            return unit
        }
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                // Raw bytes are checked here, once: an escape only ever adds whole UTF-8 sequences,
                // so a cut or stray raw byte cannot be completed by one.
                return String(validating: text, as: UTF8.self)
            }
            guard c >= 0x20 else { return nil }
            guard c == UInt8(ascii: "\\") else { text.append(c); i += 1; continue }
            guard i + 1 < b.count else { return nil }
            let e = b[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(e)
            case UInt8(ascii: "b"): text.append(0x08)
            case UInt8(ascii: "f"): text.append(0x0C)
            case UInt8(ascii: "n"): text.append(0x0A)
            case UInt8(ascii: "r"): text.append(0x0D)
            case UInt8(ascii: "t"): text.append(0x09)
            case UInt8(ascii: "u"):
                guard var value = hex(i) else { return nil }
                i += 4
                if (0xDC00...0xDFFF).contains(value) { return nil }
                if (0xD800...0xDBFF).contains(value) {
                    guard i + 2 <= b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u"),
                          let low = hex(i + 2), (0xDC00...0xDFFF).contains(low) else { return nil }
                    i += 6
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(value) else { return nil }
                UTF8.encode(scalar) { text.append($0) }
            default:
                return nil
            }
        }
        return nil
    }
}
