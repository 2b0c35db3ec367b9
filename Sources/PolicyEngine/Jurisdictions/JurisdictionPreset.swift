import Foundation
import GoodwillCore

/// The legal frame for vouchers in one jurisdiction: minimum validity and cash-out rights,
/// with the source cited and the confidence stated. Not legal advice: the file says where
/// each rule comes from so a person can check it.
public struct JurisdictionPreset: Sendable, Equatable, Codable {
    public enum Anchor: String, Sendable, Codable {
        /// Counted from the day the voucher was issued.
        case issue
        /// Counted from the last day money was loaded (US CARD Act).
        case lastLoad = "last_load"
    }

    public struct Validity: Sendable, Equatable, Codable {
        /// False where a voucher may not expire at all (California).
        public let expiryAllowed: Bool
        /// Shortest validity the law or settled practice accepts; nil when there is none.
        public let minimumMonths: Int?
        public let anchor: Anchor
        /// Germany: the period starts at the end of the year of issue (§ 199 BGB).
        public let roundToEndOfYear: Bool
        /// The period that applies when the seller stated none (the limitation period).
        public let defaultMonthsWhenUnstated: Int?
        public let note: String
    }

    public struct Threshold: Sendable, Equatable, Codable {
        /// A balance strictly below this many minor units is paid out on request.
        public let belowMinor: Int64
        public let currency: String
        public let effectiveFrom: LocalDate
    }

    public struct CashOut: Sendable, Equatable, Codable {
        /// Small-balance payout rules, the latest effective one applies.
        public let thresholds: [Threshold]
        /// Payout on demand during validity and this many days after expiry. Not with `afterExpiryMonths`.
        public let afterExpiryDays: Int?
        /// Denmark: payout on demand during validity and this many calendar months after expiry. A
        /// year is counted as a period (ends on the same-numbered day, or the month's last day when
        /// that does not exist), which 365 days is not across 29 February. Optional in the file.
        public let afterExpiryMonths: Int?
        /// Whether the period after expiry only covers electronic cards (sent by e-mail or SMS).
        public let electronicOnly: Bool
        public let note: String
    }

    /// `SE`, `US`, `US-CA`, …
    public let code: String
    public let name: String
    public let validity: Validity
    public let cashOut: CashOut
    /// Statute, regulation or case the rules come from.
    public let source: String
    /// `H`, `M-H`, `M`, `L-M` or `L`, as in the domain notes (H high, M medium, L low).
    public let confidence: String
}

public struct JurisdictionLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public let fileName: String
    public let problem: String
    public var description: String { "\(fileName): \(problem)" }
}

extension JurisdictionPreset {
    static let confidenceLevels = ["H", "M-H", "M", "L-M", "L"]

