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
        /// Payout on demand during validity and this many days after expiry.
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

    public static func load(data: Data, fileName: String) throws(JurisdictionLoadError) -> JurisdictionPreset {
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
        return preset
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
