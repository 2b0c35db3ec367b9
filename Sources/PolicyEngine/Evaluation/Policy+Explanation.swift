extension Policy {
    /// The sentence an agent reads beside the decision: which policy and rule, then the
    /// message text with the numbers filled in.
    func explain(_ outcome: PolicyOutcome, facts: PolicyFacts, rule: (number: Int, name: String)?,
                 breach: LimitBreach?) -> String {
        var values = [
            "days_since_expiry": String(facts.daysSinceExpiry),
            "last_valid_day": facts.lastValidDay.description,
        ]
        if let rule { values["rule"] = rule.name }
        if let breach { values["limit"] = "\(breach.limit): \(breach.detail)" }

        var sentences = ["Policy \(id) v\(version)"]
        if let rule {
            sentences[0] += ", rule \(rule.number) \"\(rule.name)\""
        }
        sentences[0] += ":"
        // On its last valid day or before, a voucher has not expired: no "expired 0 days ago".
        let expired = facts.daysSinceExpiry > 0
        switch outcome {
        case .grant(let days, let newLastValidDay, let key):
            values["days"] = String(days)
            values["new_last_valid_day"] = newLastValidDay.description
            sentences.append(MessageCatalog.render(key, values, expired: expired))
        case .refer(let days, let key):
            values["days"] = String(days)
            sentences.append(MessageCatalog.render(key, values, expired: expired))
        case .deny(let key, let alternative):
            sentences.append(MessageCatalog.render(key, values, expired: expired))
            if let alternative {
                var altValues = values
                if let percent = alternative.percent { altValues["percent"] = String(percent) }
                sentences.append("Alternative: " + MessageCatalog.render(alternative.messageKey, altValues))
            }
        case .noRuleMatched:
            sentences.append(MessageCatalog.render(MessageCatalog.noRuleMatchedKey(for: facts.requester), values))
        }
        return sentences.joined(separator: " ")
    }
}
