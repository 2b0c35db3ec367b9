import GoodwillCore

/// Amounts as Excel writes them where the comma is the decimal separator (the settings that also
/// separate CSV fields by semicolons): "499,50". Read exactly: the comma stands where the point
/// would, and the digits go through the same integer reading as "499.50" (`FastText.money`,
/// `Money.parse`); no floating point anywhere.
///
/// A point is refused, not guessed: in those settings it is a thousands separator (German
/// "1.234,50") and in a typed cell it may be a decimal point ("499.50"); a wrong guess changes the
/// amount a thousandfold. Spaces and apostrophes (Swedish, French, Swiss thousands) likewise.
enum DecimalComma {
    /// Why an amount was refused, to follow "value '…'" in the row's reason.
    struct Refusal: Error {
        let problem: String
    }

    /// A decimal written with a point ("499.50"), as a semicolon file writes it: "499,50".
    static func written(_ decimal: String) -> String { decimal.replacingOccurrences(of: ".", with: ",") }

    static func money(_ text: String, currency: Currency) throws(Refusal) -> Money {
        // The usual "499,50" read in one pass, with no new string; the rest is worded below.
        if let m = FastText.money(text, currency: currency, point: 0x2C) { return m }
        if text.unicodeScalars.contains(where: { $0 == "." || $0 == " " || $0 == "'" || $0 == "\u{A0}" || $0 == "\u{202F}" }) {
            throw Refusal(problem: ": in a file separated by semicolons an amount takes a decimal comma, like 499,50, and no thousands separators (write 1234,50, not 1.234,50 or 1 234,50)")
        }
        if text.hasPrefix("-") {
            throw Refusal(problem: " is negative, but an amount must be zero or more; write it without the minus sign")
        }
        let pointed = String(decoding: text.utf8.map { $0 == 0x2C ? 0x2E : $0 }, as: UTF8.self)
        do {
            return try Money.parse(pointed, currency: currency)
        } catch .tooManyDecimals {
            let digits = currency.minorUnitDigits
            throw Refusal(problem: " has more decimals than \(currency.code) allows (\(digits == 0 ? "none" : String(digits))); write it like "
                          + (digits == 0 ? "1500" : "499," + "5" + String(repeating: "0", count: digits - 1)))
        } catch .overflow {
            throw Refusal(problem: " is too large to be an amount; check it for extra digits")
        } catch {
            throw Refusal(problem: " is not an amount: write digits with an optional decimal comma, like 499,50, without signs, spaces or letters")
        }
    }
}
