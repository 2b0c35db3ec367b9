import Foundation
import GoodwillCore

/// A loaded, validated goodwill policy. Construct one with `PolicyLoader`; every value in it
/// has been checked against the fact table, the message catalog and the limits.
public struct Policy: Sendable, Equatable {
    public let id: String
    public let version: Int
    public let description: String
    /// A jurisdiction code (`SE`, `US-CA`, …) or `any`.
    public let jurisdiction: String
    public let limits: PolicyLimits
    public let rules: [PolicyRule]
    /// The file name it was loaded from, for messages.
    public let fileName: String
    /// The exact bytes loaded; the ledger hashes these (SHA-256) into `contentHash`.
    public let sourceBytes: Data
    /// Hex digest of `sourceBytes` from the hasher given to the loader.
    public let contentHash: String
}

/// Bounds no rule can exceed; checked after a rule is chosen.
public struct PolicyLimits: Sendable, Equatable {
    public enum WhenExceeded: String, Sendable, Codable { case refer, deny }

    public let maxExtensionsPerVoucher: Int
    public let maxTotalExtensionDays: Int
    /// Balance value that may be extended per calendar month, per currency, in minor units.
    /// A currency missing here cannot be checked, so such grants go to a person.
    public let monthlyGoodwillBudget: [String: Int64]
    /// What a grant becomes when it would exceed a limit.
    public let whenExceeded: WhenExceeded
}

public struct PolicyRule: Sendable, Equatable {
    public let name: String
    public let conditions: [Condition]
    public let outcome: RuleOutcome
}

/// One test of one fact. Every operator present must hold.
public struct Condition: Sendable, Equatable {
    public enum Test: Sendable, Equatable {
        case min(Int64)
        case max(Int64)
        /// A number's `equals`: one test, so the trace can say "exactly" rather than a bound.
        case equalsInteger(Int64)
        case equalsString(String)
        case equalsBool(Bool)
        case oneOf([String])
        /// For list facts: the list contains this value. (`tags`, the only one, cannot be tested yet.)
        case includes(String)
        /// For list facts: the list contains at least one of these.
        case includesAnyOf([String])
    }

    public let fact: String
    public let tests: [Test]
}

/// What a matching rule proposes.
public enum RuleOutcome: Sendable, Equatable {
    public enum GrantLength: Sendable, Equatable {
        case days(Int)
        /// Extend to this last valid day; resolves to days at evaluation.
        case until(LocalDate)
    }

    case grant(GrantLength, messageKey: String)
    case refer(suggestedDays: Int, reasonKey: String)
    case deny(messageKey: String, alternative: Alternative?)
}

/// Something kind to offer instead of an extension.
public struct Alternative: Sendable, Codable, Equatable {
    public let messageKey: String
    /// For discount and credit alternatives.
    public let percent: Int?

    public init(messageKey: String, percent: Int? = nil) {
        self.messageKey = messageKey
        self.percent = percent
    }
}
