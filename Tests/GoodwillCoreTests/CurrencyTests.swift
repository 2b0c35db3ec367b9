import Foundation
import Testing
import GoodwillCore

@Suite("Currency")
struct CurrencyTests {
    @Test(arguments: [
        ("SEK", 2), ("NOK", 2), ("DKK", 2), ("EUR", 2), ("USD", 2), ("GBP", 2), ("CHF", 2), ("PLN", 2),
        ("CZK", 2), ("HUF", 2), ("CAD", 2), ("AUD", 2), ("NZD", 2),
        ("ISK", 0), ("JPY", 0), ("KRW", 0), ("CLP", 0), ("VND", 0),
        ("BHD", 3), ("KWD", 3), ("JOD", 3), ("OMR", 3), ("TND", 3), ("IQD", 3), ("LYD", 3),
        ("CLF", 4),
    ])
    func knownCodes_carryTheirISOExponent(code: String, digits: Int) throws {
        let currency = try #require(Currency(code: code))
        #expect(currency.code == code)
        #expect(currency.minorUnitDigits == digits)
    }

    @Test func codesAreCaseInsensitive_andStoredUppercase() throws {
        let currency = try #require(Currency(code: "sek"))
        #expect(currency == .sek)
        #expect(currency.code == "SEK")
        #expect(Currency(code: "Eur") == .eur)
    }

    @Test(arguments: ["", "SE", "SEKK", "XYZ", "XAU", "XXX", "HRK", "S3K", "kr"])
    func unknownOrUnusableCodes_areRefused(code: String) {
        #expect(Currency(code: code) == nil)
        #expect(throws: MoneyError.unknownCurrency(code)) { try Currency.parse(code) }
    }

    @Test func staticCurrencies_matchTheTable() {
        let pairs: [(Currency, String, Int)] = [
            (.sek, "SEK", 2), (.nok, "NOK", 2), (.dkk, "DKK", 2), (.eur, "EUR", 2),
            (.usd, "USD", 2), (.gbp, "GBP", 2), (.jpy, "JPY", 0), (.isk, "ISK", 0),
        ]
        for (currency, code, digits) in pairs {
            #expect(Currency(code: code) == currency)
            #expect(currency.minorUnitDigits == digits)
        }
    }

    @Test func allKnown_isSortedUppercaseAndIncludesTheNordics() {
        let codes = Currency.allKnown.map(\.code)
        #expect(codes == codes.sorted())
        #expect(codes.allSatisfy { $0.count == 3 && $0 == $0.uppercased() })
        #expect(Set(["SEK", "NOK", "DKK", "ISK", "EUR"]).isSubset(of: Set(codes)))
        #expect(Currency.allKnown.count > 150)
    }

    @Test func description_isTheCode() {
        #expect(Currency.nok.description == "NOK")
    }

    @Test func encodesAsThePlainCodeString() throws {
        let data = try JSONEncoder().encode([Currency.sek, .jpy])
        #expect(String(decoding: data, as: UTF8.self) == #"["SEK","JPY"]"#)
        #expect(try JSONDecoder().decode([Currency].self, from: data) == [.sek, .jpy])
    }

    @Test func decodingAnUnknownCode_throwsAnErrorNamingTheCode() {
        let data = Data(#"["SEK","ZZZ"]"#.utf8)
        do {
            _ = try JSONDecoder().decode([Currency].self, from: data)
            Issue.record("decoding ZZZ should fail")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains("'ZZZ'"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
