import GoodwillCore

/// Amounts written as people read them in each language, from integer minor units (no Double):
/// "SEK 1,250.50" in English, "1 250,50 kr" in Swedish, "1.250,50 kr." in Danish.
/// Whole amounts drop the decimals ("500 kr"), as a shop would write them.
public enum MoneyWords {
    /// U+00A0: a space that keeps "1 250" and "250 kr" on one line.
    static let noBreakSpace = "\u{00A0}"

    public static func format(_ money: Money, in language: MessageLanguage) -> String {
        let digits = money.currency.minorUnitDigits
        let magnitude = money.minorUnits.magnitude
        var divisor: UInt64 = 1
        for _ in 0..<digits { divisor *= 10 }
        let whole = magnitude / divisor
        let fraction = magnitude % divisor
        let (group, decimal) = separators(language)
        var number = grouped(whole, separator: group)
        if fraction != 0 {
            let f = String(fraction)
            number += decimal + String(repeating: "0", count: digits - f.count) + f
        }
        if money.minorUnits < 0 { number = "-" + number }
        let code = money.currency.code
        let nbsp = noBreakSpace
        switch language {
        case .en:
            switch code {
            case "EUR": return "€" + number
            case "GBP": return "£" + number
            case "USD": return "$" + number
            default: return code + nbsp + number
            }
        case .sv: return number + nbsp + (code == "SEK" ? "kr" : code == "EUR" ? "€" : code)
        case .da: return number + nbsp + (code == "DKK" ? "kr." : code == "EUR" ? "€" : code)
        case .nb: return number + nbsp + (code == "NOK" ? "kr" : code == "EUR" ? "€" : code)
        case .fi: return number + nbsp + (code == "EUR" ? "€" : code)
        }
    }

    static func separators(_ language: MessageLanguage) -> (group: String, decimal: String) {
        switch language {
        case .en: return (",", ".")
        case .da: return (".", ",")
        case .sv, .nb, .fi: return (noBreakSpace, ",")
        }
    }

    static func grouped(_ n: UInt64, separator: String) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += separator }
            out.append(d)
        }
        return out
    }
}
