import GoodwillCore

/// The one table of facts a policy may name: JSON name, type, and how to read it.
/// "Unknown fact" and "wrong type" are both checked against this table at load.
public struct Fact: Sendable {
    public let name: String
    public let type: FactType
    /// Plain words for the README and for error messages.
    public let meaning: String
    /// Allowed string values when the set is closed (requester); nil when open.
    public let allowedValues: [String]?
    /// True for an amount of money, in minor units of the voucher's currency: a number written
    /// otherwise (100.00) is refused with advice in minor units.
    public let isMoney: Bool
    let read: @Sendable (PolicyFacts) -> FactValue

    init(name: String, type: FactType, meaning: String, allowedValues: [String]?, isMoney: Bool = false,
         read: @escaping @Sendable (PolicyFacts) -> FactValue) {
        self.name = name
        self.type = type
        self.meaning = meaning
        self.allowedValues = allowedValues
        self.isMoney = isMoney
        self.read = read
    }

    public func value(in facts: PolicyFacts) -> FactValue { read(facts) }

    public static let all: [Fact] = [
        Fact(name: "days_since_expiry", type: .integer,
             meaning: "days since the last valid day (negative before it, 0 on it)",
             allowedValues: nil) { .integer(Int64($0.daysSinceExpiry)) },
        Fact(name: "remaining_balance", type: .integer,
             meaning: "remaining balance in minor units", allowedValues: nil, isMoney: true) { .integer($0.remainingBalance) },
        Fact(name: "original_value", type: .integer,
             meaning: "original value in minor units", allowedValues: nil, isMoney: true) { .integer($0.originalValue) },
        Fact(name: "fraction_used_percent", type: .integer,
             meaning: "whole percent of the original value already used (0-100)",
             allowedValues: nil) { .integer(Int64($0.fractionUsedPercent)) },
        Fact(name: "prior_extension_count", type: .integer,
             meaning: "number of earlier extensions of this voucher",
             allowedValues: nil) { .integer(Int64($0.priorExtensionCount)) },
        Fact(name: "prior_extension_days", type: .integer,
             meaning: "total days of earlier extensions", allowedValues: nil) { .integer(Int64($0.priorExtensionDays)) },
        Fact(name: "holder_tenure_days", type: .integer,
             meaning: "days since the holder was first seen", allowedValues: nil) { .integer(Int64($0.holderTenureDays)) },
        Fact(name: "vouchers_held", type: .integer,
             meaning: "vouchers the holder holds", allowedValues: nil) { .integer(Int64($0.vouchersHeld)) },
        Fact(name: "vouchers_bought", type: .integer,
             meaning: "vouchers the holder has bought", allowedValues: nil) { .integer(Int64($0.vouchersBought)) },
        Fact(name: "has_open_support_case", type: .boolean,
             meaning: "the holder has an open support case", allowedValues: nil) { .bool($0.hasOpenSupportCase) },
        // Closed sets: a misspelt value ("value" for "gift_card") would make its rule silently never hold.
        Fact(name: "voucher_kind", type: .string,
             meaning: "the voucher's kind (gift_card or experience)",
             allowedValues: VoucherKind.allCases.map(\.rawValue)) { .string($0.voucherKind) },
        Fact(name: "tags", type: .stringList,
             meaning: "the voucher's tags", allowedValues: nil) { .strings($0.tags) },
        Fact(name: "requester", type: .string,
             meaning: "who asks", allowedValues: Requester.allCases.map(\.rawValue)) { .string($0.requester.rawValue) },
        Fact(name: "jurisdiction", type: .string,
             meaning: "the issuing jurisdiction code (SE, US-CA, …)", allowedValues: nil) { .string($0.jurisdiction) },
        Fact(name: "currency", type: .string,
             meaning: "ISO 4217 currency of the voucher",
             allowedValues: Currency.allKnown.map(\.code)) { .string($0.currency) },
        Fact(name: "goodwill_this_month_count", type: .integer,
             meaning: "goodwill extensions granted this month, in every currency",
             allowedValues: nil) { .integer(Int64($0.goodwillThisMonthCount)) },
        Fact(name: "goodwill_this_month_value", type: .integer,
             meaning: "balance covered by goodwill extensions this month in the voucher's currency, minor units",
             allowedValues: nil, isMoney: true) { .integer($0.goodwillThisMonthValue) },
    ]

    public static let byName: [String: Fact] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// Facts that stay in the table (stored decisions carry them) but that a policy may not test
    /// yet, with the reason. Vouchers carry no tags, so `tags` is always empty in live decisions:
    /// a condition on it could never hold, and a rule built on it would silently never decide.
    public static let notYetTestable: [String: String] = [
        "tags": "vouchers carry no tags yet, so the list is always empty and this condition could never hold; use voucher_kind or another fact",
    ]

    /// The facts a policy may test, for "known facts are …" in error messages.
    public static var testable: [Fact] { all.filter { notYetTestable[$0.name] == nil } }

    public static func named(_ name: String) -> Fact? { byName[name] }
}
