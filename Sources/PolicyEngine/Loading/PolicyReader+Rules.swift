import GoodwillCore
extension PolicyReader {
    func limits(_ value: JSONValue) throws(PolicyLoadError) -> PolicyLimits {
        let object = try object(value, field: "limits")
        try refuseUnknownKeys(object, known: ["max_extensions_per_voucher", "max_total_extension_days",
                                              "monthly_goodwill_budget", "when_exceeded"], field: "limits")
        let maxExtensions = try days(object, "max_extensions_per_voucher", in: "limits", minimum: 0)
        let maxDays = try days(object, "max_total_extension_days", in: "limits", minimum: 0)
        let budgetObject = try self.object(try required(object, "monthly_goodwill_budget", in: "limits"),
                                           field: "limits.monthly_goodwill_budget")
        var budget: [String: Int64] = [:]
        for (currency, amount) in budgetObject {
            let field = "limits.monthly_goodwill_budget.\(currency)"
            // A budget in a currency no voucher can have (XYZ, a typo of SEK) would never apply.
            guard Currency.allKnown.contains(where: { $0.code == currency }) else {
                throw error(.invalidValue, field, "expected an ISO 4217 currency code this service knows, such as SEK or EUR")
            }
            let minor = try integer(amount, field: field, counting: .minorUnits(of: Currency(code: currency)))
            guard minor >= 0 else { throw error(.invalidValue, field, "must be 0 or more minor units, found \(minor)") }
            budget[currency] = minor
        }
        var whenExceeded = PolicyLimits.WhenExceeded.refer
        if object["when_exceeded"] != nil {
            let text = try string(object, "when_exceeded", in: "limits")
            guard let parsed = PolicyLimits.WhenExceeded(rawValue: text) else {
                throw error(.invalidValue, "limits.when_exceeded", "expected \"refer\" or \"deny\", found \"\(text)\"")
            }
            whenExceeded = parsed
        }
        return PolicyLimits(maxExtensionsPerVoucher: maxExtensions, maxTotalExtensionDays: maxDays,
                            monthlyGoodwillBudget: budget, whenExceeded: whenExceeded)
    }

    func rule(_ value: JSONValue, number: Int, limits: PolicyLimits) throws(PolicyLoadError) -> PolicyRule {
        var reader = PolicyReader(fileName: fileName, ruleNumber: number, stored: stored)
        let object = try reader.object(value, field: nil)
        if case .string(let name)? = object["name"] { reader.ruleName = name }
        try reader.refuseUnknownKeys(object, known: ["name", "description", "conditions", "outcome"], field: nil)
        let name = try reader.string(object, "name")
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw reader.error(.invalidValue, "name", "is empty; give the rule a name people will read in traces")
        }
        if object["description"] != nil { _ = try reader.string(object, "description") }

