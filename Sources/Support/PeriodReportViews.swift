import Foundation
import GoodwillCore

/// One currency's liability roll-forward over a period: the liability at the opening instant, every
/// flow that moved it, and the liability at the closing instant. Opening and closing are each
/// computed on their own from the vouchers' state at that instant (replayed from the entries); the
/// flows from the entries in between and the expiries that fell in it. Every flow is signed as it
/// moves the liability (issued positive, redeemed negative), so `opening + flows = closing`.
public struct RollForwardLine: Sendable, Encodable, Equatable {
    public var currency: String
    /// Owed at the opening instant: live balances (active and not past expiry, or blocked) and
    /// balances past expiry still claimable as payout; the latter also shown apart.
    public var opening: Money
    public var openingPayoutClaimable: Money
    public var issued: Money
    /// Redemptions (negative), including what an import recorded as used before it.
    public var redeemed: Money
    public var redemptionReversed: Money
    public var refunded: Money
    public var voided: Money
    /// Corrections up and down, net.
    public var adjusted: Money
    /// Balances that left the liability unredeemed (negative): expired in the period with no payout
    /// right, a payout right that ended in it, or an unblock of a voucher already past expiry; and
    /// what an entry added to a balance that stays past expiry (an adjustment up, a reversal).
    public var breakage: Money
    /// Balances that came back into the liability (positive): an extension (or block) of a voucher
    /// past expiry, a payout right that began; and what an entry took from a balance past expiry
    /// (a refund, void or adjustment down of an expired balance: reinstated, then moved out).
    public var reinstated: Money
    public var closing: Money
    public var closingPayoutClaimable: Money
    /// Not a flow: balances that expired in the period but stayed owed, as claimable payout.
    public var expiredIntoPayoutClaimable: Money
    /// (opening + flows) − closing; zero when the roll-forward balances.
    public var difference: Money
    public var balanced: Bool { difference.isZero }

    /// The flows in the order they are shown, with their JSON names.
    public var flows: [(name: String, amount: Money)] {
        [("issued", issued), ("redeemed", redeemed), ("redemption_reversed", redemptionReversed), ("refunded", refunded),
         ("voided", voided), ("adjusted", adjusted), ("breakage", breakage), ("reinstated", reinstated)]
    }

    enum CodingKeys: String, CodingKey {
        case currency, opening, openingPayoutClaimable = "opening_payout_claimable", issued, redeemed,
             redemptionReversed = "redemption_reversed", refunded, voided, adjusted, breakage, reinstated, closing,
             closingPayoutClaimable = "closing_payout_claimable", expiredIntoPayoutClaimable = "expired_into_payout_claimable",
             difference, balanced
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(currency, forKey: .currency)
        try c.encode(opening, forKey: .opening); try c.encode(openingPayoutClaimable, forKey: .openingPayoutClaimable)
        try c.encode(issued, forKey: .issued); try c.encode(redeemed, forKey: .redeemed)
        try c.encode(redemptionReversed, forKey: .redemptionReversed); try c.encode(refunded, forKey: .refunded)
        try c.encode(voided, forKey: .voided); try c.encode(adjusted, forKey: .adjusted)
        try c.encode(breakage, forKey: .breakage); try c.encode(reinstated, forKey: .reinstated)
        try c.encode(closing, forKey: .closing); try c.encode(closingPayoutClaimable, forKey: .closingPayoutClaimable)
        try c.encode(expiredIntoPayoutClaimable, forKey: .expiredIntoPayoutClaimable)
        try c.encode(difference, forKey: .difference); try c.encode(balanced, forKey: .balanced)
    }
}

/// The liability roll-forward between two instants, per currency, with the check that it balances.
public struct RollForwardReport: TabularReport, Equatable {
    public var asOf: String
    /// The days asked for, and the zone their boundaries are taken in.
    public var from: String
    public var to: String
    public var timeZone: String
    /// The instants the period runs between: the start of `from` and the end of `to` in `timeZone`,
    /// or now when `to` has not ended yet (the report never projects).
    public var openingAt: String
    public var closingAt: String
    public var currencies: [RollForwardLine]
    public var balanced: Bool
    /// Flows finance asks for that the ledger does not record, so the report cannot show them.
    public var notRecorded: [String]
    /// What a reader must know to read the figures: the missing escheat flow, the jurisdiction used.
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", from, to, timeZone = "time_zone", openingAt = "opening_at", closingAt = "closing_at", currencies, balanced,
             notRecorded = "not_recorded", notes
    }

    public var table: ReportTable {
        var rows: [[String]] = []
        for l in currencies {
            let claimable = !(l.openingPayoutClaimable.isZero && l.closingPayoutClaimable.isZero && l.expiredIntoPayoutClaimable.isZero)
            rows.append([l.currency, "opening", l.opening.decimalString])
            if claimable { rows.append([l.currency, "opening_payout_claimable", l.openingPayoutClaimable.decimalString]) }
            rows += l.flows.map { [l.currency, $0.name, $0.amount.decimalString] }
            rows.append([l.currency, "closing", l.closing.decimalString])
            if claimable {
                rows.append([l.currency, "closing_payout_claimable", l.closingPayoutClaimable.decimalString])
                rows.append([l.currency, "expired_into_payout_claimable", l.expiredIntoPayoutClaimable.decimalString])
            }
            rows.append([l.currency, "difference", l.difference.decimalString])
        }
        return ReportTable(title: "Liability roll-forward \(from) … \(to) (\(timeZone)): \(openingAt) to \(closingAt)",
                           header: ["currency", "line", "amount"], rows: rows,
                           footer: ["Flows are signed as they move the liability: opening + issued + redeemed + redemption_reversed + refunded + voided + adjusted + breakage + reinstated = closing."]
                            + notes
                            + [balanced ? "Balanced: opening + flows = closing in every currency."
                               : "NOT BALANCED: the flows do not lead from the opening to the closing liability; run 'goodwill verify'."],
                           textColumns: [], decimalColumns: ["amount"],
                           context: [.init("as_of", asOf), .init("from", from), .init("to", to), .init("time_zone", timeZone),
                                     .init("opening_at", openingAt), .init("closing_at", closingAt), .init("balanced", String(balanced))])
    }
}

