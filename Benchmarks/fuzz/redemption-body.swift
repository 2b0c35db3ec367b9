// libFuzzer target for FastBody.redemption (Sources/GoodwillAPI/Handlers/FastBody.swift), the
// byte-level reader of the common redemption body on the API's hottest write path, compiled
// with that file and GoodwillCore by Benchmarks/fuzz.sh.
//
// Properties: it never crashes on any bytes; whenever it answers, JSONDecoder decodes the same
// bytes to the same body (same amount and currency, no reference) — it may only leave a body to
// the decoder, never read one differently.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRedemptionBody(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    guard let fast = FastBody.redemption(body) else { return 0 }
    let decoded: RedemptionBody
    do { decoded = try JSONDecoder().decode(RedemptionBody.self, from: body) } catch {
        fatalError("FastBody read \(String(decoding: body, as: UTF8.self).debugDescription) as \(fast.amount) but JSONDecoder refuses it: \(error)")
    }
    if decoded.amount != fast.amount || decoded.reference != nil || fast.reference != nil {
        fatalError("FastBody and JSONDecoder disagree on \(String(decoding: body, as: UTF8.self).debugDescription): \(fast.amount) vs \(decoded.amount)")
    }
    return 0
}
