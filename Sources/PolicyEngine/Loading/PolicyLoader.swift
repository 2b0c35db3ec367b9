import Foundation
import GoodwillCore

/// Reads and validates policy files. Everything that can be wrong with a file is found here,
/// so evaluation never meets an unknown fact, a bad type or a grant above the limits.
public enum PolicyLoader {
    /// The most rules a policy may have. Loading compares every rule with every earlier one (to
    /// refuse one that can never decide) and a decision's trace names each rule tried, so a policy
    /// of 8,213 rules took 15 s to validate; the shipped ones have at most 10, and a policy of more
    /// than 200 is beyond what people can review rule by rule.
    public static let maxRules = 200

    /// Turns file bytes into a hex digest (the ledger passes SHA-256 from GoodwillCore).
    public typealias Hasher = @Sendable (Data) -> String

    /// `stored`: bytes the database already holds, accepted before a later check existed. Those are
    /// read as they were when stored, so that an upgrade does not stop every decision; a file being
    /// validated, activated or simulated gets every check.
    public static func load(data: Data, fileName: String, hasher: Hasher, stored: Bool = false) throws(PolicyLoadError) -> Policy {
        var root: JSONValue
        switch JSONValue.parse(data) {
        case .value(let value): root = value
        case .syntaxError(let message):
            throw PolicyLoadError(kind: .notJSON, fileName: fileName, problem: message + "; check commas, quotes and brackets")
        }
        if !stored {
            let scan = JSONValue.scan(data)
            // Refused since 6 Dec; a version stored before then is read as it was (its first value counts).
            if let path = scan.firstRepeatedName { throw repeated(path, root: root, fileName: fileName) }
            // A whole number written 100.00 or 1e3 (read as 100 and 1000) is refused where it is read,
            // since 7 Dec; a version stored before then is read as it was (100.00 as 100).
            root = root.marking(scan.decimals)
        }
        let reader = PolicyReader(fileName: fileName, stored: stored)
        let top = try reader.object(root, field: nil)
        try reader.refuseUnknownKeys(top, known: ["$schema", "id", "version", "description", "jurisdiction", "limits", "rules"], field: nil)

        let id = try reader.string(top, "id")
        guard !id.isEmpty, id.count <= 64, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw reader.error(.invalidValue, "id", "must be 1 to 64 letters, digits, - or _, e.g. \"default\"")
        }
        let version = try reader.integer(top, "version")
        guard version >= 1, version <= Int64(Int32.max) else {
            throw reader.error(.invalidValue, "version", "must be a whole number of 1 or more, found \(version)")
        }
        let description = try reader.string(top, "description")
        let jurisdiction = try reader.string(top, "jurisdiction")
        guard jurisdiction == "any" || JurisdictionCode.isWellFormed(jurisdiction) else {
            throw reader.error(.invalidValue, "jurisdiction", "expected a code such as SE, GB, US-CA, or \"any\"; found \"\(jurisdiction)\"")
        }
        let limits = try reader.limits(try reader.required(top, "limits"))

        guard case .array(let ruleValues)? = top["rules"] else {
            throw top["rules"] == nil
                ? reader.error(.missingField, "rules", "missing; a policy needs a list of rules")
                : reader.error(.wrongType, "rules", "expected a list of rules, found \(top["rules"]!.kindDescription)")
        }
        guard !ruleValues.isEmpty else { throw reader.error(.invalidValue, "rules", "is empty; a policy needs at least one rule") }
        // Refused since 7 Dec, before any rule is read. A version stored before then is read as stored;
        // its rules are not compared with each other (below), so reading it stays linear.
        if !stored, ruleValues.count > maxRules {
            throw reader.error(.invalidValue, "rules", "has \(ruleValues.count) rules, more than the \(maxRules) a policy may have; combine rules that decide alike (a condition takes a range or a list)")
        }

