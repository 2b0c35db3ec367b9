import Testing
import GoodwillCore

@Suite("Money.parse")
struct MoneyParsingTests {
    @Test(arguments: [
        ("500", Currency.sek, Int64(50_000)),
        ("499.50", .sek, 49_950),
        ("499.5", .sek, 49_950),
        ("0.05", .sek, 5),
        ("0", .sek, 0),
        ("0.00", .sek, 0),
        ("007", .sek, 700),
        ("  12.30 ", .eur, 1_230),
        ("\t1\n", .usd, 100),
        ("1500", .jpy, 1_500),
        ("1500", .isk, 1_500),
        ("1.234", .kwd, 1_234),
        ("1.2", .kwd, 1_200),
        ("92233720368547758.07", .sek, Int64.max),
        ("9223372036854775807", .jpy, Int64.max),
    ])
    func typedAmounts_areReadAsMinorUnits(text: String, currency: Currency, minorUnits: Int64) throws {
        let money = try Money.parse(text, currency: currency)
        #expect(money == Money(minorUnits: minorUnits, currency: currency))
    }

    @Test(arguments: [
        ("", Currency.sek, MoneyError.empty),
        ("   ", .sek, .empty),
        ("-5", .sek, .negative("-5")),
        (" -0.50", .sek, .negative("-0.50")),
        ("+5", .sek, .notANumber("+5")),
        ("1e3", .sek, .notANumber("1e3")),
        ("1E3", .sek, .notANumber("1E3")),
        ("1,000", .sek, .notANumber("1,000")),
        ("499,50", .sek, .notANumber("499,50")),
        ("1 000", .sek, .notANumber("1 000")),
        ("1_000", .sek, .notANumber("1_000")),
        ("1'000", .chf, .notANumber("1'000")),
        ("1.000.00", .sek, .notANumber("1.000.00")),
        ("5.", .sek, .notANumber("5.")),
        (".5", .sek, .notANumber(".5")),
        (".", .sek, .notANumber(".")),
        ("abc", .sek, .notANumber("abc")),
        ("12kr", .sek, .notANumber("12kr")),
        ("SEK 12", .sek, .notANumber("SEK 12")),
        ("٣", .sek, .notANumber("٣")),  // Arabic-Indic three: digits must be ASCII
        ("１２", .sek, .notANumber("１２")),  // full-width digits
        ("0x10", .sek, .notANumber("0x10")),
        ("1.234", .sek, .tooManyDecimals(text: "1.234", currency: .sek)),
        ("1.230", .sek, .tooManyDecimals(text: "1.230", currency: .sek)),
        ("1.5", .jpy, .tooManyDecimals(text: "1.5", currency: .jpy)),
        ("1.0", .isk, .tooManyDecimals(text: "1.0", currency: .isk)),
        ("1.2345", .kwd, .tooManyDecimals(text: "1.2345", currency: .kwd)),
        ("92233720368547758.08", .sek, .overflow),
        ("9223372036854775808", .jpy, .overflow),
        ("100000000000000000000000", .sek, .overflow),
    ])
    func malformedAmounts_areRefusedWithTheReason(text: String, currency: Currency, error: MoneyError) {
        #expect(throws: error) { try Money.parse(text, currency: currency) }
    }

    @Test func decimalString_readsBackToTheSameAmount() throws {
        for (units, currency) in [(Int64(49_950), Currency.sek), (5, .sek), (0, .eur), (1_500, .jpy), (1_234, .kwd)] {
            let money = Money(minorUnits: units, currency: currency)
            #expect(try Money.parse(money.decimalString, currency: currency) == money)
        }
    }

    @Test func errorDescriptions_sayWhatWasWrongAndWhatToDo() {
        #expect(MoneyError.tooManyDecimals(text: "1.234", currency: .sek).description
            == "'1.234' has more decimals than SEK allows (2). Use an amount like 499.50.")
        #expect(MoneyError.tooManyDecimals(text: "1.5", currency: .jpy).description
            == "'1.5' has more decimals than JPY allows (no decimals). Use an amount like 1500.")
        #expect(MoneyError.tooManyDecimals(text: "1.2345", currency: .kwd).description.hasSuffix("like 499.500."))
        #expect(MoneyError.empty.description == "No amount was given. Type an amount like 499.50.")
        #expect(MoneyError.negative("-5").description.contains("'-5' is negative"))
        #expect(MoneyError.notANumber("1,000").description.contains("use a point for decimals"))
        #expect(MoneyError.notANumber("abc").description.contains("'abc' is not an amount"))
        #expect(MoneyError.currencyMismatch(.sek, .eur).description
            == "Amounts in SEK and EUR cannot be combined. Use amounts in the voucher's currency.")
        #expect(MoneyError.unknownCurrency("ZZZ").description.contains("'ZZZ' is not a known currency code"))
        #expect(MoneyError.overflow.description.contains("too large"))
    }
}

extension Currency {
    static let kwd = Currency(code: "KWD")!
    static let chf = Currency(code: "CHF")!
}
