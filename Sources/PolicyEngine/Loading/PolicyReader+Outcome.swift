import GoodwillCore
extension PolicyReader {
    func outcome(_ value: JSONValue, limits: PolicyLimits) throws(PolicyLoadError) -> RuleOutcome {
        let object = try object(value, field: "outcome")
        let kind = try string(object, "kind", in: "outcome")
        switch kind {
        case "grant":
            try refuseUnknownKeys(object, known: ["kind", "days", "until", "message"], field: "outcome")
            let message = try messageKey(object, "message", group: .grant, default: "grant.courtesy")
            guard limits.maxExtensionsPerVoucher > 0 else {
                throw error(.exceedsLimit, "outcome", "grants an extension, but limits.max_extensions_per_voucher is 0")
            }
            switch (object["days"], object["until"]) {
            case (.some, .some):
                throw error(.invalidValue, "outcome", "give either days or until, not both")
            case (.some, nil):
                let days = try self.days(object, "days", in: "outcome", minimum: 1)
                guard days <= limits.maxTotalExtensionDays else {
                    throw error(.exceedsLimit, "outcome.days", "grants \(Plural.count(days, "day")), above limits.max_total_extension_days (\(limits.maxTotalExtensionDays)); lower the grant or raise the limit")
                }
                return .grant(.days(days), messageKey: message)
            case (nil, .some):
                let text = try string(object, "until", in: "outcome")
                guard let date = LocalDate(iso8601: text) else {
                    throw error(.invalidValue, "outcome.until", Self.noSuchDay(text) ?? "expected a date as YYYY-MM-DD, found \"\(text)\"")
                }
                return .grant(.until(date), messageKey: message)
            case (nil, nil):
                throw error(.missingField, "outcome.days", "missing; a grant needs days (or until, a date)")
            }
        case "refer":
            try refuseUnknownKeys(object, known: ["kind", "suggested_days", "reason"], field: "outcome")
            let days = try self.days(object, "suggested_days", in: "outcome", minimum: 0)
            guard days <= limits.maxTotalExtensionDays else {
                throw error(.exceedsLimit, "outcome.suggested_days", "suggests \(Plural.count(days, "day")), above limits.max_total_extension_days (\(limits.maxTotalExtensionDays))")
            }
            return .refer(suggestedDays: days, reasonKey: try messageKey(object, "reason", group: .refer, default: nil))
        case "deny":
            try refuseUnknownKeys(object, known: ["kind", "message", "alternative"], field: "outcome")
            let message = try messageKey(object, "message", group: .deny, default: nil)
            guard let alternativeValue = object["alternative"], alternativeValue != .null else {
                return .deny(messageKey: message, alternative: nil)
            }
            return .deny(messageKey: message, alternative: try alternative(alternativeValue))
        default:
            throw error(.unknownOutcomeKind, "outcome.kind", "unknown outcome \"\(kind)\"; expected grant, refer or deny")
        }
    }

    /// For text in the form YYYY-MM-DD that names no day (2026-02-29, month 13), what is wrong
    /// with it: "expected a date as YYYY-MM-DD" would send its author looking at the form.
    static func noSuchDay(_ text: String) -> String? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, zip(parts, [4, 2, 2]).allSatisfy({ $0.count == $1 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        let form = "give a date as YYYY-MM-DD, like 2026-08-31"
        guard year >= 1 else { return "year \(parts[0]) is before year 1; \(form)" }
        guard (1...12).contains(month) else { return "there is no month \(parts[1]); \(form)" }
        let last = LocalDate.daysIn(month: month, year: year)
        guard day >= 1 else { return "there is no day \(parts[2]); give a day that exists, like \(parts[0])-\(parts[1])-01" }
        guard day > last else { return nil }
        return "\(parts[0]) has no \(day) \(Self.monthNames[month - 1]); give a day that exists, like \(parts[0])-\(parts[1])-\(last)"
    }

    private static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                                      "September", "October", "November", "December"]

    private func alternative(_ value: JSONValue) throws(PolicyLoadError) -> Alternative {
        let object = try object(value, field: "outcome.alternative")
        try refuseUnknownKeys(object, known: ["message", "percent"], field: "outcome.alternative")
        let key = try messageKey(object, "message", group: .alternative, default: nil, in: "outcome.alternative")
        let needsPercent = MessageCatalog.english[key]?.contains("{percent}") ?? false
        guard needsPercent else {
            if object["percent"] != nil {
                throw error(.unknownField, "outcome.alternative.percent", "\(key) takes no percent")
            }
            return Alternative(messageKey: key)
        }
        let percent = try integer(object, "percent", in: "outcome.alternative")
        guard (1...100).contains(percent) else {
            throw error(.invalidValue, "outcome.alternative.percent", "must be 1 to 100, found \(percent)")
        }
        return Alternative(messageKey: key, percent: Int(percent))
    }

    private func messageKey(_ object: [String: JSONValue], _ key: String, group: MessageCatalog.Group,
                            default fallback: String?, in prefix: String = "outcome") throws(PolicyLoadError) -> String {
        if object[key] == nil, let fallback { return fallback }
        let text = try string(object, key, in: prefix)
        let known = MessageCatalog.ruleKeys(group)
        guard MessageCatalog.group(of: text) == group else {
            let problem = MessageCatalog.isKnown(text)
                ? "\"\(text)\" is not a \(group.rawValue) message"
                : "unknown message key \"\(text)\""
            throw error(.unknownMessageKey, "\(prefix).\(key)", "\(problem); known \(group.rawValue) keys are \(known.joined(separator: ", "))")
        }
        // Its text shows {limit}, which only a limit that stopped a grant fills. Refused since 7 Dec;
        // a version stored before then is read as stored.
        if !stored, MessageCatalog.forLimits.contains(text) {
            throw error(.invalidValue, "\(prefix).\(key)", "\"\(text)\" is reserved for when a limit stops a grant (it names the limit); a rule's \(group.rawValue) keys are \(known.joined(separator: ", "))")
        }
        return text
    }
}
