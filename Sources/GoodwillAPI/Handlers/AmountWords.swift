import Foundation
import GoodwillCore

/// What the API says about amounts. On the wire an amount is whole minor units (9950 is 99.50 SEK),
/// not the decimals a person types at the CLI, so its corrections and examples are in minor units.
enum AmountWords {
    /// `{"amount": 9950, "currency": "SEK"}`: the body a client should have sent.
    static func json(_ m: Money) -> String { "{\"amount\": \(m.minorUnits), \"currency\": \"\(m.currency.code)\"}" }

    /// 99.50 in the currency's minor units (1500 for a currency without decimals).
    static func example(_ c: Currency) -> Money {
        Money(minorUnits: c.minorUnitDigits == 0 ? 1500 : 995 * power(c.minorUnitDigits - 1), currency: c)
    }

    /// "10000 for 100.00 SEK, or 9950 for 99.50 SEK" (one example where there are no decimals).
    static func examples(major: Int64, _ c: Currency, withDecimals: Bool) -> String {
        let whole = Money(minorUnits: major * power(c.minorUnitDigits), currency: c)
        var text = "\(whole.minorUnits) for \(whole)"
        if withDecimals, c.minorUnitDigits > 0 { let d = example(c); text += ", or \(d.minorUnits) for \(d)" }
        return text
    }

    static func power(_ n: Int) -> Int64 { (0..<max(0, n)).reduce(1) { r, _ in r * 10 } }

    /// Refuses an amount's number that is not whole minor units fitting Int64 (a decimal, a string,
    /// one too large) with the amount that was likely meant: valid JSON, so 422 invalid-amount,
    /// not the decoder's 400. A null, a bool or an object is left to the decoder's words.
    static func check(_ money: KeyedDecodingContainer<BodyShape.Key>, path: [String]) throws {
        let key = BodyShape.Key("amount")
        guard money.contains(key), (try? money.decode(Int64.self, forKey: key)) == nil else { return }
        let field = JSON.path(path + ["amount"])
        let currency = (try? money.decode(String.self, forKey: BodyShape.Key("currency"))).flatMap(Currency.init(code:))
        let c = currency ?? .sek
        if let text = try? money.decode(String.self, forKey: key) {
            let meant: String
            if let n = Int64(text) {
                meant = "\(json(Money(minorUnits: n, currency: c))) is \(Money(minorUnits: n, currency: c))"
            } else if let m = try? Money.parse(text, currency: c), currency != nil {
                meant = "\(m) is \(json(m))"
            } else {
                meant = "\(json(example(c))) is \(example(c))"
            }
            throw refused("\(field) takes a number of whole minor units, not a string: \(meant).")
        }
        // A number written with a point or an exponent never gets here: the body's gate
        // (`JSONKeys`) refuses it first, through `decimalRefusal`. What is left is an integer too
        // large for Int64.
        guard let number = try? money.decode(Decimal.self, forKey: key), number.magnitude > Decimal(Int64.max) else { return }
        let limit = Money(minorUnits: Money.voucherLimitMinorUnits, currency: c)
        throw refused("\(field) is \(number) minor units, more than any amount can be. A voucher holds at most \(limit), \(json(limit)).")
    }

    /// The refusal of an `amount` written with a point or an exponent (`JSONKeys` finds it, with
    /// the path of its object and the currency beside it). JSONDecoder would read `500.00` and even
    /// `99.99999999999999999` as the integers 500 and 100, so every such number is refused: a whole
    /// one with both readings (500.00 meant as SEK, or as 500 öre), another with what it would be
    /// in minor units.
    static func decimalRefusal(path: [String], text: String, currency code: String?) -> Problem {
        let field = JSON.path(path + ["amount"])
        let currency = code.flatMap(Currency.init(code:))
        let c = currency ?? .sek
        let limit = Money(minorUnits: Money.voucherLimitMinorUnits, currency: c)
        let tooLarge = refused("\(field) is \(text) minor units, more than any amount can be. A voucher holds at most \(limit), \(json(limit)).")
        guard let number = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { return tooLarge }
        if number == number.rounded() {
            guard number.magnitude <= Decimal(Money.voucherLimitMinorUnits), let whole = Int64(number.description) else { return tooLarge }
            let asMajor = Money(minorUnits: whole * power(c.minorUnitDigits), currency: c)
            let asMinor = Money(minorUnits: whole, currency: c)
            let opening = "An amount was written \(text), with a decimal point or exponent; amounts are whole minor units written as integers"
            guard asMajor != asMinor else { return refused("\(opening): \(asMinor) is \(json(asMinor)).") }
            return refused("\(opening), so which was meant is a guess: \(asMajor) is \(json(asMajor)), and \(asMinor) is \(json(asMinor)).")
        }
        guard currency != nil else {
            return refused("\(field) takes whole minor units, not decimals: \(example(c)) is \(json(example(c))).")
        }
        var minor = number * Decimal(power(c.minorUnitDigits)), whole = Decimal()
        NSDecimalRound(&whole, &minor, 0, .plain)
        guard whole == minor else {
            let decimals = c.minorUnitDigits == 0 ? "no decimals" : "\(c.minorUnitDigits) decimals"
            return refused("\(field) takes whole minor units, and \(number) is not a whole number of them: \(c.code) has \(decimals), so \(json(example(c))) is \(example(c)).")
        }
        guard let units = Int64(whole.description) else { return tooLarge }
        return refused("\(field) takes whole minor units, not decimals: \(Money(minorUnits: units, currency: c)) is \(json(Money(minorUnits: units, currency: c))).")
    }

    static func refused(_ detail: String) -> Problem { Problem(.unprocessableContent, code: "invalid-amount", detail: detail) }
}

private extension Decimal {
    func rounded() -> Decimal {
        var value = self, result = Decimal()
        NSDecimalRound(&result, &value, 0, .plain)
        return result
    }
}
