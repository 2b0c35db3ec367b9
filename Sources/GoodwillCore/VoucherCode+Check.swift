// The check symbol: a Damm check (H. M. Damm, 2004) over the 32 Crockford symbols, so it stays in
// the alphabet. Damm's scheme needs a totally anti-symmetric quasigroup; we use x∘y = 2·x ⊕ y in
// GF(2^5) with the irreducible polynomial x^5 + x^2 + 1.
//   - quasigroup: for fixed x, y ↦ 2x ⊕ y is a bijection; for fixed y, x ↦ 2x ⊕ y is one because 2 ≠ 0,
//     so every single substituted symbol changes the result;
//   - total anti-symmetry: (c∘x)∘y = 4c ⊕ 2x ⊕ y equals (c∘y)∘x only if 3·(x ⊕ y) = 0, i.e. x = y,
//     because 2 ≠ 1; so every swap of two different neighbours changes the result.
// The tests check both properties exhaustively over the table.
extension VoucherCode {
    /// Multiplication by 2 (the polynomial x) in GF(2^5) modulo x^5 + x^2 + 1.
    static func gfDouble(_ x: UInt8) -> UInt8 {
        let shifted = x << 1
        return shifted & 0x20 != 0 ? shifted ^ 0x25 : shifted
    }

    /// The 32 × 32 operation table, row-major: `dammTable[32 * x + y] == x∘y`.
    static let dammTable: [UInt8] = (0..<32).flatMap { x in
        (0..<32).map { y in gfDouble(UInt8(x)) ^ UInt8(y) }
    }

    static func damm(_ x: UInt8, _ y: UInt8) -> UInt8 {
        dammTable[32 * Int(x) + Int(y)]
    }

    /// The interim value after feeding `symbols` (alphabet indices) through the quasigroup from 0.
    static func dammInterim(_ symbols: [UInt8]) -> UInt8 {
        var interim: UInt8 = 0
        for symbol in symbols { interim = damm(interim, symbol) }
        return interim
    }

    /// The symbol c with interim∘c = 0, which makes the whole code verify.
    static func checkSymbol(for symbols: [UInt8]) -> UInt8 {
        let interim = dammInterim(symbols)
        // Unique because each row of a quasigroup is a permutation; with this operation c = 2·interim.
        return gfDouble(interim)
    }

    /// True when `symbols`, check symbol included, run through the quasigroup to 0.
    static func checkVerifies(_ symbols: [UInt8]) -> Bool {
        dammInterim(symbols) == 0
    }
}
