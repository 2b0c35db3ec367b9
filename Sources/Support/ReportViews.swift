import Foundation
import GoodwillCore

/// Any report as rows and columns, for the CLI's table and CSV output. Amounts in tables are
/// decimal strings in the currency's unit (CSV-friendly), always beside a currency column.
public struct ReportTable: Sendable, Equatable {
    public var title: String
    public var header: [String]
    public var rows: [[String]]
    /// Lines printed under the table (totals, checks).
    public var footer: [String]
    /// The columns that hold free text (a rule's or an agent's name), guarded in CSV; every other
    /// column is a currency, a month, a count or an amount, written as it is.
    public var textColumns: Set<String>
    /// The columns of decimal numbers (amounts in the currency's unit, percents): written with a
    /// decimal comma in a CSV separated by semicolons. No other column holds a decimal number (an
    /// `as_of` time may have a fraction of a second, and stays as RFC 3339 writes it).
    public var decimalColumns: Set<String>
    /// What the title and footer say about the whole report that a program reading the CSV needs:
    /// when it was taken (`as_of`), over which period, whether it balances. The CSV has no title
    /// or footer, so these are columns after the table's own, the same in every row.
    public var context: [Context] = []
    /// Footer figures that belong to a row (the part of a month's balance still claimable as
    /// payout), which the CSV carries as columns after the table's own and before `context`. When
    /// they are set, `csvRows` are the CSV's rows: the table's, each with these cells, and a row for
    /// a group only the footer names (a month whose whole expired balance is still claimable).
    public var rowFigures: [String] = []
    /// The CSV's rows when they are not the table's: with `rowFigures`, as above; or a row that
    /// keeps the `context` columns of a report with no rows (the goodwill report with nothing
    /// granted, whose referred and denied counts would go with the rows).
    public var csvRows: [[String]]?

    public struct Context: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) { self.name = name; self.value = value }
    }

    /// The table as CSV: the header and the rows, each followed by the `context` columns. The
    /// title and footer are not in it: a CSV is one table, and a line of prose under it would be
    /// read as a row. Totals are sums of the rows; everything else the footer says is in the JSON.
    public var csv: String { csv(separator: .comma) }

    /// The same, separated by `separator`. With semicolons, as Excel writes and reads CSV where
    /// the comma is the decimal separator (Swedish, Danish, German, French settings…), the decimal
    /// columns take a decimal comma (`1234,50`, `-5,00`, `12,5`), so such a spreadsheet reads them
    /// as numbers: the same digits, only the mark differs. Free text is guarded either way.
    public func csv(separator: CSVSeparator) -> String {
        let values = context.map(\.value)
        var columns = CSVColumns(header + rowFigures + context.map(\.name), text: textColumns)
        columns.separator = separator
        let decimal = separator == .semicolon ? columns.names.map(decimalColumns.contains) : []
        return columns.document((csvRows ?? rows).map { row in
            var cells = row + values
            for i in decimal.indices where decimal[i] { cells[i] = DecimalComma.written(cells[i]) }
            return cells
        })
    }
}

public protocol TabularReport: Encodable, Sendable {
    var table: ReportTable { get }
}

/// Money grouped under a label: a currency total, a month, a cohort.
public struct AmountLine: Sendable, Codable, Equatable {
    public var currency: String
    /// A month `YYYY-MM`, `none` (no expiry) or nil for a plain total.
    public var month: String?
    public var vouchers: Int
    public var amount: Money

    enum CodingKeys: String, CodingKey { case currency, month, vouchers, amount }

    /// A table row: currency, month, vouchers, amount.
    var monthRow: [String] { [currency, month ?? "", String(vouchers), amount.decimalString] }
    /// A footer line: "Total SEK: 1234.50 on 7 vouchers".
    var totalLine: String { "Total \(currency): \(amount.decimalString) on \(Plural.count(vouchers, "voucher"))" }

    /// The CSV columns a by-month table gets for the part of each month still claimable as payout.
    static let payoutClaimableColumns = ["payout_claimable_vouchers", "payout_claimable_amount"]

