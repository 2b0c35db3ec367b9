import Foundation
import GoodwillCore
import Ledger
import PolicyEngine

/// Human-readable output. JSON output is the Codable views themselves.
enum Render {
    static func money(_ m: Money) -> String { m.description }

    static func person(_ p: PersonView?) -> String? {
        guard let p else { return nil }
        let parts = [p.name, p.email.map { "<\($0)>" }, p.locale.map { "[\($0)]" }].compactMap { $0 }
        return parts.isEmpty ? p.id : parts.joined(separator: " ")
    }

    static func voucher(_ v: VoucherView) -> String {
        Output.fields([
            ("Code", v.code), ("ID", v.id), ("Status", v.status.rawValue),
            ("Balance", "\(money(v.balance)) of \(money(v.value))"),
            ("Valid through", v.lastValidDay.map { "\($0) (\(v.timeZone)); ends \(v.expiresAt ?? "")" } ?? "no expiry"),
            ("Issued", v.issuedAt), ("Kind", v.kind.rawValue), ("Experience", v.experience),
            ("Holder", person(v.holder)), ("Purchaser", person(v.purchaser)), ("Message", v.message),
        ]) + (payoutRight(v).map { "\n" + $0 } ?? "")
    }

    /// Past expiry, where the law still lets the holder take the balance out as money: the words of
    /// a refused redemption's hint, with this voucher's code (and holder) in the commands to run.
    static func payoutRight(_ v: VoucherView) -> String? {
        guard let right = v.payoutRight else { return nil }
        var how = PayoutRight.howCLI.replacingOccurrences(of: "goodwill refund CODE", with: "goodwill refund \(v.code)")
        if let holder = v.holder { how = how.replacingOccurrences(of: "holder close HOLDER", with: "holder close \(holder.id)") }
        return right.sentence(how)
    }

    /// `signed`: the verb does not say the direction ("Adjusted"), so the amount carries its sign.
    static func receipt(_ r: LedgerReceipt, verb: String, signed: Bool = false) -> String {
        var lines: [String] = []
        if r.replayed { lines.append("(Already done: this is the result of the first request with this idempotency key.)") }
        if let e = r.entry {
            // Otherwise the verb says the direction and the amount is shown without a sign.
            let amount = e.amount.minorUnits == 0 ? ""
                : signed ? " \(e.amount.minorUnits > 0 ? "+" : "")\(money(e.amount))"
                : " \(money(Money(minorUnits: e.amount.minorUnits == .min ? .max : abs(e.amount.minorUnits), currency: e.amount.currency)))"
            lines.append("\(verb)\(amount) on \(r.voucher.code) — entry \(e.id).")
        }
        if let d = r.decision, let accepted = acceptedAfterExpiry(d) { lines.append(accepted) }
        lines.append("Balance now \(money(r.voucher.balance)); status \(r.voucher.status.rawValue).")
        if let note = expiryStep(r) { lines.append(note) }
        return lines.joined(separator: "\n")
    }

    /// A redemption the goodwill policy accepted after expiry (soft expiry) extended the voucher
    /// first: the till says so, in the decision's terms (`Render.decision`'s "Decision: GRANT").
    static func acceptedAfterExpiry(_ d: DecisionView) -> String? {
        guard d.requester == Requester.redemption.rawValue, let a = d.applied else { return nil }
        let rule = d.rule.map { " under rule \"\($0)\"" } ?? ""
        return "Accepted after expiry: extended by \(Plural.count(a.days, "day")) to \(a.newLastValidDay)\(rule) of policy \(d.policy.id) v\(d.policy.version)."
    }

    /// An unblock, reversal or adjustment that left the voucher past its last valid day ran the
    /// sweep's step after it: one line for what that did (the entries list it).
    static func expiryStep(_ r: LedgerReceipt) -> String? {
        guard let e = r.entry, [.unblocked, .redemptionReversed, .adjusted].contains(e.kind), e.statusAfter == .active else { return nil }
        if let d = r.decision, let applied = d.applied {
            return "Its last valid day had passed: goodwill at expiry extended it by \(Plural.count(applied.days, "day")), to \(applied.newLastValidDay) (rule \"\(d.rule ?? "")\")."
        }
        guard r.voucher.status == .expired else { return nil }
        let stopped = r.decision.map { " Goodwill at expiry was stopped by a policy limit (\($0.outcome == "refer" ? "referred to a person" : "denied"))." } ?? ""
        return "Its last valid day, \(r.voucher.lastValidDay ?? "?"), had passed: recorded as expired.\(stopped)"
    }

    static func voucherList(_ page: VoucherPage) -> String {
        if page.vouchers.isEmpty { return "No vouchers match." }
        var text = Output.table(["CODE", "STATUS", "BALANCE", "VALID THROUGH", "HOLDER"], page.vouchers.map {
            [$0.code, $0.status.rawValue, money($0.balance), $0.lastValidDay ?? "no expiry", $0.holder?.email ?? ""]
        })
        text += payoutLines(page.vouchers)
        if let next = page.nextCursor { text += "\nMore: add --cursor \(next)" }
        return text
    }