        var conditions: [Condition] = []
        if let list = object["conditions"] {
            guard case .array(let items) = list else {
                throw reader.error(.wrongType, "conditions", "expected a list of conditions, found \(list.kindDescription)")
            }
            for (offset, item) in items.enumerated() {
                conditions.append(try reader.condition(item, number: offset + 1))
            }
        }
        let outcome = try reader.outcome(try reader.required(object, "outcome", hint: "add an outcome whose kind is grant, refer or deny"), limits: limits)
        return PolicyRule(name: name, conditions: conditions, outcome: outcome)
    }

    func condition(_ value: JSONValue, number: Int) throws(PolicyLoadError) -> Condition {
        let object = try object(value, field: "condition \(number)")
        guard case .string(let factName)? = object["fact"] else {
            throw error(object["fact"] == nil ? .missingField : .wrongType, "condition \(number).fact",
                        "expected the name of a fact in quotes; known facts are \(Fact.testable.map(\.name).joined(separator: ", "))")
        }
        let field = "condition \"\(factName)\""
        guard let fact = Fact.named(factName) else {
            throw error(.unknownFact, field, "unknown fact; known facts are \(Fact.testable.map(\.name).joined(separator: ", "))")
        }
        if let why = Fact.notYetTestable[factName] {
            throw error(.unknownFact, field, why)
        }
        let operators: [String] = switch fact.type {
        case .integer: ["min", "max", "equals"]
        case .string: ["equals", "one_of"]
        case .boolean: ["equals"]
        case .stringList: ["includes", "includes_any_of"]
        }
        var tests: [Condition.Test] = []
        for key in object.keys.sorted() where key != "fact" {
            guard let operand = object[key] else { continue }
            let place = "\(field).\(key)"
            guard operators.contains(key) else {
                let known = ["min", "max", "equals", "one_of", "includes", "includes_any_of"]
                let kind = fact.type == .integer ? "a whole number" : "a \(fact.type.rawValue)"
                throw error(known.contains(key) ? .wrongType : .unknownField, place,
                            (known.contains(key) ? "" : "unknown test; ") + "\(factName) is \(kind) and can be tested with \(operators.joined(separator: ", "))")
            }
            tests.append(contentsOf: try test(key, operand, fact: fact, field: place))
        }
        guard !tests.isEmpty else {
            throw error(.missingField, field, "has no test; add one of \(operators.joined(separator: ", "))")
        }
        // One object names each test once, so there is at most one of each; the refusal names
        // the tests as the file gives them.
        var lower: Int64?, upper: Int64?, exact: Int64?
        for test in tests {
            switch test {
            case .min(let value): lower = value
            case .max(let value): upper = value
            case .equalsInteger(let value): exact = value
            default: break
            }
        }
        let never = ", so the condition can never hold"
        if let lower, let upper, lower > upper {
            throw error(.invalidRange, field, "min \(lower) is greater than max \(upper)" + never)
        }
        if let exact, let lower, exact < lower { throw error(.invalidRange, field, "equals \(exact) is below min \(lower)" + never) }
        if let exact, let upper, exact > upper { throw error(.invalidRange, field, "equals \(exact) is above max \(upper)" + never) }
        return Condition(fact: factName, tests: tests)
    }

    private func test(_ key: String, _ operand: JSONValue, fact: Fact, field: String) throws(PolicyLoadError) -> [Condition.Test] {
        let count: Count = fact.isMoney ? .minorUnits(of: nil) : .plain
        switch (fact.type, key) {
        case (.integer, "min"): return [.min(try integer(operand, field: field, counting: count))]
        case (.integer, "max"): return [.max(try integer(operand, field: field, counting: count))]
        case (.integer, _): return [.equalsInteger(try integer(operand, field: field, counting: count))]
        case (.boolean, _):
            guard case .bool(let flag) = operand else {
                throw error(.wrongType, field, "expected true or false, found \(operand.kindDescription)")
            }
            return [.equalsBool(flag)]
        case (.string, "equals"): return [.equalsString(try text(operand, fact: fact, field: field))]
        case (.stringList, "includes"): return [.includes(try text(operand, fact: fact, field: field))]
        default:
            guard case .array(let items) = operand, !items.isEmpty else {
                throw error(.wrongType, field, "expected a non-empty list of texts, found \(operand.kindDescription)")
            }
            var texts: [String] = []
            for item in items { texts.append(try text(item, fact: fact, field: field)) }
            return [fact.type == .string ? .oneOf(texts) : .includesAnyOf(texts)]
        }
    }

    private func text(_ value: JSONValue, fact: Fact, field: String) throws(PolicyLoadError) -> String {
        guard case .string(let text) = value else {
            throw error(.wrongType, field, "expected text in quotes, found \(value.kindDescription)")
        }
        if let allowed = fact.allowedValues, !allowed.contains(text) {
            // A long closed set (currencies) is not listed whole.
            let expected = allowed.count <= 10 ? "one of \(allowed.joined(separator: ", "))" : "a value such as \(allowed.prefix(3).joined(separator: ", ")) (\(allowed.count) are known)"
            throw error(.invalidValue, field, "\"\(text)\" is not a \(fact.name); expected \(expected)")
        }
        // An open set, but of one form: "se" or "Sweden" would never hold, silently. The fact is
        // the code of the jurisdiction in force, "any" where none is set. Refused since 7 Dec; a
        // version stored before then is read as stored.
        if fact.name == "jurisdiction", !stored, text != "any", !JurisdictionCode.isWellFormed(text) {
            throw error(.invalidValue, field, "\"\(text)\" is not a jurisdiction code; codes are upper case like SE, US-CA (or \"any\", where no jurisdiction is set)")
        }
        return text
    }
}
