// libFuzzer target for JSONKeys.inspect (Sources/GoodwillAPI/Handlers/JSONKeys.swift), the strict
// gate every JSON request body passes before a decoder reads it, compiled alone by
// Benchmarks/fuzz.sh.
//
// Properties: it never crashes on any bytes (nesting is capped, no recursion); whatever it lets
// through as JSON (no finding, a repeated name or a decimal amount) JSONSerialization parses too:
// the gate may be stricter than Foundation, never more lenient. (Where a repeated name lies in the
// parsed object is not checked: with repeats along the path, the parser kept another branch.)
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONGate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    let finding = JSONKeys.inspect(body)
    if case .malformed? = finding { return 0 }
    do { _ = try JSONSerialization.jsonObject(with: body, options: .fragmentsAllowed) } catch {
        fatalError("the gate let through what JSONSerialization refuses: \(String(decoding: body, as: UTF8.self).debugDescription) (\(String(describing: finding)))")
    }
    return 0
}
