/// Totals of a policy run over many cases (`policy simulate`).
public struct PolicySimulation: Sendable, Codable, Equatable {
    public let policyID: String
    public let policyVersion: Int
    public var cases = 0
    public var grants = 0
    public var refers = 0
    public var denials = 0
    public var noRuleMatched = 0
    /// Of the grants and refers above: how many a limit turned from a grant.
    public var limited = 0
    public var daysGranted = 0
    /// Balance covered by grants, minor units per currency.
    public var valueExtended: [String: Int64] = [:]
    /// How often each rule decided.
    public var decisionsByRule: [String: Int] = [:]

    public init(policyID: String, policyVersion: Int) {
        self.policyID = policyID
        self.policyVersion = policyVersion
    }

    public mutating func add(_ decision: PolicyDecision) {
        cases += 1
        if decision.limitApplied != nil { limited += 1 }
        if let rule = decision.ruleName { decisionsByRule[rule, default: 0] += 1 }
        switch decision.outcome {
        case .grant(let days, _, _):
            grants += 1
            daysGranted += days
            // Capped, not wrapped: a wrapped total would turn negative and look plausible.
            let (sum, overflow) = valueExtended[decision.facts.currency, default: 0].addingReportingOverflow(decision.facts.remainingBalance)
            valueExtended[decision.facts.currency] = overflow ? Int64.max : sum
        case .refer: refers += 1
        case .deny: denials += 1
        case .noRuleMatched: noRuleMatched += 1
        }
    }
}