/// Outstanding balances in one group of an ageing: a currency and a bucket of days to expiry.
public struct AgeingLine: Sendable, Codable, Equatable {
    public var currency: String
    /// `expired_claimable`, `expired_blocked`, `0-30`, `31-90`, `91-180`, `181-365`, `over_365` or `no_expiry`.
    public var bucket: String
    public var vouchers: Int
    public var amount: Money
}

/// What is owed now, aged: by days left to the last valid day (counted in each voucher's own zone)
/// and by issue month (the cohort, in the voucher's zone, as the redemption report counts it).
public struct AgeingReport: TabularReport, Codable, Equatable {
    public var asOf: String
    public var byExpiry: [AgeingLine]
    /// `month` is the issue month.
    public var byIssueMonth: [AmountLine]
    /// The liability report's totals: every line above falls in one bucket and one cohort.
    public var totals: [AmountLine]

    /// The buckets of days left, in order, with the first day of each: days 0 (the last valid day is
    /// today) to 30, 31 to 90, and so on.
    public static let buckets: [(name: String, from: Int)] = [("0-30", 0), ("31-90", 31), ("91-180", 91), ("181-365", 181), ("over_365", 366)]
    public static let expiredClaimable = "expired_claimable"
    public static let expiredBlocked = "expired_blocked"
    public static let noExpiry = "no_expiry"

    enum CodingKeys: String, CodingKey { case asOf = "as_of", byExpiry = "by_expiry", byIssueMonth = "by_issue_month", totals }

    public var table: ReportTable {
        ReportTable(title: "Ageing of the outstanding liability as of \(asOf): by days to expiry and by issue month",
                    header: ["currency", "by", "group", "vouchers", "amount"],
                    rows: byExpiry.map { [$0.currency, "days_to_expiry", $0.bucket, String($0.vouchers), $0.amount.decimalString] }
                        + byIssueMonth.map { [$0.currency, "issue_month", $0.month ?? "", String($0.vouchers), $0.amount.decimalString] },
                    footer: totals.map(\.totalLine) + [
                        "Days to expiry count from today to the last valid day in each voucher's zone. expired_claimable: past expiry, still claimable as payout under the jurisdiction; expired_blocked: past expiry but blocked, so still owed.",
                    ],
                    textColumns: [], decimalColumns: ["amount"], context: [.init("as_of", asOf)])
    }
}

/// One point of a redemption curve: how much of the cohort's value was redeemed (net of
/// reversals) by the end of the n-th month after its issue month (0: within the issue month).
public struct CurvePoint: Sendable, Codable, Equatable {
    public var monthsSinceIssue: Int
    /// Cumulative.
    public var redeemed: Money
    /// redeemed / issued, in percent with one decimal, as the redemption report gives it.
    public var redeemedPercent: Double

    enum CodingKeys: String, CodingKey { case monthsSinceIssue = "months_since_issue", redeemed, redeemedPercent = "redeemed_percent" }
}

/// A cohort's redemption curve: a point for every month from its issue month to this one.
public struct RedemptionCurve: Sendable, Codable, Equatable {
    public var currency: String
    public var issueMonth: String
    public var vouchers: Int
    public var issued: Money
    public var points: [CurvePoint]

    enum CodingKeys: String, CodingKey { case currency, issueMonth = "issue_month", vouchers, issued, points }
}

/// Redemption curves per issue-month cohort: the redemption report's figures month by month. The
/// last point of each curve is that report's redeemed and redeemed_percent.
public struct RedemptionCurvesReport: TabularReport, Codable, Equatable {
    public var asOf: String
    public var cohorts: [RedemptionCurve]

    /// The months a table or CSV shows a column for (JSON has every month).
    public static let tableMonths = [0, 1, 2, 3, 6, 12, 18, 24, 36]

    enum CodingKeys: String, CodingKey { case asOf = "as_of", cohorts }

    public var table: ReportTable {
        ReportTable(title: "Redemption curves by issue month (as of \(asOf)): percent of value redeemed by the end of month N after the issue month",
                    header: ["currency", "issue_month", "vouchers", "issued"] + Self.tableMonths.map { "m\($0)" } + ["now"],
                    rows: cohorts.map { c in
                        [c.currency, c.issueMonth, String(c.vouchers), c.issued.decimalString]
                            + Self.tableMonths.map { m in c.points.first { $0.monthsSinceIssue == m }.map { String(format: "%.1f", $0.redeemedPercent) } ?? "" }
                            + [c.points.last.map { String(format: "%.1f", $0.redeemedPercent) } ?? ""]
                    },
                    footer: ["Months are counted in each voucher's zone, m0 being its issue month; a column is blank where the cohort is not that old yet. JSON has every month."],
                    textColumns: [], decimalColumns: Set(["issued", "now"] + Self.tableMonths.map { "m\($0)" }), context: [.init("as_of", asOf)])
    }
}