        var rules: [PolicyRule] = []
        var firstNumberByName: [String: Int] = [:]
        for (offset, value) in ruleValues.enumerated() {
            let rule = try reader.rule(value, number: offset + 1, limits: limits)
            if let first = firstNumberByName[rule.name] {
                throw PolicyLoadError(kind: .duplicateRuleName, fileName: fileName, ruleNumber: offset + 1, ruleName: rule.name,
                                      field: "name", problem: "the same name is already used by rule \(first); rule names must be unique so traces are unambiguous")
            }
            firstNumberByName[rule.name] = offset + 1
            rules.append(rule)
        }
        // Two conditions on one fact that no value passes both (one condition alone is checked as
        // it is read): the rule can never hold. Refused since 7 Dec, so not for stored versions.
        if !stored {
            let coverage = rules.map(RuleCoverage.init)
            for (offset, rule) in rules.enumerated() {
                if let fact = coverage[offset].facts.first(where: { coverage[offset].allowed[$0] == .nothing }) {
                    throw PolicyLoadError(kind: .invalidRange, fileName: fileName, ruleNumber: offset + 1, ruleName: rule.name,
                                          field: "condition \"\(fact)\"",
                                          problem: "the rule's conditions on \(fact) contradict each other (no value passes them all), so the rule can never hold; give \(fact) one condition with the values or range meant")
                }
            }
            if let (later, earlier) = RuleCoverage.firstUnreachable(in: rules, coverage) {
                throw unreachable(rules, later: later, earlier: earlier, fileName: fileName)
            }
        }
        return Policy(id: id, version: Int(version), description: description, jurisdiction: jurisdiction,
                      limits: limits, rules: rules, fileName: fileName, sourceBytes: data, contentHash: hasher(data))
    }

    /// A rule an earlier one shadows, naming both and, when the earlier one has conditions, the facts
    /// it tests (which the later rule's conditions pin down at least as tightly).
    private static func unreachable(_ rules: [PolicyRule], later: Int, earlier: Int, fileName: String) -> PolicyLoadError {
        let (l, e) = (later + 1, earlier + 1)
        let facts = RuleCoverage(rules[earlier]).facts
        let why = facts.isEmpty ? "comes before it, has no conditions and so decides every case"
            : "comes before it and decides every case it covers (whenever its conditions hold, so do rule \(e)'s, on \(listed(facts)))"
        return PolicyLoadError(kind: .unreachableRule, fileName: fileName, ruleNumber: l, ruleName: rules[later].name,
                               problem: "can never decide: rule \(e) \"\(rules[earlier].name)\" \(why); move rule \(l) above rule \(e), or remove it")
    }

    /// `a`, `a and b`, `a, b and c`.
    private static func listed(_ names: [String]) -> String {
        names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
    }

    /// "given twice", naming the rule and the field as the other refusals do (`outcome.days`,
    /// `condition 2.min`, `limits.monthly_goodwill_budget.SEK`).
    private static func repeated(_ path: [JSONValue.PathStep], root: JSONValue, fileName: String) -> PolicyLoadError {
        var steps = path[...]
        var ruleNumber: Int?
        var ruleName: String?
        if steps.count > 2, steps.first == .name("rules"), case .index(let n) = steps.dropFirst().first {
            ruleNumber = n + 1
            if case .object(let top) = root, case .array(let rules)? = top["rules"], n < rules.count,
               case .object(let rule) = rules[n], case .string(let name)? = rule["name"] {
                ruleName = name
            }
            steps = steps.dropFirst(2)
        }
        var parts: [String] = []
        for step in steps {
            switch step {
            case .name(let name): parts.append(name)
            case .index(let n):
                // "conditions", 1 reads as "condition 2", as the loader's other messages name it.
                let list = parts.popLast() ?? ""
                parts.append(list == "conditions" ? "condition \(n + 1)" : "\(list)[\(n + 1)]")
            }
        }
        let field = parts.joined(separator: ".")
        return PolicyLoadError(kind: .repeatedField, fileName: fileName, ruleNumber: ruleNumber, ruleName: ruleName, field: field,
                               problem: "given twice; JSON readers disagree on which one counts, so write it once")
    }

    public static func load(contentsOf url: URL, hasher: Hasher) throws(PolicyLoadError) -> Policy {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw PolicyLoadError(kind: .unreadable, fileName: url.lastPathComponent,
                                  problem: "could not be read (\(error.localizedDescription)); check the path and permissions")
        }
        return try load(data: data, fileName: url.lastPathComponent, hasher: hasher)
    }
}

/// Validation context: knows the file and the rule being read, so every error names both.
struct PolicyReader {
    let fileName: String
    var ruleNumber: Int?
    var ruleName: String?
    /// Bytes a database already holds: checks added since they were stored are not made.
    var stored: Bool

    init(fileName: String, ruleNumber: Int? = nil, ruleName: String? = nil, stored: Bool = false) {
        self.fileName = fileName
        self.ruleNumber = ruleNumber
        self.ruleName = ruleName
        self.stored = stored
    }

    func error(_ kind: PolicyLoadError.Kind, _ field: String?, _ problem: String) -> PolicyLoadError {
        PolicyLoadError(kind: kind, fileName: fileName, ruleNumber: ruleNumber, ruleName: ruleName, field: field, problem: problem)
    }

