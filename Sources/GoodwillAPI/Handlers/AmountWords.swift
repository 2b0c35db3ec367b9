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
        let field = "'" + (path + ["amount"]).joined(separator: ".") + "'"
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
        guard let number = try? money.decode(Decimal.self, forKey: key) else { return }
        var minor = number * Decimal(power(c.minorUnitDigits)), whole = Decimal()
        NSDecimalRound(&whole, &minor, 0, .plain)
        let limit = Money(minorUnits: Money.voucherLimitMinorUnits, currency: c)
        let tooLarge = "\(field) is \(number) minor units, more than any amount can be. A voucher holds at most \(limit), \(json(limit))."
        if number == number.rounded() {
            // Whole but not an Int64: too large (a decimal point would have been accepted as 100.0).
            guard number.magnitude > Decimal(Int64.max) else { return }
            throw refused(tooLarge)
        }
        guard currency != nil else {
            throw refused("\(field) takes whole minor units, not decimals: \(example(c)) is \(json(example(c))).")
        }
        guard whole == minor else {
            let decimals = c.minorUnitDigits == 0 ? "no decimals" : "\(c.minorUnitDigits) decimals"
            throw refused("\(field) takes whole minor units, and \(number) is not a whole number of them: \(c.code) has \(decimals), so \(json(example(c))) is \(example(c)).")
        }
        guard let units = Int64(whole.description) else { throw refused(tooLarge) }
        throw refused("\(field) takes whole minor units, not decimals: \(Money(minorUnits: units, currency: c)) is \(json(Money(minorUnits: units, currency: c))).")
    }

    /// An amount written with a decimal point or an exponent whose value is whole (`500.00`,
    /// `100.0`, `1e3`): JSONDecoder reads it as the integer, so 500.00 meant as SEK would be taken
    /// as 500 öre. Only the text tells, so the body is scanned for an `"amount"` member whose value
    /// is such a number; refused, with both readings. (Not whole, like 99.50, `check` words it.)
    static func refuseWholeDecimal(in body: Data) throws {
        let bytes = [UInt8](body)
        let key = Array("\"amount\"".utf8)
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
        var i = 0
        while let found = bytes[i...].firstRange(of: key) {
            var j = found.upperBound
            i = j
            while j < bytes.count, isSpace(bytes[j]) { j += 1 }
            guard j < bytes.count, bytes[j] == UInt8(ascii: ":") else { continue }
            j += 1
            while j < bytes.count, isSpace(bytes[j]) { j += 1 }
            let start = j
            while j < bytes.count, bytes[j] == UInt8(ascii: "-") || bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: ".")
                    || bytes[j] == UInt8(ascii: "e") || bytes[j] == UInt8(ascii: "E") || (bytes[j] >= 48 && bytes[j] <= 57) { j += 1 }
            let text = String(decoding: bytes[start..<j], as: UTF8.self)
            guard text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let number = Decimal(string: text),
                  number == number.rounded(), number.magnitude <= Decimal(Money.voucherLimitMinorUnits) else { continue }
            let whole = Int64(number.description) ?? 0
            let currency = currencyNamed(in: bytes) ?? .sek
            let asMajor = Money(minorUnits: whole * power(currency.minorUnitDigits), currency: currency)
            let asMinor = Money(minorUnits: whole, currency: currency)
            let opening = "An amount was written \(text), with a decimal point or exponent; amounts are whole minor units written as integers"
            guard asMajor != asMinor else { throw refused("\(opening): \(asMinor) is \(json(asMinor)).") }
            throw refused("\(opening), so which was meant is a guess: \(asMajor) is \(json(asMajor)), and \(asMinor) is \(json(asMinor)).")
        }
    }

    /// The first `"currency": "XXX"` in the body, for the words of a refusal only.
    private static func currencyNamed(in bytes: [UInt8]) -> Currency? {
        guard let found = bytes.firstRange(of: Array("\"currency\"".utf8)) else { return nil }
        let rest = bytes[found.upperBound...].drop { $0 == 0x20 || $0 == 0x3A || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard rest.first == UInt8(ascii: "\""), rest.count >= 5 else { return nil }
        return Currency(code: String(decoding: rest.dropFirst().prefix(3), as: UTF8.self))
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
