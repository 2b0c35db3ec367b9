import GoodwillCore
/// Whether a voucher's validity meets the jurisdiction's minimum.
public enum ValidityCheck: Sendable, Equatable {
    case allowed(note: String)
    /// `reason` is a sentence for the person issuing; `earliestLastValidDay` is the shortest
    /// allowed validity, nil when the voucher may not expire at all.
    case refused(reason: String, earliestLastValidDay: LocalDate?)

    public var isAllowed: Bool {
        if case .allowed = self { return true }
        return false
    }
}

/// Whether the holder can demand the remaining balance in money.
public enum CashOutRule: Sendable, Equatable {
    case holderEntitled(reason: String)
    case notRequired(reason: String)
}

extension JurisdictionPreset {
    /// The earliest last valid day the law accepts for a voucher issued (or last loaded) on
    /// `anchorDay`; nil when there is no minimum.
    public func minimumLastValidDay(anchorDay: LocalDate) -> LocalDate? {
        guard let months = validity.minimumMonths else { return nil }
        let start = validity.roundToEndOfYear ? anchorDay.endOfYear : anchorDay
        return start.adding(months: months)
    }

    /// Refuses a validity shorter than the minimum. `lastValidDay` nil means "no expiry".
    /// `lastLoadedOn` matters only where the period counts from the last load.
    public func checkValidity(issuedOn: LocalDate, lastValidDay: LocalDate?, lastLoadedOn: LocalDate? = nil) -> ValidityCheck {
        let cite = " (Source: \(source); confidence \(confidence).)"
        guard let lastValidDay else { return .allowed(note: "No expiry date: always allowed.") }
        guard validity.expiryAllowed else {
            return .refused(reason: "In \(name) a voucher may not have an expiry date; issue it without one." + cite,
                            earliestLastValidDay: nil)
        }
        let anchorDay = validity.anchor == .lastLoad ? max(issuedOn, lastLoadedOn ?? issuedOn) : issuedOn
        guard let minimum = minimumLastValidDay(anchorDay: anchorDay) else {
            return .allowed(note: validity.note)
        }
        guard lastValidDay >= minimum else {
            let counted = validity.roundToEndOfYear ? "counted from the end of the year of issue"
                : validity.anchor == .lastLoad ? "counted from the issue or last load" : "counted from the issue"
            let reason = "In \(name) a voucher must be valid at least \(validity.minimumMonths ?? 0) months, \(counted): "
                + "one issued on \(anchorDay) must be valid through \(minimum) or later, and \(lastValidDay) is earlier."
            return .refused(reason: reason + cite, earliestLastValidDay: minimum)
        }
        return .allowed(note: validity.note)
    }

    /// Whether a holder may take `balance` (minor units of `currency`) out as money `on` a day,
    /// given the voucher's last valid day. `isElectronic`: sent by e-mail or SMS (Denmark).
    public func cashOutAllowed(balance: Int64, currency: String, on day: LocalDate, lastValidDay: LocalDate?,
                               isElectronic: Bool = true) -> CashOutRule {
        cashOut(balance: balance, currency: currency, on: day, lastValidDay: lastValidDay, isElectronic: isElectronic).rule
    }

    /// The payout right that outlives a voucher's expiry: nil unless `day` is after `lastValidDay`
    /// and `cashOutAllowed` entitles the holder, with the last day it runs (nil: no end).
    public func payoutRightAfterExpiry(balance: Int64, currency: String, on day: LocalDate, lastValidDay: LocalDate,
                                       isElectronic: Bool = true) -> PayoutRight? {
        guard day > lastValidDay else { return nil }
        let decided = cashOut(balance: balance, currency: currency, on: day, lastValidDay: lastValidDay, isElectronic: isElectronic)
        guard case .holderEntitled(let reason) = decided.rule else { return nil }
        return PayoutRight(balance: balance, currency: currency, until: decided.until, reason: reason)
    }

    /// The one copy of the cash-out rule, with the last day an entitlement runs: nil under a
    /// threshold (no end), or for a voucher without expiry.
    private func cashOut(balance: Int64, currency: String, on day: LocalDate, lastValidDay: LocalDate?,
                         isElectronic: Bool) -> (rule: CashOutRule, until: LocalDate?) {
        let cite = " (Source: \(source); confidence \(confidence).)"
        guard balance > 0 else { return (.notRequired(reason: "Nothing is left to pay out."), nil) }
        if let threshold = thresholds(on: day).first {
            if threshold.currency != currency {
                return (.notRequired(reason: "The \(name) cash-out threshold is set in \(threshold.currency), the voucher is in \(currency); check by hand." + cite), nil)
            }
            if balance < threshold.belowMinor {
                return (.holderEntitled(reason: "In \(name) a balance under \(threshold.belowMinor) \(currency) minor units is paid out on request (since \(threshold.effectiveFrom))." + cite), nil)
            }
        }
        if let period = payoutAfterExpiry(isElectronic: isElectronic), period.runs(on: day, lastValidDay: lastValidDay) {
            return (.holderEntitled(reason: "In \(name) the holder may demand payout during validity and up to \(period.words) after expiry." + cite),
                    lastValidDay.flatMap(period.lastDay(after:)))
        }
        return (.notRequired(reason: cashOut.note + cite), nil)
    }

    /// The payout right during validity and for a period after expiry (Denmark), nil when the
    /// preset gives none, or gives it to electronic cards only and this one is not.
    public func payoutAfterExpiry(isElectronic: Bool = true) -> PayoutAfterExpiry? {
        guard isElectronic || !cashOut.electronicOnly else { return nil }
        if let months = cashOut.afterExpiryMonths { return PayoutAfterExpiry(length: .months(months)) }
        if let days = cashOut.afterExpiryDays { return PayoutAfterExpiry(length: .days(days)) }
        return nil
    }

    /// Thresholds in force on `day`, latest first.
    func thresholds(on day: LocalDate) -> [Threshold] {
        cashOut.thresholds.filter { $0.effectiveFrom <= day }.sorted { $0.effectiveFrom > $1.effectiveFrom }
    }
}