    /// The CSV rows of a by-month table (`monthRow`), each followed by the vouchers and amount of
    /// `claimable` in its currency and month (0 and 0.00 when none), in the table's order; a month
    /// only `claimable` has gets a row of its own with no vouchers and 0.00 in the table's columns.
    static func monthRows(_ lines: [AmountLine], payoutClaimable claimable: [AmountLine]) -> [[String]] {
        struct Key: Hashable, Comparable {
            var currency: String, month: String
            static func < (a: Key, b: Key) -> Bool { (a.currency, a.month) < (b.currency, b.month) }
        }
        func key(_ l: AmountLine) -> Key { Key(currency: l.currency, month: l.month ?? "") }
        func none(_ l: AmountLine) -> AmountLine {
            AmountLine(currency: l.currency, month: l.month, vouchers: 0, amount: Money(minorUnits: 0, currency: l.amount.currency))
        }
        let table = Dictionary(lines.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let claimed = Dictionary(claimable.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        return Set(table.keys).union(claimed.keys).sorted().map { k in
            let line = table[k] ?? none(claimed[k]!), part = claimed[k] ?? none(line)
            return line.monthRow + [String(part.vouchers), part.amount.decimalString]
        }
    }
}

/// Outstanding liability: live balances (active or blocked, not past expiry) by currency and by
/// month of the last valid day, and balances past expiry the holder may still demand as payout.
public struct LiabilityReport: TabularReport, Codable, Equatable {
    public var asOf: String
    public var totals: [AmountLine]
    public var byExpiryMonth: [AmountLine]
    /// The part of the above past expiry but still claimable as payout under the jurisdiction
    /// (Denmark: a year after expiry), by month of expiry; breakage only once that right ends.
    public var payoutClaimable: [AmountLine]

    enum CodingKeys: String, CodingKey { case asOf = "as_of", totals, byExpiryMonth = "by_expiry_month", payoutClaimable = "payout_claimable" }

    public var table: ReportTable {
        ReportTable(title: "Outstanding liability as of \(asOf), by month of expiry",
                    header: ["currency", "expiry_month", "vouchers", "amount"],
                    rows: byExpiryMonth.map(\.monthRow),
                    footer: totals.map(\.totalLine) + payoutClaimable.map {
                        "Of which past expiry, still claimable as payout, \($0.currency) expired \($0.month ?? ""): \($0.amount.decimalString) on \(Plural.count($0.vouchers, "voucher"))"
                    }, textColumns: [], decimalColumns: ["amount", "payout_claimable_amount"], context: [.init("as_of", asOf)],
                    rowFigures: AmountLine.payoutClaimableColumns,
                    csvRows: AmountLine.monthRows(byExpiryMonth, payoutClaimable: payoutClaimable))
    }
}

/// What runs out in the next N days, while it can still be used or extended.
public struct ExpiringReport: TabularReport, Codable, Equatable {
    public var asOf: String
    public var days: Int
    public var until: String
    public var totals: [AmountLine]

    enum CodingKeys: String, CodingKey { case asOf = "as_of", days, until, totals }

    public var table: ReportTable {
        ReportTable(title: "Expiring in the next \(Plural.count(days, "day")) (\(asOf) … \(until))",
                    header: ["currency", "vouchers", "amount"],
                    rows: totals.map { [$0.currency, String($0.vouchers), $0.amount.decimalString] }, footer: [], textColumns: [],
                    decimalColumns: ["amount"], context: [.init("as_of", asOf), .init("until", until)])
    }
}

/// Value that expired unredeemed (balances of expired vouchers), by month of expiry; not yet the
/// balances the holder may still demand as payout, which stay liability until that right ends.
public struct BreakageReport: TabularReport, Codable, Equatable {
    public var asOf: String
    public var byMonth: [AmountLine]
    public var totals: [AmountLine]
    /// Expired balances left out above because they are still claimable as payout (the liability
    /// report counts them), by month of expiry.
    public var payoutClaimable: [AmountLine]

    enum CodingKeys: String, CodingKey { case asOf = "as_of", byMonth = "by_month", totals, payoutClaimable = "payout_claimable" }

    public var table: ReportTable {
        ReportTable(title: "Breakage: value that expired unredeemed, by month of expiry (as of \(asOf))",
                    header: ["currency", "month", "vouchers", "amount"],
                    rows: byMonth.map(\.monthRow),
                    footer: totals.map(\.totalLine) + payoutClaimable.map {
                        "Not yet breakage, still claimable as payout (counted as liability), \($0.currency) expired \($0.month ?? ""): \($0.amount.decimalString) on \(Plural.count($0.vouchers, "voucher"))"
                    }, textColumns: [], decimalColumns: ["amount", "payout_claimable_amount"], context: [.init("as_of", asOf)],
                    rowFigures: AmountLine.payoutClaimableColumns,
                    csvRows: AmountLine.monthRows(byMonth, payoutClaimable: payoutClaimable))
    }
}

/// Extensions granted, grouped by rule or by agent.
public struct GoodwillLine: Sendable, Codable, Equatable {
    /// `rule` or `agent`.
    public var group: String
    public var name: String
    public var currency: String
    public var extensions: Int
    public var days: Int
    public var overrides: Int
    /// Balance the extensions kept alive (the balance at the time of each grant).
    public var valueKeptAlive: Money
    /// Of that, what was redeemed after the grant: the goodwill that came back.
    public var laterRedeemed: Money

    enum CodingKeys: String, CodingKey {
        case group, name, currency, extensions, days, overrides, valueKeptAlive = "value_kept_alive", laterRedeemed = "later_redeemed"
    }
}

public struct GoodwillReport: TabularReport, Codable, Equatable {
    public var asOf: String
    public var byRule: [GoodwillLine]
    public var byAgent: [GoodwillLine]
    /// Per currency, each voucher counted once (from its first extension).
    public var totals: [GoodwillLine]
    public var overrides: Int
    public var referred: Int
    public var denied: Int

    enum CodingKeys: String, CodingKey { case asOf = "as_of", byRule = "by_rule", byAgent = "by_agent", totals, overrides, referred, denied }

    public var table: ReportTable {
        ReportTable(title: "Goodwill: extensions by rule and by agent (as of \(asOf))",
                    header: Self.header,
                    rows: (byRule + byAgent + totals).map {
                        [$0.group, $0.name, $0.currency, String($0.extensions), String($0.days), String($0.overrides),
                         $0.valueKeptAlive.decimalString, $0.laterRedeemed.decimalString]
                    },
                    footer: ["Overrides: \(overrides); referred to a person: \(referred); denied: \(denied)"], textColumns: ["name"],
                    decimalColumns: ["value_kept_alive", "later_redeemed"],
                    context: [.init("as_of", asOf), .init("referred", String(referred)), .init("denied", String(denied))],
                    csvRows: byRule.isEmpty && byAgent.isEmpty && totals.isEmpty ? [Self.nothingGrantedRow] : nil)
    }

    /// The CSV's one row when nothing was granted, so the referred and denied counts (columns of
    /// every row) are not lost with the rows: the total of no extensions, in no currency, so with
    /// no amounts. A sum over any column is unchanged by it. The table says "(nothing)" instead.
    static let nothingGrantedRow = header.map { ["group": "total", "name": "all", "extensions": "0", "days": "0", "overrides": "0"][$0, default: ""] }
    static let header = ["group", "name", "currency", "extensions", "days", "overrides", "value_kept_alive", "later_redeemed"]
}

/// Share of issued value redeemed, by issue month (UTC): the redemption curve per cohort.
public struct RedemptionCohort: Sendable, Codable, Equatable {
    public var currency: String
    public var issueMonth: String
    public var vouchers: Int
    public var issued: Money
    public var redeemed: Money
    /// redeemed / issued, in percent with one decimal (a ratio, not money).
    public var redeemedPercent: Double

    enum CodingKeys: String, CodingKey { case currency, issueMonth = "issue_month", vouchers, issued, redeemed, redeemedPercent = "redeemed_percent" }
}

public struct RedemptionReport: TabularReport, Codable, Equatable {
    public var asOf: String
    public var cohorts: [RedemptionCohort]

    enum CodingKeys: String, CodingKey { case asOf = "as_of", cohorts }

    public var table: ReportTable {
        ReportTable(title: "Redemption by issue month (as of \(asOf))",
                    header: ["currency", "issue_month", "vouchers", "issued", "redeemed", "redeemed_percent"],
                    rows: cohorts.map { [$0.currency, $0.issueMonth, String($0.vouchers), $0.issued.decimalString,
                                         $0.redeemed.decimalString, String(format: "%.1f", $0.redeemedPercent)] }, footer: [], textColumns: [],
                    decimalColumns: ["issued", "redeemed", "redeemed_percent"], context: [.init("as_of", asOf)])
    }
}

/// liability + redeemed + refunded + breakage = issued + adjusted − voided, per currency. The left
/// side comes from the voucher rows, the right from the ledger entries, so each checks the other.
public struct ReconciliationLine: Sendable, Encodable, Equatable {
    public var currency: String
    public var issued: Money
    public var redeemed: Money
    public var refunded: Money
    public var voided: Money
    public var adjusted: Money
    public var liability: Money
    public var breakage: Money
    /// (liability + redeemed + refunded + breakage) − (issued + adjusted − voided); zero when it reconciles.
    public var difference: Money
    public var balanced: Bool { difference.isZero }

    enum CodingKeys: String, CodingKey { case currency, issued, redeemed, refunded, voided, adjusted, liability, breakage, difference, balanced }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(currency, forKey: .currency); try c.encode(issued, forKey: .issued); try c.encode(redeemed, forKey: .redeemed)
        try c.encode(refunded, forKey: .refunded); try c.encode(voided, forKey: .voided); try c.encode(adjusted, forKey: .adjusted)
        try c.encode(liability, forKey: .liability); try c.encode(breakage, forKey: .breakage)
        try c.encode(difference, forKey: .difference); try c.encode(balanced, forKey: .balanced)
    }
}

public struct ReconciliationReport: TabularReport, Equatable {
    public var asOf: String
    public var currencies: [ReconciliationLine]
    public var balanced: Bool

    enum CodingKeys: String, CodingKey { case asOf = "as_of", currencies, balanced }

    public var table: ReportTable {
        ReportTable(title: "Reconciliation as of \(asOf): liability + redeemed + refunded + breakage = issued + adjusted − voided",
                    header: ["currency", "issued", "adjusted", "voided", "redeemed", "refunded", "breakage", "liability", "difference"],
                    rows: currencies.map { [$0.currency, $0.issued.decimalString, $0.adjusted.decimalString, $0.voided.decimalString,
                                            $0.redeemed.decimalString, $0.refunded.decimalString, $0.breakage.decimalString,
                                            $0.liability.decimalString, $0.difference.decimalString] },
                    footer: [balanced ? "Balanced: every currency reconciles." : "NOT BALANCED: the voucher rows and the ledger disagree; run 'goodwill verify'."],
                    textColumns: [],
                    decimalColumns: ["issued", "adjusted", "voided", "redeemed", "refunded", "breakage", "liability", "difference"],
                    context: [.init("as_of", asOf), .init("balanced", String(balanced))])
    }
}
