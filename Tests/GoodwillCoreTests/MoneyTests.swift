import Foundation
import Testing
import GoodwillCore

@Suite("Money")
struct MoneyTests {
    private func sek(_ units: Int64) -> Money { Money(minorUnits: units, currency: .sek) }
    private func eur(_ units: Int64) -> Money { Money(minorUnits: units, currency: .eur) }

    @Test func addingAndSubtracting_sameCurrency() throws {
        #expect(try sek(49_950).adding(sek(50)) == sek(50_000))
        #expect(try sek(100).subtracting(sek(250)) == sek(-150))
    }

    @Test func combiningDifferentCurrencies_isRefused() {
        #expect(throws: MoneyError.currencyMismatch(.sek, .eur)) { try sek(1).adding(eur(1)) }
        #expect(throws: MoneyError.currencyMismatch(.eur, .sek)) { try eur(1).subtracting(sek(1)) }
        #expect(throws: MoneyError.currencyMismatch(.sek, .eur)) { try sek(1).compare(eur(1)) }
        #expect(throws: MoneyError.currencyMismatch(.sek, .eur)) { try sek(1).isLess(than: eur(2)) }
        #expect(throws: MoneyError.currencyMismatch(.sek, .jpy)) {
            try Money.sum([sek(1), Money(minorUnits: 1, currency: .jpy)], in: .sek)
        }
    }

    @Test func overflowingArithmetic_isRefused() {
        #expect(throws: MoneyError.overflow) { try sek(.max).adding(sek(1)) }
        #expect(throws: MoneyError.overflow) { try sek(.min).subtracting(sek(1)) }
        #expect(throws: MoneyError.overflow) { try sek(.min).negated() }
        #expect(throws: MoneyError.overflow) { try Money.sum([sek(.max), sek(.max), sek(-.max)], in: .sek) }
    }

    @Test func arithmeticAtTheLimits_stillWorks() throws {
        #expect(try sek(.max - 1).adding(sek(1)) == sek(.max))
        #expect(try sek(.max).negated() == sek(-.max))
        #expect(try sek(-.max).subtracting(sek(1)) == sek(.min))
    }

    @Test func zeroSignAndNegation() throws {
        #expect(Money.zero(.nok) == Money(minorUnits: 0, currency: .nok))
        #expect(Money.zero(.nok).isZero && !Money.zero(.nok).isNegative && !Money.zero(.nok).isPositive)
        #expect(sek(-1).isNegative && !sek(-1).isZero)
        #expect(sek(1).isPositive)
        #expect(try sek(300).negated() == sek(-300))
        #expect(Money.zero(.sek) != Money.zero(.eur))
    }

    @Test func sum_addsAllAmounts_andIsZeroWhenEmpty() throws {
        #expect(try Money.sum([sek(100), sek(-30), sek(5)], in: .sek) == sek(75))
        #expect(try Money.sum([Money](), in: .dkk) == .zero(.dkk))
    }

    @Test func comparison_withinOneCurrency() throws {
        #expect(try sek(1).compare(sek(2)) == .orderedAscending)
        #expect(try sek(2).compare(sek(1)) == .orderedDescending)
        #expect(try sek(2).compare(sek(2)) == .orderedSame)
        #expect(try sek(1).isLess(than: sek(2)))
        #expect(try !sek(2).isLess(than: sek(2)))
        #expect(try sek(3).isGreater(than: sek(2)))
    }

    @Test(arguments: [
        (Int64(49_950), Currency.sek, "499.50"),
        (-300, .sek, "-3.00"),
        (5, .sek, "0.05"),
        (-5, .sek, "-0.05"),
        (0, .eur, "0.00"),
        (1_500, .jpy, "1500"),
        (-7, .isk, "-7"),
        (1_005, Currency(code: "KWD")!, "1.005"),
        (.max, .sek, "92233720368547758.07"),
        (.min, .sek, "-92233720368547758.08"),
    ])
    func decimalString_hasExactlyTheCurrencysDecimals(units: Int64, currency: Currency, expected: String) {
        #expect(Money(minorUnits: units, currency: currency).decimalString == expected)
    }

    @Test func description_isAmountThenCode() {
        #expect(sek(49_950).description == "499.50 SEK")
        #expect(Money(minorUnits: 1_500, currency: .jpy).description == "1500 JPY")
    }

    // MARK: Codable (fixed API contract)

    @Test func encodesAsAmountInMinorUnitsAndCurrencyCode() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(sek(49_950)), as: UTF8.self)
        #expect(json == #"{"amount":49950,"currency":"SEK"}"#)
    }

    @Test func codableRoundTrip_keepsEveryAmountExactly() throws {
        for money in [sek(49_950), sek(-3), sek(.max), sek(.min), Money(minorUnits: 1_500, currency: .jpy)] {
            let data = try JSONEncoder().encode(money)
            #expect(try JSONDecoder().decode(Money.self, from: data) == money)
        }
    }

    @Test func decodingAcceptsALowercaseCurrencyCode() throws {
        let money = try JSONDecoder().decode(Money.self, from: Data(#"{"currency":"sek","amount":100}"#.utf8))
        #expect(money == sek(100))
    }

    @Test(arguments: [
        #"{"amount":100,"currency":"ZZZ"}"#,
        #"{"amount":100}"#,
        #"{"currency":"SEK"}"#,
        #"{"amount":1.5,"currency":"SEK"}"#,
        #"{"amount":"100","currency":"SEK"}"#,
        #"{"amount":9223372036854775808,"currency":"SEK"}"#,
    ])
    func decodingMalformedJSON_fails(json: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Money.self, from: Data(json.utf8)) }
    }
}