    /// A table of vouchers has no room for a payout right: one line under it for each voucher with
    /// one, pointing to `show`, which says how to pay it out.
    static func payoutLines(_ vouchers: [VoucherView]) -> String {
        vouchers.compactMap { v in
            v.payoutClaimable.map { "\n\(v.code): payout claimable \(money($0)) \(v.payoutClaimableUntil.map { "until \($0)" } ?? "at any time") ('goodwill show \(v.code)' says how)" }
        }.joined()
    }

    static func entries(_ entries: [EntryView]) -> String {
        Output.table(["ID", "AT", "KIND", "AMOUNT", "BALANCE", "ACTOR", "NOTE"], entries.map { e in
            let note = [e.reason, e.reference.map { "ref \($0)" }, e.relatedEntryID.map { "reverses \($0)" },
                        e.lastValidDayAfter.map { "valid through \($0)" }].compactMap { $0 }.joined(separator: "; ")
            return [String(e.id), e.at, e.kind.rawValue, money(e.amount), money(e.balanceAfter), e.actor, note]
        })
    }

    static func decision(_ d: DecisionView) -> String {
        var lines = ["Policy \(d.policy.id) v\(d.policy.version) — asked by the \(d.requester):",
                     "  \(d.explanation)"]
        switch d.outcome {
        case "grant": lines.append("Decision: GRANT \(Plural.count(d.days ?? 0, "day")) (to \(d.newLastValidDay ?? "?")).")
        case "refer": lines.append("Decision: REFER to a person, suggesting \(Plural.count(d.days ?? 0, "day")).")
        case "deny": lines.append("Decision: DENY" + (d.alternative.map { "; offer instead: \($0.messageKey)\($0.percent.map { " (\($0)%)" } ?? "")" } ?? "") + ".")
        default:
            // What then happens depends on who asked (Policies/README.md), in the catalogue's words.
            lines.append("Decision: no rule covers this; \(MessageCatalog.noRuleMatchedShort(for: Requester(rawValue: d.requester) ?? .holder)).")
        }
        if let limit = d.limitApplied { lines.append("Limit applied: \(limit.limit): \(limit.detail)") }
        if let a = d.applied {
            lines.append("Applied: \(Plural.count(a.days, "day")) by \(a.actor)\(a.isOverride ? " as an OVERRIDE (\(a.overrideBecause ?? ""))" : "")" + (a.reason.map { "; reason: \($0)" } ?? ""))
        }
        let f = d.facts
        lines.append("Facts: \(Plural.count(f.daysSinceExpiry, "day")) since expiry (last valid day \(f.lastValidDay)), balance \(f.remainingBalance) of \(f.originalValue) \(f.currency) (minor units), \(Plural.count(f.priorExtensionCount, "earlier extension")), holder for \(Plural.count(f.holderTenureDays, "day")), open case: \(f.hasOpenSupportCase ? "yes" : "no").")
        lines.append("Rules:")
        lines += d.trace.map { "  " + $0 }
        return lines.joined(separator: "\n")
    }

    static func simulation(_ r: SimulationReport) -> String {
        func money(_ m: [String: Int64]?) -> String {
            guard let m, !m.isEmpty else { return "0" }
            return m.sorted { $0.key < $1.key }.map { k, v in
                Currency(code: k).map { Money(minorUnits: v, currency: $0).description } ?? "\(v) \(k)" }.joined(separator: ", ")
        }
        var text = "Policy \(r.policyID) v\(r.policyVersion) over vouchers whose last valid day fell \(r.from) … \(r.to) with balance left: \(r.vouchers)\n\n"
        text += "Each voucher is counted up to and including its first extension after expiry (by this policy: its first grant);\n"
            + "later requests are left out on both sides.\n\n"
        text += Output.table(["", "WHAT HAPPENED", "THIS POLICY"], [
            ["vouchers extended (a person's grant included on the left)", String(r.actual.extended), String(r.candidate.extended)],
            ["days granted by that first extension", String(r.actual.daysGranted), String(r.candidate.daysGranted)],
            ["value kept alive by it", money(r.actual.valueKeptAlive), money(r.candidate.valueKeptAlive)],
            ["of it redeemed later", money(r.actual.laterRedeemed), "(not known before it happens)"],
            ["referred to a person by the policy, before it", String(r.actual.refers), String(r.candidate.refers)],
            ["denied by the policy, before it", String(r.actual.denials), String(r.candidate.denials)],
        ])
        text += "\n\nVouchers decided differently (extended on one side only): \(r.changed)"
        if !r.rows.isEmpty {
            text += "\n\n" + Output.table(["VOUCHER", "LAST DAY", "BALANCE", "WHAT HAPPENED", "THIS POLICY", "RULE"], r.rows.map {
                [$0.voucherID, $0.lastValidDay, $0.balanceAtExpiry.description, $0.actual, $0.candidate, $0.candidateRule ?? ""]
            })
        }
        return text
    }
}
