/// What a rule's conditions let through, fact by fact: enough to see that an earlier rule decides
/// every case a later one covers, so the later one can never decide. Only ever sure, never a
/// guess: where it cannot tell (a list fact, an open set of texts left untested), it says nothing.
struct RuleCoverage {
    /// The values of one fact for which the tests on it hold.
    enum Allowed: Equatable {
        /// Inclusive bounds.
        case numbers(Int64, Int64)
        case texts(Set<String>)
        case flag(Bool)
        /// No value: the rule's own tests on this fact contradict each other.
        case nothing
        /// Not reasoned about (list facts).
        case unknown

        init(_ test: Condition.Test) {
            switch test {
            case .min(let bound): self = .numbers(bound, .max)
            case .max(let bound): self = .numbers(.min, bound)
            case .equalsInteger(let value): self = .numbers(value, value)
            case .equalsString(let value): self = .texts([value])
            case .oneOf(let values): self = .texts(Set(values))
            case .equalsBool(let value): self = .flag(value)
            case .includes, .includesAnyOf: self = .unknown
            }
        }

        /// Values both allow. One fact has one type, so the cases always pair up.
        func intersection(_ other: Allowed) -> Allowed {
            switch (self, other) {
            case (.nothing, _), (_, .nothing): return .nothing
            case (.numbers(let a, let b), .numbers(let c, let d)):
                return Swift.max(a, c) <= Swift.min(b, d) ? .numbers(Swift.max(a, c), Swift.min(b, d)) : .nothing
            case (.texts(let a), .texts(let b)): return a.isDisjoint(with: b) ? .nothing : .texts(a.intersection(b))
            case (.flag(let a), .flag(let b)): return a == b ? self : .nothing
            default: return .unknown
            }
        }

        /// True when every value `other` allows, this allows too.
        func contains(_ other: Allowed) -> Bool {
            switch (self, other) {
            case (.numbers(let a, let b), .numbers(let c, let d)): return a <= c && d <= b
            case (.texts(let a), .texts(let b)): return b.isSubset(of: a)
            case (.flag(let a), .flag(let b)): return a == b
            default: return false
            }
        }
    }

    /// The facts tested, in the order the rule first tests them.
    let facts: [String]
    let allowed: [String: Allowed]

    init(_ rule: PolicyRule) {
        var facts: [String] = []
        var allowed: [String: Allowed] = [:]
        for condition in rule.conditions {
            if allowed[condition.fact] == nil { facts.append(condition.fact) }
            for test in condition.tests {
                allowed[condition.fact] = allowed[condition.fact].map { $0.intersection(Allowed(test)) } ?? Allowed(test)
            }
        }
        self.facts = facts
        self.allowed = allowed
    }

    /// Every value a fact can take, where that is known exactly: any number, and the requesters
    /// (an enum in the facts). Other texts are open and a boolean is either; nil for those.
    static func everyValue(of fact: String) -> Allowed? {
        if fact == "requester" { return .texts(Set(Requester.allCases.map(\.rawValue))) }
        return Fact.named(fact)?.type == .integer ? .numbers(.min, .max) : nil
    }

    /// True when `later`'s conditions hold only where this rule's hold too.
    func covers(_ later: RuleCoverage) -> Bool {
        facts.allSatisfy { fact in
            guard let mine = allowed[fact], let theirs = later.allowed[fact] ?? Self.everyValue(of: fact) else { return false }
            return mine.contains(theirs)
        }
    }

    /// The first rule (0-based, with the earlier rule that decides all its cases) that can never
    /// decide. An earlier rule decides wherever its conditions hold when it refers, denies or grants
    /// days; a grant `until` a date steps aside once the date has passed, so it shadows nothing.
    /// (A grant of days steps aside only where it would end after 9999-12-31, the last day that can
    /// be stored; no rule is kept for that.) `coverage` is the rules' own, in order; a rule whose
    /// conditions contradict each other is refused before this is asked (`PolicyLoader`).
    static func firstUnreachable(in rules: [PolicyRule], _ coverage: [RuleCoverage]) -> (later: Int, earlier: Int)? {
        for later in coverage.indices {
            for earlier in 0..<later where rules[earlier].outcome.decidesWhereverItsConditionsHold {
                if coverage[earlier].covers(coverage[later]) { return (later, earlier) }
            }
        }
        return nil
    }
}

extension RuleOutcome {
    var decidesWhereverItsConditionsHold: Bool {
        if case .grant(.until, _) = self { return false }
        return true
    }
}
