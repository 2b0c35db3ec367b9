import Foundation

/// An ISO 4217 currency: its alphabetic code and how many decimals its minor unit has.
///
/// Only codes from the built-in table exist, so a `Currency` value is always real and its exponent is
/// known. Encodes as the plain code string (`"SEK"`).
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    /// The uppercase ISO 4217 alphabetic code, e.g. `"SEK"`.
    public let code: String
    /// The ISO 4217 exponent: 2 for SEK (öre), 0 for JPY, 3 for KWD.
    public let minorUnitDigits: Int

    private init(tableCode: String, minorUnitDigits: Int) {
        self.code = tableCode
        self.minorUnitDigits = minorUnitDigits
    }

    /// Looks `code` up case-insensitively (`"sek"`, `" SEK "` are both Swedish kronor).
    /// Returns nil for anything not in the ISO 4217 table.
    public init?(code: String) {
        // Fast path for the stored form (three upper-case letters): no Foundation string work.
        if code.utf8.count == 3, code.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) {
            guard let digits = Currency.exponents[code] else { return nil }
            self.init(tableCode: code, minorUnitDigits: digits)
            return
        }
        let key = code.trimmingCharacters(in: .whitespaces).uppercased()
        guard let digits = Currency.exponents[key] else { return nil }
        self.init(tableCode: key, minorUnitDigits: digits)
    }

    /// Like `init?(code:)`, but says what was wrong in words a person can act on.
    public static func parse(_ code: String) throws(MoneyError) -> Currency {
        guard let currency = Currency(code: code) else { throw .unknownCurrency(code) }
        return currency
    }

    public var description: String { code }

    public static let sek = Currency(tableCode: "SEK", minorUnitDigits: 2)
    public static let nok = Currency(tableCode: "NOK", minorUnitDigits: 2)
    public static let dkk = Currency(tableCode: "DKK", minorUnitDigits: 2)
    public static let eur = Currency(tableCode: "EUR", minorUnitDigits: 2)
    public static let usd = Currency(tableCode: "USD", minorUnitDigits: 2)
    public static let gbp = Currency(tableCode: "GBP", minorUnitDigits: 2)
    public static let jpy = Currency(tableCode: "JPY", minorUnitDigits: 0)
    public static let isk = Currency(tableCode: "ISK", minorUnitDigits: 0)

    /// Every currency in the table, sorted by code.
    public static let allKnown: [Currency] = exponents.keys.sorted().map {
        Currency(tableCode: $0, minorUnitDigits: exponents[$0] ?? 2)
    }

    // Active ISO 4217 codes with a defined minor unit. Precious metals, bond units, XDR, XSU, XUA,
    // XTS and XXX have no minor unit ("N.A.") and cannot carry a voucher balance, so they are left out;
    // withdrawn codes (HRK since 2023, ZWL, SLL) are left out too.
    private static let zeroDecimals: Set<String> = [
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV",
        "XAF", "XOF", "XPF",
    ]
    private static let threeDecimals: Set<String> = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]
    private static let fourDecimals: Set<String> = ["CLF", "UYW"]
    private static let twoDecimals: Set<String> = [
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN",
        "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF",
        "CHW", "CNY", "COP", "COU", "CRC", "CUC", "CUP", "CVE", "CZK", "DKK", "DOP", "DZD", "EGP", "ERN",
        "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ", "GYD", "HKD", "HNL", "HTG",
        "HUF", "IDR", "ILS", "INR", "IRR", "JMD", "KES", "KGS", "KHR", "KPW", "KYD", "KZT", "LAK", "LBP",
        "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK",
        "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "PAB", "PEN", "PGK", "PHP",
        "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE",
        "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD",
        "TZS", "UAH", "USD", "USN", "UYU", "UZS", "VED", "VES", "WST", "XCD", "XCG", "YER", "ZAR", "ZMW",
        "ZWG",
    ]

    private static let exponents: [String: Int] = {
        var table: [String: Int] = [:]
        for code in twoDecimals { table[code] = 2 }
        for code in zeroDecimals { table[code] = 0 }
        for code in threeDecimals { table[code] = 3 }
        for code in fourDecimals { table[code] = 4 }
        return table
    }()
}

extension Currency: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let code = try container.decode(String.self)
        guard let currency = Currency(code: code) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "Unknown currency code '\(code)'. Use an ISO 4217 code such as SEK, EUR or USD."
            )
        }
        self = currency
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}
