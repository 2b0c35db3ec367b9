import Foundation

extension Money {
    /// Reads an amount as a person types it on the command line: "500", "499.50", "499.5", "0.05".
    ///
    /// Leading and trailing whitespace is ignored. Refused: empty text, a minus or plus sign, exponents,
    /// thousands separators or decimal commas, non-ASCII digits, more decimals than `currency` has,
    /// and amounts whose minor units overflow `Int64`. Zero is accepted; callers decide whether it is allowed.
    public static func parse(_ text: String, currency: Currency) throws(MoneyError) -> Money {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { throw .empty }
        if trimmed.hasPrefix("-") { throw .negative(trimmed) }

        let parts = Array(trimmed.utf8).split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count <= 2,
              let wholeDigits = parts.first, !wholeDigits.isEmpty, wholeDigits.allSatisfy(isASCIIDigit)
        else { throw .notANumber(trimmed) }

        let fractionDigits = parts.count == 2 ? parts[1] : []
        // "5." and ".5" are refused: a point must sit between digits.
        if parts.count == 2 && fractionDigits.isEmpty { throw .notANumber(trimmed) }
        guard fractionDigits.allSatisfy(isASCIIDigit) else { throw .notANumber(trimmed) }
        if fractionDigits.count > currency.minorUnitDigits {
            throw .tooManyDecimals(text: trimmed, currency: currency)
        }

        // Append the fraction, padded with zeros to the currency's exponent, to the whole part.
        var minorUnits: Int64 = 0
        let padding = currency.minorUnitDigits - fractionDigits.count
        let digits = Array(wholeDigits) + Array(fractionDigits) + Array(repeating: UInt8(ascii: "0"), count: padding)
        for digit in digits {
            let (shifted, overflowA) = minorUnits.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = shifted.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
            if overflowA || overflowB { throw .overflow }
            minorUnits = next
        }
        return Money(minorUnits: minorUnits, currency: currency)
    }
}

private func isASCIIDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}
