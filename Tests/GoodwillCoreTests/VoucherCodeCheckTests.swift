import Testing
@testable import GoodwillCore

/// The Damm check: the table's algebra proved exhaustively, then the promise it buys (every single
/// substitution and every adjacent swap is caught) tested exhaustively on many codes.
@Suite("VoucherCode check symbol")
struct VoucherCodeCheckTests {
    @Test func everyRowAndColumnOfTheTable_isAPermutation() {
        for x in UInt8(0)..<32 {
            #expect(Set((0..<32).map { VoucherCode.damm(x, $0) }).count == 32, "row \(x)")
            #expect(Set((0..<32).map { VoucherCode.damm($0, x) }).count == 32, "column \(x)")
        }
        #expect(VoucherCode.dammTable.allSatisfy { $0 < 32 })
    }

    @Test func tableIsTotallyAntiSymmetric_overAllPairs() {
        // (c∘x)∘y = (c∘y)∘x implies x = y, for every c, x, y: this is what catches adjacent swaps.
        var violations = 0
        for c in UInt8(0)..<32 {
            for x in UInt8(0)..<32 {
                for y in UInt8(0)..<32 where x != y {
                    if VoucherCode.damm(VoucherCode.damm(c, x), y) == VoucherCode.damm(VoucherCode.damm(c, y), x) {
                        violations += 1
                    }
                }
            }
        }
        #expect(violations == 0)
        // The weak form, x∘y = y∘x implies x = y, covers a swap at the very start (c = 0).
        var weakViolations = 0
        for x in UInt8(0)..<32 {
            for y in UInt8(0)..<32 where x != y && VoucherCode.damm(x, y) == VoucherCode.damm(y, x) {
                weakViolations += 1
            }
        }
        #expect(weakViolations == 0)
    }

    @Test func generatedCodes_verify() {
        var random = VoucherTestRandom(seed: 1)
        for _ in 0..<500 {
            #expect(VoucherCode.checkVerifies(symbols(of: .generate(using: &random))))
        }
    }

    @Test func everySingleSymbolSubstitution_isDetected() {
        var random = VoucherTestRandom(seed: 2)
        var undetected = 0
        var tried = 0
        for _ in 0..<300 {
            let original = symbols(of: .generate(using: &random))
            for position in original.indices {
                for replacement in UInt8(0)..<32 where replacement != original[position] {
                    var typo = original
                    typo[position] = replacement
                    tried += 1
                    if VoucherCode.checkVerifies(typo) { undetected += 1 }
                }
            }
        }
        #expect(tried == 300 * 17 * 31)
        #expect(undetected == 0)
    }

    @Test func everyAdjacentTranspositionOfDistinctSymbols_isDetected() {
        var random = VoucherTestRandom(seed: 3)
        var undetected = 0
        var tried = 0
        for _ in 0..<3_000 {
            let original = symbols(of: .generate(using: &random))
            // Includes swapping the last random symbol with the check symbol.
            for position in 0..<(original.count - 1) where original[position] != original[position + 1] {
                var swapped = original
                swapped.swapAt(position, position + 1)
                tried += 1
                if VoucherCode.checkVerifies(swapped) { undetected += 1 }
            }
        }
        #expect(tried > 3_000 * 15)
        #expect(undetected == 0)
    }

    @Test func singleSubstitutionsThroughParse_failTheCheckAndNameNoPosition() throws {
        let code = VoucherCode.generate()
        let characters = Array(code.canonical)
        for position in characters.indices {
            var typo = characters
            typo[position] = characters[position] == "7" ? "8" : "7"
            #expect(throws: VoucherCodeError.checkFailed) { try VoucherCode.parse(String(typo)) }
        }
        // The only thing a failed check says; no position, no symbol.
        #expect(VoucherCodeError.checkFailed.description
            == "The code has a typo: its check character does not match. Ask the holder to read it again.")
    }

    @Test func checkSymbol_isWhatMakesTheCodeVerify() {
        var random = VoucherTestRandom(seed: 4)
        for _ in 0..<200 {
            let body = (0..<16).map { _ in UInt8.random(in: 0..<32, using: &random) }
            let check = VoucherCode.checkSymbol(for: body)
            let verifying = (UInt8(0)..<32).filter { VoucherCode.checkVerifies(body + [$0]) }
            #expect(verifying == [check])
        }
    }

    private func symbols(of code: VoucherCode) -> [UInt8] {
        code.canonical.compactMap { VoucherCode.symbolValue($0) }
    }
}

/// SplitMix64: a small deterministic generator so these tests see the same codes on every run.
struct VoucherTestRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
