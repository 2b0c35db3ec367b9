// libFuzzer target for VoucherCode.parse / normalize (Sources/GoodwillCore), compiled together
// with the module's sources by Benchmarks/fuzz.sh.
//
// Properties: parse never crashes; an accepted code's canonical form is 17 symbols of the
// alphabet, its display and canonical forms parse back to the same code, normalize(input)
// equals the canonical form (documented on `normalize`), and redaction never shows the
// full code.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVoucherCode(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let normalized = VoucherCode.normalize(text)
    guard let code = try? VoucherCode.parse(text) else { return 0 }
    let canonical = code.canonical
    if canonical.utf8.count != VoucherCode.length || !canonical.utf8.allSatisfy({ VoucherCode.alphabet.contains($0) }) {
        fatalError("accepted \(text.debugDescription) with a malformed canonical form \(canonical.debugDescription)")
    }
    if normalized != canonical {
        fatalError("normalize(\(text.debugDescription)) = \(normalized.debugDescription) but canonical = \(canonical)")
    }
    for form in [code.display, canonical, code.display.lowercased()] {
        guard let again = try? VoucherCode.parse(form), again == code else {
            fatalError("\(form.debugDescription) does not parse back to \(canonical)")
        }
    }
    if code.redacted.contains(canonical) || code.redacted.contains(code.display) {
        fatalError("redacted form \(code.redacted) shows the whole code")
    }
    return 0
}
