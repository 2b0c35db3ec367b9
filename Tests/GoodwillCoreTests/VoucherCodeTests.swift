import Foundation
import Testing
import GoodwillCore

@Suite("VoucherCode")
struct VoucherCodeTests {
    private static let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    @Test func generatedCodes_have17SymbolsFromTheCrockfordAlphabet() throws {
        for _ in 0..<200 {
            let code = VoucherCode.generate()
            #expect(code.canonical.count == 17)
            #expect(code.canonical.allSatisfy { Self.alphabet.contains($0) })
            #expect(try VoucherCode.parse(code.canonical) == code)
        }
    }

    @Test func thousandGeneratedCodes_areAllDistinct() {
        let codes = (0..<1_000).map { _ in VoucherCode.generate().canonical }
        #expect(Set(codes).count == 1_000)
    }

    @Test func generatedSymbols_useTheWholeAlphabet() {
        // 500 codes × 16 random symbols: a missing symbol would mean a biased generator.
        let seen = Set((0..<500).flatMap { _ in VoucherCode.generate().canonical.prefix(16) })
        #expect(seen == Self.alphabet)
    }

    @Test func sameSeed_sameCode_differentSeed_differentCode() {
        var first = VoucherTestRandom(seed: 42)
        var second = VoucherTestRandom(seed: 42)
        var third = VoucherTestRandom(seed: 43)
        let code = VoucherCode.generate(using: &first)
        #expect(code == VoucherCode.generate(using: &second))
        #expect(code != VoucherCode.generate(using: &third))
    }

    @Test func display_groupsByFour_withTheCheckSymbolLast() throws {
        let code = try VoucherCode.parse(Self.knownCode)
        #expect(code.display == "0123-4567-89AB-CDEF-\(Self.knownCheck)")
        #expect(code.description == code.display)
        #expect(code.canonical == "0123456789ABCDEF\(Self.knownCheck)")
    }

    @Test func redacted_showsOnlyTheLastFourRandomSymbols() throws {
        let code = try VoucherCode.parse(Self.knownCode)
        #expect(code.redacted == "****-****-****-CDEF-*")
    }

    // MARK: Parsing what people type

    @Test func parsing_ignoresCaseSpacesAndDashes() throws {
        let code = VoucherCode.generate()
        let lower = code.display.lowercased()
        let spaced = code.canonical.map(String.init).joined(separator: " ")
        let pasted = "  " + code.display.replacingOccurrences(of: "-", with: "\u{2013}") + "\n"
        for input in [code.canonical, code.display, lower, spaced, pasted, "--" + code.canonical + "--"] {
            #expect(try VoucherCode.parse(input) == code, "\(input)")
        }
    }

    @Test func parsing_readsOAsZero_andIAndLAsOne() throws {
        let code = try VoucherCode.parse(Self.knownCode)
        #expect(try VoucherCode.parse("O123-4567-89AB-CDEF-\(Self.knownCheck)") == code)
        #expect(try VoucherCode.parse("oI23-4567-89ab-cdef-\(Self.knownCheck.lowercased())") == code)
        #expect(try VoucherCode.parse("0L23-4567-89AB-CDEF-\(Self.knownCheck)") == code)
        #expect(try VoucherCode.parse("0l23 4567 89ab cdef \(Self.knownCheck)") == code)
    }

    @Test func parsing_refusesEmptyInput() {
        #expect(throws: VoucherCodeError.empty) { try VoucherCode.parse("") }
        #expect(throws: VoucherCodeError.empty) { try VoucherCode.parse(" - - ") }
    }

    @Test(arguments: [
        ("0123-4567-89AB-CDEU-X", Character("U")),
        ("0123-4567-89AB-CDE!-X", "!"),
        ("0123_4567", "_"),
        ("0123.4567", "."),
        ("ÅÄÖ", "Å"),
        ("0123\u{0}", "\u{0}"),
    ])
    func parsing_refusesCharactersThatNeverAppear(input: String, character: Character) {
        #expect(throws: VoucherCodeError.invalidCharacter(character)) { try VoucherCode.parse(input) }
    }