    /// `stored`: bytes the database already holds, set before a check existed. Those are read as they
    /// were read when set (a payout period in both days and months: the months), so that an upgrade
    /// does not stop issuing; a preset being set gets every check.
    public static func load(data: Data, fileName: String, stored: Bool = false) throws(JurisdictionLoadError) -> JurisdictionPreset {
        // Codable alone reads a missing optional key as null and skips unknown keys, so a misspelled
        // `"minimum_month": 60` would load as "no minimum". The fields are checked first, as the
        // policy loader does.
        if case .value(let root) = JSONValue.parse(data) {
            // Bytes already stored are read as they were when set, so an upgrade does not stop issuing.
            let scan = stored ? JSONValue.Scan() : JSONValue.scan(data)
            // A name given twice reads as its first here and as its last elsewhere.
            if let path = scan.firstRepeatedName {
                let field = path.map { step in
                    switch step { case .name(let name): name; case .index(let n): "[\(n)]" }
                }.joined(separator: ".")
                throw JurisdictionLoadError(fileName: fileName, problem: "\(field): given twice; JSON readers disagree on which one counts, so write it once")
            }
            try checkFields(root, fileName: fileName)
            // JSONDecoder reads 100.00 as 100 and 1e3 as 1000: refused since 7 Dec, as in a policy.
            try refuseWholeNumbersWithAPoint(scan.decimals, in: root, fileName: fileName)
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let preset: JurisdictionPreset
        do {
            preset = try decoder.decode(JurisdictionPreset.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw JurisdictionLoadError(fileName: fileName, problem: "\(path(context.codingPath + [key])): missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
                let DecodingError.dataCorrupted(context) {
            throw JurisdictionLoadError(fileName: fileName, problem: "\(path(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw JurisdictionLoadError(fileName: fileName, problem: "could not be read: \(error)")
        }
        guard JurisdictionCode.isWellFormed(preset.code) else {
            throw JurisdictionLoadError(fileName: fileName, problem: "code: expected SE, US-CA or similar, found \"\(preset.code)\"")
        }
        guard confidenceLevels.contains(preset.confidence) else {
            throw JurisdictionLoadError(fileName: fileName, problem: "confidence: expected one of \(confidenceLevels.joined(separator: ", "))")
        }
        guard !preset.source.isEmpty else {
            throw JurisdictionLoadError(fileName: fileName, problem: "source: cite the statute or case the rules come from")
        }
        if !preset.validity.expiryAllowed, preset.validity.minimumMonths != nil {
            throw JurisdictionLoadError(fileName: fileName, problem: "validity.minimum_months: must be null when expiry_allowed is false")
        }
        let counts: [(String, Int64?)] = [
            ("validity.minimum_months", preset.validity.minimumMonths.map(Int64.init)),
            ("validity.default_months_when_unstated", preset.validity.defaultMonthsWhenUnstated.map(Int64.init)),
            ("cash_out.after_expiry_days", preset.cashOut.afterExpiryDays.map(Int64.init)),
            ("cash_out.after_expiry_months", preset.cashOut.afterExpiryMonths.map(Int64.init)),
        ] + preset.cashOut.thresholds.enumerated().map { ("cash_out.thresholds.[\($0.offset)].below_minor", $0.element.belowMinor) }
        for case let (field, value?) in counts where value < 0 {
            throw JurisdictionLoadError(fileName: fileName, problem: "\(field): must be 0 or more, found \(value)")
        }
        // A threshold in a currency no voucher can have never applies: a typo (SKE) would drop the
        // payout right silently, as a jurisdiction condition that names no code never matches.
        // The code is compared as vouchers carry it (SEK), so "sek" would not apply either.
        if !stored, let unknown = preset.cashOut.thresholds.enumerated().first(where: { Currency(code: $0.element.currency)?.code != $0.element.currency }) {
            let field = "cash_out.thresholds.[\(unknown.offset)].currency", written = unknown.element.currency
            if let known = Currency(code: written) {
                throw JurisdictionLoadError(fileName: fileName, problem: """
                    \(field): "\(written)" is not written as vouchers carry their currency, so the threshold would never \
                    apply; write "\(known.code)"
                    """)
            }
            throw JurisdictionLoadError(fileName: fileName, problem: """
                \(field): "\(written)" is not a currency this service knows, so the threshold would never apply; write \
                the ISO 4217 code of a currency it knows, such as SEK, EUR or USD
                """)
        }
        if !stored, let days = preset.cashOut.afterExpiryDays, let months = preset.cashOut.afterExpiryMonths {
            // Two periods, one right: which the holder has would be the code's guess, not the file's.
            throw JurisdictionLoadError(fileName: fileName, problem: """
                cash_out: after_expiry_days (\(days)) and after_expiry_months (\(months)) are both set, but only one period \
                can apply. Keep after_expiry_months for a period in calendar months (a year ends on the same-numbered day) \
                and write "after_expiry_days": null, or keep after_expiry_days and leave after_expiry_months out.
                """)
        }
        return preset
    }

    /// The keys of each object in a preset file. Every key is required; those in `nullable` may be
    /// null ("none"), but must be written, so that a missing or misspelled one is not read as "none".
    /// `after_expiry_months` alone may be left out: it came later than the other fields and only
    /// Denmark needs it (the payout year).
    private static let fields: [String: (required: [String], nullable: Set<String>, optional: [String])] = [
        "": (["code", "name", "validity", "cash_out", "source", "confidence"], [], []),
        "validity": (["expiry_allowed", "minimum_months", "anchor", "round_to_end_of_year", "default_months_when_unstated", "note"],
                     ["minimum_months", "default_months_when_unstated"], []),
        "cash_out": (["thresholds", "after_expiry_days", "electronic_only", "note"], ["after_expiry_days"], ["after_expiry_months"]),
        "cash_out.thresholds": (["below_minor", "currency", "effective_from"], [], []),
    ]

    /// Refuses unknown and missing keys, naming the field; types and values are left to the decoder.
    private static func checkFields(_ root: JSONValue, fileName: String) throws(JurisdictionLoadError) {
        func check(_ value: JSONValue, _ shape: String, at place: String) throws(JurisdictionLoadError) {
            guard case .object(let object) = value, let fields = fields[shape] else { return }
            let prefix = place.isEmpty ? "" : place + "."
            let known = fields.required + fields.optional
            for key in object.keys.sorted() where !known.contains(key) {
                throw JurisdictionLoadError(fileName: fileName, problem: "\(prefix)\(key): unknown field; expected one of \(known.joined(separator: ", "))")
            }
            for key in fields.required {
                guard let field = object[key] else {
                    let hint = fields.nullable.contains(key) ? " (write null for none)" : ""
                    throw JurisdictionLoadError(fileName: fileName, problem: "\(prefix)\(key): missing\(hint)")
                }
                if field == .null, !fields.nullable.contains(key) {
                    throw JurisdictionLoadError(fileName: fileName, problem: "\(prefix)\(key): must not be null")
                }
            }
        }
        try check(root, "", at: "")
        guard case .object(let top) = root else { return }
        if let validity = top["validity"] { try check(validity, "validity", at: "validity") }
        if let cashOut = top["cash_out"] {
            try check(cashOut, "cash_out", at: "cash_out")
            if case .object(let object) = cashOut, case .array(let thresholds)? = object["thresholds"] {
                for (index, threshold) in thresholds.enumerated() {
                    try check(threshold, "cash_out.thresholds", at: "cash_out.thresholds.[\(index)]")
                }
            }
        }
    }

    /// Refuses a whole-number field written with a point or an exponent (`scan`'s decimals), in the
    /// words a policy uses: a threshold says how minor units of its currency are written (`10000 for
    /// 100.00 SEK`); a count of months or days, what to write (`24.0`: 24). The fields are checked
    /// in the order a preset file has them; other fields are left to the decoder.
    private static func refuseWholeNumbersWithAPoint(_ decimals: [[JSONValue.PathStep]: String], in root: JSONValue,
                                                     fileName: String) throws(JurisdictionLoadError) {
        guard !decimals.isEmpty else { return }
        func count(_ object: String, _ key: String) throws(JurisdictionLoadError) {
            guard let text = decimals[[.name(object), .name(key)]] else { return }
            throw JurisdictionLoadError(fileName: fileName, problem: "\(object).\(key): \(PolicyReader.writtenWithPoint(text, counting: .plain))")
        }
        try count("validity", "minimum_months")
        try count("validity", "default_months_when_unstated")
        if case .object(let top) = root, case .object(let cashOut)? = top["cash_out"], case .array(let thresholds)? = cashOut["thresholds"] {
            for (index, threshold) in thresholds.enumerated() {
                guard let text = decimals[[.name("cash_out"), .name("thresholds"), .index(index), .name("below_minor")]] else { continue }
                // The threshold's own currency when this service knows it; two decimals otherwise.
                var currency: Currency?
                if case .object(let fields) = threshold, case .string(let code)? = fields["currency"] { currency = Currency(code: code) }
                let words = PolicyReader.writtenWithPoint(text, counting: .minorUnits(of: currency))
                throw JurisdictionLoadError(fileName: fileName, problem: "cash_out.thresholds.[\(index)].below_minor: \(words)")
            }
        }
        try count("cash_out", "after_expiry_days")
        try count("cash_out", "after_expiry_months")
    }

    public static func load(contentsOf url: URL) throws(JurisdictionLoadError) -> JurisdictionPreset {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw JurisdictionLoadError(fileName: url.lastPathComponent, problem: "could not be read (\(error.localizedDescription))")
        }
        return try load(data: data, fileName: url.lastPathComponent)
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? snakeCase($0.stringValue) }.joined(separator: ".")
    }

    private static func snakeCase(_ name: String) -> String {
        name.reduce(into: "") { out, c in
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
        }
    }
}
