import GoodwillCore

/// How long after expiry a holder may still demand payout of the balance (Denmark: a year). The
/// one place the period is counted: closing an account refunds by it, the reports keep the balance
/// as liability by it.
public struct PayoutAfterExpiry: Sendable, Equatable {
    public enum Length: Sendable, Equatable {
        /// Calendar months: ends on the same-numbered day, or the month's last day when that does
        /// not exist (DOMAIN.md, BGB §§ 187–188), which 365 days is not across 29 February.
        case months(Int)
        case days(Int)
    }

    public let length: Length

    /// The last day the holder may demand payout of a voucher valid through `lastValidDay`, in the
    /// voucher's zone; nil past 9999-12-31 (no end within the calendar).
    public func lastDay(after lastValidDay: LocalDate) -> LocalDate? {
        switch length {
        case .months(let months): lastValidDay.adding(months: months)
        case .days(let days): lastValidDay.adding(days: days)
        }
    }

    /// Whether the right still runs on `day` (a voucher without expiry: always).
    public func runs(on day: LocalDate, lastValidDay: LocalDate?) -> Bool {
        lastValidDay.flatMap(lastDay(after:)).map { day <= $0 } ?? true
    }

    /// At least as many days as the period can last, for narrowing a search by instant. Capped
    /// at the calendar's span (10,000 years), so an absurd preset cannot overflow the arithmetic.
    public var maximumDays: Int {
        switch length {
        case .months(let months): min(months, 120_000) * 31
        case .days(let days): min(days, 3_660_000)
        }
    }

    var words: String {
        switch length {
        case .months(let months): months == 12 ? "a year" : Plural.count(months, "month")
        case .days(let days): Plural.count(days, "day")
        }
    }
}
