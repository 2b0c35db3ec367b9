/// Why a policy file was refused. `description` names the file, the rule (number and name)
/// and the field, then says what is wrong and what would be accepted, e.g.
/// `default.json: rule 3 "long-standing holders": condition "tenure_dayz": unknown fact; known facts are …`.
public struct PolicyLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case unreadable, notJSON, missingField, unknownField, wrongType, invalidValue
        case unknownFact, unknownMessageKey, unknownOutcomeKind, invalidRange
        case duplicateRuleName, exceedsLimit
        /// A name given twice in one object: readers disagree on which one counts.
        case repeatedField
        /// An earlier rule decides every case this one covers, so it can never decide.
        case unreachableRule
    }

    public let kind: Kind
    public let fileName: String
    /// 1-based, as a person counts the rules in the file.
    public let ruleNumber: Int?
    public let ruleName: String?
    /// `version`, `limits.max_total_extension_days`, `condition "tenure_days"`, `outcome.days`, …
    public let field: String?
    public let problem: String

    public init(kind: Kind, fileName: String, ruleNumber: Int? = nil, ruleName: String? = nil,
                field: String? = nil, problem: String) {
        self.kind = kind
        self.fileName = fileName
        self.ruleNumber = ruleNumber
        self.ruleName = ruleName
        self.field = field
        self.problem = problem
    }

    public var description: String {
        var parts = [fileName]
        if let ruleNumber {
            parts.append(ruleName.map { "rule \(ruleNumber) \"\($0)\"" } ?? "rule \(ruleNumber)")
        }
        if let field { parts.append(field) }
        return parts.joined(separator: ": ") + ": " + problem
    }
}
