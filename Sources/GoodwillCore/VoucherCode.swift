/// A voucher code: 16 random Crockford base32 symbols (80 bits) and one Damm check symbol.
///
/// The check symbol only catches typos (every single wrong symbol and every swap of two neighbours);
/// all the secrecy is in the 80 random bits. Shown to people as `XXXX-XXXX-XXXX-XXXX-C`.
public struct VoucherCode: Hashable, Sendable, CustomStringConvertible {
    /// Random symbols in a code; 16 × 5 bits = 80 bits of entropy.
    public static let randomSymbolCount = 16
    /// Symbols in a canonical code: the random ones plus the check symbol.
    public static let length = randomSymbolCount + 1

    /// 17 uppercase symbols of the Crockford alphabet, no dashes: the form to store and compare.
    public let canonical: String

    /// `symbols` are alphabet indices whose Damm check already verifies.
    private init(verifiedSymbols symbols: [UInt8]) {
        canonical = String(decoding: symbols.map { VoucherCode.alphabet[Int($0)] }, as: UTF8.self)
    }

    /// "7K2M-9QXD-4HWB-P0TZ-R": four groups of four, then the check symbol on its own.
    public var display: String {
        var groups: [Substring] = []
        var rest = Substring(canonical)
        while rest.count > 1 {
            groups.append(rest.prefix(4))
            rest = rest.dropFirst(4)
        }
        groups.append(rest)
        return groups.joined(separator: "-")
    }

    /// For logs: only the last four random symbols stay visible, e.g. "****-****-****-P0TZ-*".
    /// The check symbol is masked too; it is a function of the hidden ones. 20 of 80 bits are shown,
    /// enough for a support agent to match a log line to a code the holder reads out, too few to use it.
    public var redacted: String {
        let lastGroup = canonical.dropFirst(VoucherCode.randomSymbolCount - 4).prefix(4)
        return "****-****-****-\(lastGroup)-*"
    }

    public var description: String { display }

    /// A new code from the system's cryptographically secure generator.
    /// (Through a buffer: one system call serves many codes; see `SecureRandom`.)
    public static func generate() -> VoucherCode {
        var symbols = SecureRandom.symbols32(randomSymbolCount)
        symbols.append(checkSymbol(for: symbols))
        return VoucherCode(verifiedSymbols: symbols)
    }

    /// A new code from `generator`. Only pass a seeded generator in tests: codes are bearer secrets.
    public static func generate<G: RandomNumberGenerator>(using generator: inout G) -> VoucherCode {
        var symbols: [UInt8] = []
        symbols.reserveCapacity(length)
        for _ in 0..<randomSymbolCount {
            symbols.append(UInt8.random(in: 0..<32, using: &generator))
        }
        symbols.append(checkSymbol(for: symbols))
        return VoucherCode(verifiedSymbols: symbols)
    }

    /// Reads a code as a person types or reads it out: case-insensitive, spaces and dashes ignored,
    /// O read as 0 and I or L as 1 (Crockford decoding). U and any other character are refused.
    ///
    /// Errors are checked in this order: a character that can never appear, then the count of
    /// symbols, then the check symbol. A failed check says nothing about which symbol is wrong.
    public static func parse(_ input: String) throws(VoucherCodeError) -> VoucherCode {
        var symbols: [UInt8] = []
        symbols.reserveCapacity(length)
        for character in input where !isSeparator(character) {
            guard let value = symbolValue(character) else { throw .invalidCharacter(character) }
            symbols.append(value)
        }
        if symbols.isEmpty { throw .empty }
        guard symbols.count == length else { throw .wrongLength(symbols.count) }
        guard checkVerifies(symbols) else { throw .checkFailed }
        return VoucherCode(verifiedSymbols: symbols)
    }

    /// The lookup form of any code, ours or one imported from another system that has no check symbol:
    /// uppercased, spaces and dashes removed, O → 0, I and L → 1. Other characters are kept as they are,
    /// so a legacy code with, say, a U still normalizes to something stable.
    /// For a code `parse` accepts, `normalize(input) == parse(input).canonical`.
    public static func normalize(_ input: String) -> String {
        // Codes are ASCII almost always: byte by byte is many times faster than by Character,
        // and gives the same result (ASCII whitespace and '-' dropped, letters upper-cased, aliases).
        if input.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(input.utf8.count)
            for b in input.utf8 {
                switch b {
                case 0x09...0x0D, 0x20, UInt8(ascii: "-"): continue
                case UInt8(ascii: "o"), UInt8(ascii: "O"): bytes.append(UInt8(ascii: "0"))
                case UInt8(ascii: "i"), UInt8(ascii: "I"), UInt8(ascii: "l"), UInt8(ascii: "L"): bytes.append(UInt8(ascii: "1"))
                case UInt8(ascii: "a")...UInt8(ascii: "z"): bytes.append(b - 0x20)
                default: bytes.append(b)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var result = ""
        result.reserveCapacity(input.utf8.count)
        for character in input where !isSeparator(character) {
            switch character.uppercased() {
            case "O": result.append("0")
            case "I", "L": result.append("1")
            case let upper: result.append(upper)
            }
        }
        return result
    }
}

extension VoucherCode {
    /// Crockford's base32 alphabet: digits, then letters without I, L, O and U.
    static let alphabet: [UInt8] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// ASCII byte → alphabet index, with Crockford's input aliases (lower case, O, I, L); 0xFF = invalid.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 128)
        for (index, symbol) in alphabet.enumerated() {
            table[Int(symbol)] = UInt8(index)
            table[Int(symbol | 0x20)] = UInt8(index)  // lower case; harmless for digits (already set)
        }
        for alias in "OoIiLl".utf8 {
            table[Int(alias)] = (alias | 0x20) == UInt8(ascii: "o") ? 0 : 1
        }
        return table
    }()

    static func symbolValue(_ character: Character) -> UInt8? {
        guard let ascii = character.asciiValue else { return nil }
        let value = decodeTable[Int(ascii)]
        return value == 0xFF ? nil : value
    }

    /// Spaces (any whitespace) and dashes, including the typographic dashes that
    /// word processors substitute when a code is pasted from an email or a PDF.
    static func isSeparator(_ character: Character) -> Bool {
        if character.isWhitespace { return true }
        switch character {
        case "-", "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2212}": return true
        default: return false
        }
    }
}
