// libFuzzer target for FastBody.redemption (Sources/GoodwillAPI/Handlers/FastBody.swift), the
// byte-level reader of the common redemption bodies on the API's hottest write path, compiled
// with that file, JSONKeys.swift and GoodwillCore by Benchmarks/fuzz.sh.
//
// Properties: it never crashes on any bytes; whenever it answers, the JSON gate (JSONKeys) lets
// the same bytes through and JSONDecoder decodes them to the same body (same amount and currency,
// the same reference scalar for scalar) — it may only leave a body to the general path, never read
// one differently or take one the gate refuses.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRedemptionBody(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    guard let fast = FastBody.redemption(body) else { return 0 }
    let text = String(decoding: body, as: UTF8.self).debugDescription
    if let finding = JSONKeys.inspect(body) {
        fatalError("FastBody read \(text) as \(fast.amount) but the JSON gate refuses it: \(finding)")
    }
    let decoded: RedemptionBody
    do { decoded = try JSONDecoder().decode(RedemptionBody.self, from: body) } catch {
        fatalError("FastBody read \(text) as \(fast.amount) but JSONDecoder refuses it: \(error)")
    }
    // Scalar for scalar: String's == would take a composed letter for a decomposed one.
    let scalars = { (s: String?) in s.map { $0.unicodeScalars.map(\.value) } }
    if decoded.amount != fast.amount || scalars(decoded.reference) != scalars(fast.reference) {
        fatalError("FastBody and JSONDecoder disagree on \(text): \(fast.amount) \(fast.reference.debugDescription) vs \(decoded.amount) \(decoded.reference.debugDescription)")
    }
    return 0
}