    func object(_ value: JSONValue, field: String?) throws(PolicyLoadError) -> [String: JSONValue] {
        guard case .object(let object) = value else {
            throw error(.wrongType, field, "expected an object { … }, found \(value.kindDescription)")
        }
        return object
    }

    func refuseUnknownKeys(_ object: [String: JSONValue], known: [String], field prefix: String?) throws(PolicyLoadError) {
        for key in object.keys.sorted() where !known.contains(key) {
            let field = prefix.map { "\($0).\(key)" } ?? key
            throw error(.unknownField, field, "unknown field; expected one of \(known.filter { $0 != "$schema" }.joined(separator: ", "))")
        }
    }

    func required(_ object: [String: JSONValue], _ key: String, in prefix: String? = nil,
                  hint: String = "it is required; Policies/README.md shows a complete example") throws(PolicyLoadError) -> JSONValue {
        guard let value = object[key], value != .null else {
            throw error(.missingField, prefix.map { "\($0).\(key)" } ?? key, "missing; " + hint)
        }
        return value
    }

    func string(_ object: [String: JSONValue], _ key: String, in prefix: String? = nil) throws(PolicyLoadError) -> String {
        let value = try required(object, key, in: prefix)
        guard case .string(let text) = value else {
            throw error(.wrongType, prefix.map { "\($0).\(key)" } ?? key, "expected text in quotes, found \(value.kindDescription)")
        }
        return text
    }

    func integer(_ object: [String: JSONValue], _ key: String, in prefix: String? = nil) throws(PolicyLoadError) -> Int64 {
        let value = try required(object, key, in: prefix)
        return try integer(value, field: prefix.map { "\($0).\(key)" } ?? key)
    }

    /// What a whole number counts, for the words refusing one written `100.00` or `1e3`.
    enum Count {
        case plain
        /// Minor units of `currency`, or of the voucher's currency when nil (a condition).
        case minorUnits(of: Currency?)
    }

    func integer(_ value: JSONValue, field: String, counting count: Count = .plain) throws(PolicyLoadError) -> Int64 {
        switch value {
        case .integer(let number):
            return number
        case .decimal(let text):
            throw error(.wrongType, field, Self.writtenWithPoint(text, counting: count))
        default:
            throw error(.wrongType, field, "expected a whole number, found \(value.kindDescription)")
        }
    }

    /// Words for a whole number written with a point or an exponent: money says how minor units
    /// are written (`10000 for 100.00`); another number, what to write when it is whole (`1e3`: 1000).
    static func writtenWithPoint(_ text: String, counting count: Count) -> String {
        switch count {
        case .plain:
            guard let number = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { return "expected a whole number, found the number \(text)" }
            var whole = Decimal(), value = number
            NSDecimalRound(&whole, &value, 0, .plain)
            guard whole == number, let n = Int64(whole.description) else { return "expected a whole number, found the number \(text)" }
            return "expected a whole number, found \(text); write \(n)"
        case .minorUnits(let currency):
            let example: String
            if let currency {
                // The amount as written when it is one in this currency; 100 of it otherwise.
                let minor = (try? Money.parse(text, currency: currency))?.minorUnits
                let hundred = Money(minorUnits: 100 * Self.power(of: currency), currency: currency)
                example = minor.map { "\($0) for \(text) \(currency.code)" }
                    ?? "\(hundred.minorUnits) for \(hundred.decimalString) \(currency.code)"
            } else {
                let minor = (try? Money.parse(text, currency: .sek))?.minorUnits
                example = (minor.map { "\($0) for \(text)" } ?? "10000 for 100.00") + " in a currency with two decimals, such as SEK"
            }
            return "found \(text); write minor units as a whole number: \(example)"
        }
    }

    private static func power(of currency: Currency) -> Int64 {
        (0..<currency.minorUnitDigits).reduce(Int64(1)) { product, _ in product * 10 }
    }

    func days(_ object: [String: JSONValue], _ key: String, in prefix: String, minimum: Int64) throws(PolicyLoadError) -> Int {
        let value = try integer(object, key, in: prefix)
        // Ten years of days bounds every sane limit and keeps date arithmetic far from overflow.
        guard value >= minimum, value <= 3660 else {
            throw error(.invalidValue, "\(prefix).\(key)", "must be between \(minimum) and 3660 days, found \(value)")
        }
        return Int(value)
    }
}

/// Jurisdiction codes: ISO 3166-1 alpha-2, optionally a subdivision (`US-CA`).
enum JurisdictionCode {
    static func isWellFormed(_ code: String) -> Bool {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts[0].count == 2 else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) } }
    }
}
