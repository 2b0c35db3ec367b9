// libFuzzer target for PolicyLoader (Sources/PolicyEngine), compiled together with the
// module's sources by Benchmarks/fuzz.sh (GoodwillCore is built as its own module first).
//
// Properties: loading never crashes, whatever the bytes; a refusal carries a message; a
// policy that loads can be explained and evaluated on arbitrary facts without trapping.
import Foundation
import GoodwillCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicyLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    let policy: Policy
    do {
        policy = try PolicyLoader.load(data: bytes, fileName: "fuzz.json", hasher: { SHA256.hash(Array($0)).hexString })
    } catch {
        if "\(error)".isEmpty { fatalError("a refusal without a message") }
        return 0
    }
    fuzzEvaluate(policy, seed: bytes)
    return 0
}

/// Evaluates a loaded policy on facts derived from the input's digest: realistic ranges the
/// ledger can produce (days around expiry, balances up to 10^12 minor units, counts up to 1000).
private func fuzzEvaluate(_ policy: Policy, seed: Data) {
    var digest = SHA256.hash(Array(seed))
    var next = 0
    func draw(_ range: ClosedRange<Int>) -> Int {
        if next + 4 > digest.count { digest = SHA256.hash(digest); next = 0 }
        let raw = digest[next..<next + 4].reduce(0) { $0 << 8 | Int($1) }
        next += 4
        return range.lowerBound + raw % (range.upperBound - range.lowerBound + 1)
    }
    guard let base = LocalDate(year: 2026, month: 1, day: 1) else { return }
    for requester in Requester.allCases {
        let lastValidDay = base.adding(days: draw(-4000...4000))
        let original = Int64(draw(0...1_000_000)) * Int64(draw(1...1_000_000))
        let facts = PolicyFacts(
            lastValidDay: lastValidDay, asOf: lastValidDay.adding(days: draw(-3000...3000)),
            remainingBalance: Int64(draw(0...1_000_000)) % (original + 1), originalValue: original,
            currency: ["SEK", "EUR", "JPY", "KWD"][draw(0...3)],
            priorExtensionCount: draw(0...1000), priorExtensionDays: draw(0...100_000),
            holderTenureDays: draw(0...20_000), vouchersHeld: draw(0...1000), vouchersBought: draw(0...1000),
            hasOpenSupportCase: draw(0...1) == 1, voucherKind: ["experience", "gift", "credit", ""][draw(0...3)],
            tags: draw(0...1) == 1 ? ["vip"] : [], requester: requester,
            jurisdiction: [policy.jurisdiction, "SE", "US-CA", "GB"][draw(0...3)],
            goodwillThisMonthCount: draw(0...10_000), goodwillThisMonthValue: Int64(draw(0...1_000_000_000)))
        let decision = policy.evaluate(facts)
        if decision.explanation.isEmpty { fatalError("a decision without an explanation") }
    }
}
