import Foundation
import GoodwillCore

/// The closed set of message keys a policy may use, each with the English text a support
/// agent sees. Placeholders in braces are filled by `render`; `{days|day|days}` is the noun for
/// the count in `days`, singular or plural (English has no other locale here). Holder-facing translations
/// are keyed by the same strings elsewhere (Reminders), so this list is public and stable:
/// add keys, never rename them.
public enum MessageCatalog {
    /// Which outcome a key belongs to; a `deny` rule cannot use a `grant.` key.
    public enum Group: String, Sendable { case grant, refer, deny, alternative }

    public static let english: [String: String] = [
        "grant.courtesy":
            "Extended by {days} {days|day|days} as a courtesy: the voucher expired {days_since_expiry} {days_since_expiry|day|days} ago and still has value. New last valid day: {new_last_valid_day}.",
        "grant.loyal_holder":
            "Extended by {days} {days|day|days} because the holder has been with us a long time. New last valid day: {new_last_valid_day}.",
        "grant.soft_expiry":
            "Redemption accepted {days_since_expiry} {days_since_expiry|day|days} after expiry; the voucher was extended by {days} {days|day|days} to {new_last_valid_day}.",
        "grant.proactive":
            "Extended by {days} {days|day|days} at expiry because value was left unused. New last valid day: {new_last_valid_day}.",
        "refer.needs_review":
            "Please review: the policy suggests {days} extra {days|day|days}, but this case needs a person's judgement.",
        "refer.open_support_case":
            "The holder has an open support case; decide together with it. Suggested: {days} {days|day|days}.",
        "refer.long_overdue":
            "The voucher expired {days_since_expiry} {days_since_expiry|day|days} ago. A person should decide; suggested: {days} {days|day|days}.",
        "refer.limit_reached":
            "A grant of {days} {days|day|days} would exceed the policy limit ({limit}). A person should decide.",
        "refer.no_rule_matched":
            "No rule of this policy covers the case. A person should decide.",
        // No rule matched for the till or the sweep: no outcome's key (a rule cannot use them).
        "no_rule.redemption":
            "No rule of this policy covers the case, so \(noRuleAtTheTill); the holder can still ask for an extension.",
        "no_rule.system":
            "No rule of this policy covers the case, so \(noRuleAtTheSweep) and does nothing else.",
        "deny.too_late":
            "The voucher expired {days_since_expiry} {days_since_expiry|day|days} ago, which is beyond what the policy can extend. Explain kindly and offer the alternative.",
        "deny.fully_used":
            "The voucher has no balance left, so there is nothing to extend.",
        "deny.limit_reached":
            "The policy's limit for one voucher stops this extension ({limit}).",
        "deny.budget_reached":
            "This month's goodwill budget cannot cover this voucher ({limit}); the voucher is within its own limits.",
        "deny.not_expired":
            "The voucher has not expired yet (last valid day {last_valid_day}); no extension is needed now.",
        "alternative.rebooking_discount":
            "Offer {percent}% off a new voucher.",
        "alternative.partial_credit":
            "Offer {percent}% of the remaining balance as credit on a new voucher.",
        "alternative.contact_support":
            "Offer a call with support to find a fair solution.",
    ]

    /// Keys whose text names the limit that stopped a grant (`{limit}`): the evaluation uses them
    /// when a limit applies, and a rule may not (`PolicyLoader` refuses them), as nothing would fill it.
    public static let forLimits: Set<String> = ["refer.limit_reached", "deny.limit_reached", "deny.budget_reached"]

    /// The keys of `group` a rule may use: all but `forLimits` (Policies/policy.schema.json offers
    /// the same, which a test checks).
    public static func ruleKeys(_ group: Group) -> [String] {
        keys.filter { Self.group(of: $0) == group && !forLimits.contains($0) }
    }

    /// Words for a voucher that has not expired yet (`days_since_expiry` 0 or less) where the
    /// English text counts days since its expiry: a rule may match before it (a grant to the end
    /// of summer, a condition on days with no minimum), and "expired -9 days ago" is not true.
    public static let beforeExpiry: [String: String] = [
        "grant.courtesy":
            "Extended by {days} {days|day|days} as a courtesy: the voucher has not expired yet (last valid day {last_valid_day}). New last valid day: {new_last_valid_day}.",
        "grant.soft_expiry":
            "The voucher has not expired yet (last valid day {last_valid_day}); it was extended by {days} {days|day|days} to {new_last_valid_day}.",
        "refer.long_overdue":
            "The voucher has not expired yet (last valid day {last_valid_day}). A person should decide; suggested: {days} {days|day|days}.",
        "deny.too_late":
            "The voucher has not expired yet (last valid day {last_valid_day}), and the policy does not extend it. Explain kindly and offer the alternative.",
    ]

    public static var keys: [String] { english.keys.sorted() }

    /// The words when no rule matched, by who asked (Policies/README.md): for a holder or agent a
    /// person decides; at the till the expired voucher is refused; the sweep records the expiry.
    public static func noRuleMatchedKey(for requester: Requester) -> String {
        switch requester {
        case .holder, .agent: return "refer.no_rule_matched"
        case .redemption: return "no_rule.redemption"
        case .system: return "no_rule.system"
        }
    }

    /// What then happens, in a few words, for each key `noRuleMatchedKey(for:)` gives: the CLI's
    /// decision line says them after "no rule covers this; ". The till's and the sweep's texts in
    /// `english` are made of them, so the two cannot say different things.
    public static let noRuleShort: [String: String] = [
        "refer.no_rule_matched": "a person decides",
        "no_rule.redemption": noRuleAtTheTill,
        "no_rule.system": noRuleAtTheSweep,
    ]
    private static let noRuleAtTheTill = "at the till an expired voucher is refused"
    private static let noRuleAtTheSweep = "the expiry sweep records the expiry"

    /// `noRuleShort` for who asked.
    public static func noRuleMatchedShort(for requester: Requester) -> String {
        let key = noRuleMatchedKey(for: requester)
        return noRuleShort[key] ?? english[key] ?? key
    }

    public static func isKnown(_ key: String) -> Bool { english[key] != nil }

    public static func group(of key: String) -> Group? {
        guard isKnown(key), let prefix = key.split(separator: ".").first else { return nil }
        return Group(rawValue: String(prefix))
    }

    /// The English text for `key` with `{name}` placeholders replaced; unknown placeholders
    /// stay visible rather than vanish, so a missing value shows up in review. `expired` false:
    /// the words of `beforeExpiry` where it has them.
    public static func render(_ key: String, _ values: [String: String], expired: Bool = true) -> String {
        var text = (expired ? nil : beforeExpiry[key]) ?? english[key] ?? key
        for (name, value) in values {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
            guard let count = Int(value) else { continue }
            // `{days|day|days}`: the noun for that count, as `Plural` says it.
            while let open = text.range(of: "{\(name)|"), let close = text[open.upperBound...].firstIndex(of: "}") {
                let forms = text[open.upperBound..<close].split(separator: "|", omittingEmptySubsequences: false)
                guard forms.count == 2 else { break }
                text.replaceSubrange(open.lowerBound...close, with: Plural.noun(count, String(forms[0]), String(forms[1])))
            }
        }
        return text
    }
}
