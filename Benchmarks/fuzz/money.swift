// libFuzzer target for Money.parse and the money arithmetic (Sources/GoodwillCore), compiled
// together with the module's sources by Benchmarks/fuzz.sh.
//
// Properties: parse never crashes; an accepted amount is never negative, and its decimal
// string parses back to the same minor units (the round trip the CLI and API rely on);
// adding and subtracting report overflow instead of trapping.
import Foundation

private let currencies = Currency.allKnown

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMoney(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let currency = currencies[Int(data[0]) % currencies.count]
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    guard let money = try? Money.parse(text, currency: currency) else { return 0 }
    if money.isNegative { fatalError("parse accepted a negative amount: \(text.debugDescription) → \(money.minorUnits)") }
    let again: Money
    do { again = try Money.parse(money.decimalString, currency: currency) } catch {
        fatalError("decimalString \(money.decimalString.debugDescription) of \(text.debugDescription) does not parse: \(error)")
    }
    if again != money { fatalError("round trip changed \(money.minorUnits) to \(again.minorUnits)") }
    // Arithmetic at the edges must throw, not trap.
    _ = try? money.adding(money)
    _ = try? money.subtracting(Money(minorUnits: Int64.min + 1, currency: currency))
    _ = try? money.negated().subtracting(money)
    _ = money.description
    return 0
}
