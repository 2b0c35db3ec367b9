import GoodwillCore

extension Policy {
    /// Facts in, decision out. Pure: the same facts always give the same decision.
    /// Rules are tried in file order; the first whose conditions all hold decides, then the
    /// limits are applied to a grant.
    public func evaluate(_ facts: PolicyFacts) -> PolicyDecision {
        var trace: [RuleTrace] = []
        var chosen: (number: Int, rule: PolicyRule, outcome: PolicyOutcome)?
        for (offset, rule) in rules.enumerated() {
            let number = offset + 1
            if chosen != nil {
                trace.append(RuleTrace(ruleNumber: number, ruleName: rule.name, result: .notReached))
                continue
            }
            if let failure = rule.firstFailure(in: facts) {
                trace.append(RuleTrace(ruleNumber: number, ruleName: rule.name, result: failure))
                continue
            }
            switch resolve(rule.outcome, facts: facts) {
            case .success(let outcome):
                trace.append(RuleTrace(ruleNumber: number, ruleName: rule.name, result: .matched))
                chosen = (number, rule, outcome)
            case .failure(let notApplicable):
                trace.append(RuleTrace(ruleNumber: number, ruleName: rule.name, result: .notApplicable(reason: notApplicable.reason)))
            }
        }
        guard let chosen else {
            return decision(facts, .noRuleMatched, rule: nil, breach: nil, trace: trace)
        }
        guard case .grant(let days, _, _) = chosen.outcome, let breach = limits.breach(facts: facts, days: days) else {
            return decision(facts, chosen.outcome, rule: (chosen.number, chosen.rule.name), breach: nil, trace: trace)
        }
        let limited: PolicyOutcome = switch limits.whenExceeded {
        case .refer: .refer(suggestedDays: days, reasonKey: "refer.limit_reached")
        // Each limit explains itself: a voucher's own limits and the month's budget are different stories.
        case .deny: .deny(messageKey: breach.isMonthlyBudget ? "deny.budget_reached" : "deny.limit_reached", alternative: nil)
        }
        return decision(facts, limited, rule: (chosen.number, chosen.rule.name), breach: breach, trace: trace)
    }

    /// Evaluates many fact sets (from the ledger) and totals the outcomes, to compare a
    /// policy with the one in force before adopting it.
    public func simulate(_ cases: [PolicyFacts]) -> PolicySimulation {
        var summary = PolicySimulation(policyID: id, policyVersion: version)
        for facts in cases { summary.add(evaluate(facts)) }
        return summary
    }

    private struct NotApplicable: Error { let reason: String }

    private func resolve(_ outcome: RuleOutcome, facts: PolicyFacts) -> Result<PolicyOutcome, NotApplicable> {
        let start = max(facts.lastValidDay, facts.asOf)
        switch outcome {
        case .grant(.days(let days), let key):
            let day = start.adding(days: days)
            guard day.isStorable else {
                return .failure(NotApplicable(reason: "grants \(Plural.count(days, "day")) from \(start), which ends after 9999-12-31, the last day that can be stored"))
            }
            return .success(.grant(days: days, newLastValidDay: day, messageKey: key))
        case .grant(.until(let date), let key):
            let days = start.days(until: date)
            guard days > 0 else {
                return .failure(NotApplicable(reason: "grants until \(date), which is not after \(start)"))
            }
            return .success(.grant(days: days, newLastValidDay: date, messageKey: key))
        case .refer(let days, let key):
            return .success(.refer(suggestedDays: days, reasonKey: key))
        case .deny(let key, let alternative):
            return .success(.deny(messageKey: key, alternative: alternative))
        }
    }

    private func decision(_ facts: PolicyFacts, _ outcome: PolicyOutcome, rule: (number: Int, name: String)?,
                          breach: LimitBreach?, trace: [RuleTrace]) -> PolicyDecision {
        PolicyDecision(policyID: id, policyVersion: version, policyHash: contentHash, facts: facts, outcome: outcome,
                       ruleName: rule?.name, ruleNumber: rule?.number, limitApplied: breach, trace: trace,
                       explanation: explain(outcome, facts: facts, rule: rule, breach: breach))
    }
}

extension PolicyRule {
    /// The first condition test that fails, as a trace result; nil when all hold.
    func firstFailure(in facts: PolicyFacts) -> RuleTrace.Result? {
        for condition in conditions {
            // The loader refused unknown facts, so the lookup cannot miss.
            guard let fact = Fact.named(condition.fact) else {
                return .conditionFailed(fact: condition.fact, expected: "a known fact", actual: "unknown")
            }
            let value = fact.value(in: facts)
            for test in condition.tests where !test.holds(for: value) {
                return .conditionFailed(fact: condition.fact, expected: test.expectation, actual: value.description)
            }
        }
        return nil
    }
}

extension Condition.Test {
    func holds(for value: FactValue) -> Bool {
        switch (self, value) {
        case (.min(let bound), .integer(let actual)): return actual >= bound
        case (.max(let bound), .integer(let actual)): return actual <= bound
        case (.equalsInteger(let wanted), .integer(let actual)): return actual == wanted
        case (.equalsString(let wanted), .string(let actual)): return actual == wanted
        case (.equalsBool(let wanted), .bool(let actual)): return actual == wanted
        case (.oneOf(let wanted), .string(let actual)): return wanted.contains(actual)
        case (.includes(let wanted), .strings(let actual)): return actual.contains(wanted)
        case (.includesAnyOf(let wanted), .strings(let actual)): return actual.contains(where: wanted.contains)
        default: return false  // a type mismatch cannot pass the loader; fail closed anyway
        }
    }

    var expectation: String {
        switch self {
        case .min(let bound): return "at least \(bound)"
        case .max(let bound): return "at most \(bound)"
        case .equalsInteger(let wanted): return "exactly \(wanted)"
        case .equalsString(let wanted): return "\"\(wanted)\""
        case .equalsBool(let wanted): return "\(wanted)"
        case .oneOf(let wanted): return "one of " + wanted.map { "\"\($0)\"" }.joined(separator: ", ")
        case .includes(let wanted): return "to include \"\(wanted)\""
        case .includesAnyOf(let wanted): return "to include one of " + wanted.map { "\"\($0)\"" }.joined(separator: ", ")
        }
    }
}