    @Test func parsing_reportsWrongLengthAsTheNumberOfSymbolsFound() {
        let code = VoucherCode.generate()
        #expect(throws: VoucherCodeError.wrongLength(16)) { try VoucherCode.parse(String(code.canonical.dropLast())) }
        #expect(throws: VoucherCodeError.wrongLength(18)) { try VoucherCode.parse(code.display + "7") }
        #expect(throws: VoucherCodeError.wrongLength(4)) { try VoucherCode.parse("AB-CD") }
    }

    @Test func parsing_refusesAWrongCheckSymbol() throws {
        let code = VoucherCode.generate()
        let body = code.canonical.dropLast()
        let wrongChecks = Self.alphabet.filter { $0 != code.canonical.last }
        #expect(wrongChecks.count == 31)
        for check in wrongChecks {
            #expect(throws: VoucherCodeError.checkFailed) { try VoucherCode.parse(body + String(check)) }
        }
    }

    @Test func errorDescriptions_areWrittenForSupportAgents() {
        #expect(VoucherCodeError.wrongLength(16).description.hasPrefix("The code has 16 characters, but voucher codes have 17"))
        #expect(VoucherCodeError.invalidCharacter("U").description.hasPrefix("The code contains 'U', which never appears"))
        #expect(VoucherCodeError.invalidCharacter("\t").description.contains("U+9"))
        #expect(VoucherCodeError.empty.description.hasPrefix("No voucher code was given."))
    }

    // MARK: Normalizing legacy codes

    @Test func normalize_matchesParseForOurCodes() throws {
        for input in ["o123-4567-89ab-cdef-\(Self.knownCheck)", "0L23 4567 89AB CDEF \(Self.knownCheck)"] {
            #expect(VoucherCode.normalize(input) == (try VoucherCode.parse(input)).canonical)
        }
    }

    @Test func normalize_keepsCharactersOfLegacyCodes() {
        #expect(VoucherCode.normalize("summer-2019 ol") == "SUMMER201901")
        #expect(VoucherCode.normalize("gift_card-ÅÖ") == "G1FT_CARDÅÖ")
        #expect(VoucherCode.normalize(" - ") == "")
    }

    // MARK: Codable

    @Test func encodesAsTheDisplayString_andDecodesAnyParseableForm() throws {
        let code = try VoucherCode.parse(Self.knownCode)
        let data = try JSONEncoder().encode([code])
        #expect(String(decoding: data, as: UTF8.self) == #"["0123-4567-89AB-CDEF-\#(Self.knownCheck)"]"#)
        #expect(try JSONDecoder().decode([VoucherCode].self, from: data) == [code])
        let lower = Data(#"["0123456789abcdef\#(Self.knownCheck.lowercased())"]"#.utf8)
        #expect(try JSONDecoder().decode([VoucherCode].self, from: lower) == [code])
    }

    @Test func decodingAMistypedCode_fails() {
        let data = Data(#"["0123-4567-89AB-CDEF"]"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([VoucherCode].self, from: data) }
    }

    /// A fixed code whose check symbol was computed independently (a few lines of Python doing
    /// 2·x ⊕ y in GF(2^5) mod x^5+x^2+1) and pinned here: changing the check algorithm would
    /// invalidate every printed voucher, so it must fail these tests.
    static let knownBody = "0123456789ABCDEF"
    static let knownCheck = "P"
    static var knownCode: String { knownBody + knownCheck }
}

@Suite struct VoucherCodeNormalizeFastPathTests {
    /// The ASCII fast path must give what the Character-by-Character rules give.
    @Test func asciiInputs_normalizeAsCharacterByCharacter() {
        func reference(_ input: String) -> String {
            var out = ""
            for c in input where !(c.isWhitespace || c == "-") {
                switch c.uppercased() {
                case "O": out += "0"
                case "I", "L": out += "1"
                case let u: out += u
                }
            }
            return out
        }
        for input in ["abcd-efgh-ijkl-mnop-q", " 9fm5 cpk0\tpz42\nwje9-s ", "Oil-oIL", "x_y.z/~!@#", "", "----", "\u{0B}a\u{0C}b\r"] {
            #expect(VoucherCode.normalize(input) == reference(input), "\(input)")
        }
    }
}
