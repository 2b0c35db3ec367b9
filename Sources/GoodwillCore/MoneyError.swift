/// Why an amount could not be read or computed. Descriptions are written for the person at the keyboard.
public enum MoneyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing (or only spaces) was typed.
    case empty
    /// The text starts with a minus sign; amounts entered by people are never negative.
    case negative(String)
    /// More digits after the point than the currency has minor-unit digits ("1.234" SEK, "1.5" JPY).
    case tooManyDecimals(text: String, currency: Currency)
    /// Anything else that is not plain digits with an optional point: signs, exponents,
    /// thousands separators, decimal commas, letters.
    case notANumber(String)
    /// The amount, or the result of a calculation, does not fit in 64-bit minor units.
    case overflow
    /// Two amounts in different currencies were combined or compared.
    case currencyMismatch(Currency, Currency)
    /// The currency code is not in the ISO 4217 table.
    case unknownCurrency(String)

    public var description: String {
        switch self {
        case .empty:
            return "No amount was given. Type an amount like 499.50."
        case .negative(let text):
            return "'\(text)' is negative, but an amount must be zero or more. Type it without the minus sign."
        case .tooManyDecimals(let text, let currency):
            let example = currency.minorUnitDigits == 0
                ? "1500"
                : "499.5" + String(repeating: "0", count: currency.minorUnitDigits - 1)
            let allowed = currency.minorUnitDigits == 0 ? "no decimals" : "\(currency.minorUnitDigits)"
            return "'\(text)' has more decimals than \(currency.code) allows (\(allowed)). Use an amount like \(example)."
        case .notANumber(let text):
            if text.contains(",") {
                return "'\(text)' is not an amount Goodwill can read: use a point for decimals and no thousands separators, like 1500.50."
            }
            return "'\(text)' is not an amount. Type digits with an optional decimal point, like 499.50, without signs, spaces or letters."
        case .overflow:
            return "The amount is too large to be handled. Check that no extra digits were typed."
        case .currencyMismatch(let first, let second):
            return "Amounts in \(first.code) and \(second.code) cannot be combined. Use amounts in the voucher's currency."
        case .unknownCurrency(let code):
            return "'\(code)' is not a known currency code. Use an ISO 4217 code such as SEK, EUR or USD."
        }
    }
}
