import Foundation

/// An amount of money: whole minor units (öre, cents) of one currency. Never a floating-point number.
///
/// Arithmetic is overflow-checked and refuses to mix currencies; there is deliberately no `Comparable`
/// conformance, so amounts in different currencies cannot be compared by accident.
public struct Money: Hashable, Sendable, CustomStringConvertible {
    /// The amount in the currency's minor unit: 49950 is 499.50 SEK, 1500 is 1500 JPY.
    public let minorUnits: Int64
    public let currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// The most one voucher may hold, and the largest single adjustment: 10^12 minor units
    /// (10 000 000 000.00 SEK or EUR, 10^12 JPY, 1 000 000 000.000 KWD). Far above any gift card
    /// in any currency, yet small enough that over nine million vouchers at the limit still sum
    /// within Int64, so totals over a whole book cannot overflow in practice. An amount above it
    /// is a typo (extra digits) or an attack, and is refused where money enters the ledger.
    public static let voucherLimitMinorUnits: Int64 = 1_000_000_000_000

    public static func zero(_ currency: Currency) -> Money {
        Money(minorUnits: 0, currency: currency)
    }

    public var isZero: Bool { minorUnits == 0 }
    public var isNegative: Bool { minorUnits < 0 }
    public var isPositive: Bool { minorUnits > 0 }

    public func adding(_ other: Money) throws(MoneyError) -> Money {
        try requireSameCurrency(other)
        let (sum, overflow) = minorUnits.addingReportingOverflow(other.minorUnits)
        if overflow { throw .overflow }
        return Money(minorUnits: sum, currency: currency)
    }

    public func subtracting(_ other: Money) throws(MoneyError) -> Money {
        try requireSameCurrency(other)
        let (difference, overflow) = minorUnits.subtractingReportingOverflow(other.minorUnits)
        if overflow { throw .overflow }
        return Money(minorUnits: difference, currency: currency)
    }

    /// Fails only for `Int64.min` minor units, whose negation does not fit.
    public func negated() throws(MoneyError) -> Money {
        let (negation, overflow) = Int64(0).subtractingReportingOverflow(minorUnits)
        if overflow { throw .overflow }
        return Money(minorUnits: negation, currency: currency)
    }

    /// Sums `amounts`, all of which must be in `currency`; an empty sequence sums to zero.
    public static func sum<S: Sequence>(_ amounts: S, in currency: Currency) throws(MoneyError) -> Money
    where S.Element == Money {
        var total = Money.zero(currency)
        for amount in amounts {
            total = try total.adding(amount)
        }
        return total
    }

    /// Orders two amounts of the same currency; throws `.currencyMismatch` otherwise.
    public func compare(_ other: Money) throws(MoneyError) -> ComparisonResult {
        try requireSameCurrency(other)
        if minorUnits < other.minorUnits { return .orderedAscending }
        if minorUnits > other.minorUnits { return .orderedDescending }
        return .orderedSame
    }

    public func isLess(than other: Money) throws(MoneyError) -> Bool {
        try compare(other) == .orderedAscending
    }

    public func isGreater(than other: Money) throws(MoneyError) -> Bool {
        try compare(other) == .orderedDescending
    }

    /// The amount with exactly the currency's decimals and a point: "499.50", "-3.00", "1500" (JPY).
    /// No thousands separators and no currency, so `Money.parse` reads it back (when not negative).
    public var decimalString: String {
        let digits = currency.minorUnitDigits
        let sign = minorUnits < 0 ? "-" : ""
        // magnitude is UInt64, so Int64.min prints correctly too.
        let magnitude = minorUnits.magnitude
        guard digits > 0 else { return sign + String(magnitude) }
        var divisor: UInt64 = 1
        for _ in 0..<digits { divisor *= 10 }
        let whole = magnitude / divisor
        let fraction = String(magnitude % divisor)
        let padded = String(repeating: "0", count: digits - fraction.count) + fraction
        return "\(sign)\(whole).\(padded)"
    }

    /// "499.50 SEK".
    public var description: String { "\(decimalString) \(currency.code)" }

    private func requireSameCurrency(_ other: Money) throws(MoneyError) {
        if other.currency != currency { throw .currencyMismatch(currency, other.currency) }
    }
}
