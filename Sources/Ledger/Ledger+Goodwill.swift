import Foundation
import GoodwillCore
import PolicyEngine
import Store

extension Ledger {
    /// The facts the goodwill policy decides on, as they stand for this voucher now.
    public func goodwillFacts(for v: Voucher, requester: Requester, now: Date) throws -> PolicyFacts {
        guard let expiry = v.expiry else { throw LedgerError.noExpiry }
        let zone = ZonedCalendar.stored(v.timeZone)
        let today = zone.localDate(of: now)
        let prior = try policies.extensionsGranted(to: v.id)
        var tenure = 0, held = 0, bought = 0, openCase = false
        if let holderID = v.holderID, let holder = try store.holder(id: holderID) {
            tenure = max(0, zone.localDate(of: holder.firstSeenAt).days(until: today))
            held = Int(try db.scalarInt("SELECT count(*) FROM vouchers WHERE holder_id = ?", [.text(holderID.rawValue)]))
            bought = Int(try db.scalarInt("SELECT count(*) FROM vouchers WHERE purchaser_id = ?", [.text(holderID.rawValue)]))
            openCase = try policies.hasOpenCase(holder: holderID)
        }
        // The budget is one for the issuer, so its month is counted in one zone, the issuer's
        // default: in each voucher's own zone the months would start at different instants, and
        // vouchers in a later zone would not see grants made in the first hours of the month.
        let home = ZonedCalendar.stored(configuration.defaultTimeZone)
        let homeToday = home.localDate(of: now)
        let monthStart = home.startOfDay(LocalDate(year: homeToday.year, month: homeToday.month, day: 1) ?? homeToday)
        let month = try policies.goodwillGranted(since: monthStart, currency: v.value.currency.code)
        return PolicyFacts(
            lastValidDay: expiry.lastValidDay, asOf: today, remainingBalance: v.balance.minorUnits,
            originalValue: v.value.minorUnits, currency: v.value.currency.code, priorExtensionCount: prior.count,
            priorExtensionDays: prior.days, holderTenureDays: tenure, vouchersHeld: held, vouchersBought: bought,
            hasOpenSupportCase: openCase, voucherKind: v.kind.rawValue, tags: [], requester: requester,
            jurisdiction: try jurisdiction()?.code ?? "any", goodwillThisMonthCount: month.count,
            goodwillThisMonthValue: month.value)
    }

    /// What the active policy would decide now, changing nothing (`policy explain`, `GET …/goodwill`).
    /// A voided or refunded voucher is refused as the request for it is, not offered a grant.
    public func explainGoodwill(_ ref: VoucherReference, requester: Requester = .holder) throws -> DecisionView {
        try db.readTransaction {
            let v = try resolve(ref)
            try Self.checkNotFinal(v)
            let now = clock.now()
            let decision = try activePolicy().evaluate(try goodwillFacts(for: v, requester: requester, now: now))
            return DecisionView(decision.noting(try payoutRight(for: v, now: now)), voucherID: v.id)
        }
    }

    /// A request for an extension. Without `days` the policy decides; a grant is applied at once.
    /// With `days`, a person decides: support or admin only, with a reason, and `override` when it
    /// goes beyond the policy. A refused request is still recorded as a decision.
    func extend(_ ref: VoucherReference, _ request: ExtensionRequest, _ ctx: OperationContext) throws -> LedgerReceipt {
        let v = try resolve(ref)
        try Self.checkNotFinal(v)
        guard let reason = try Self.clean(request.reason, field: "reason") else {
            throw LedgerError.invalidRequest("An extension request needs a reason, so the decision can be explained later.")
        }
        // An override confirms days granted by hand; without them the policy would decide, which
        // is not what was confirmed (and a denial would be recorded in the agent's name).
        guard request.days != nil || !request.override else {
            throw LedgerError.invalidRequest("An override confirms a number of days granted by hand, and none was given. Give the days to grant, or leave the override out to let the policy decide.")
        }
        let policy = try activePolicy()
        let decision = policy.evaluate(try goodwillFacts(for: v, requester: request.requester, now: ctx.now))
        if let days = request.days {
            let personal: PersonalDecision
            do {
                personal = try policy.personalDecision(on: decision, actor: ctx.actor, role: ActorRole(rawValue: request.role),
                                                       days: days, reason: reason, override: request.override)
            } catch {
                switch error.kind {
                case .roleNotAllowed: throw LedgerError.notPermitted(error.description)
                case .overrideNotConfirmed: throw LedgerError.overrideRequired(error.description)
                default: throw LedgerError.invalidRequest(error.description)
                }
            }
            return try applyExtension(v, decision: decision, days: personal.grantedDays, lastValidDay: personal.newLastValidDay,
                                      isOverride: personal.isOverride, overrideBecause: personal.overrideBecause, reason: reason, ctx)
        }
        guard case .grant(let days, let newDay, _) = decision.outcome else {
            // Referred or denied: keep the decision, with the payout right the law still gives
            // beside it, and change nothing else.
            let noted = decision.noting(try payoutRight(for: v, now: ctx.now))
            let id = try record(noted, voucher: v, days: 0, isOverride: false, reason: reason, actor: ctx.actor, at: ctx.now)
            return LedgerReceipt(voucher: try view(of: v, now: ctx.now), entry: nil, decision: DecisionView(noted, voucherID: v.id, id: id))
        }
        return try applyExtension(v, decision: decision, days: days, lastValidDay: newDay, isOverride: false,
                                  overrideBecause: nil, reason: reason, ctx)
    }

    /// Records the decision and appends the `extended` entry that points at it.
    func applyExtension(_ v: Voucher, decision: PolicyDecision, days: Int, lastValidDay: LocalDate, isOverride: Bool,
                        overrideBecause: String?, reason: String?, _ ctx: OperationContext) throws -> LedgerReceipt {
        guard let calendar = ZonedCalendar(identifier: v.timeZone) else { throw LedgerError.invalidRequest("Unknown time zone \(v.timeZone).") }
        // The last line of defence: a day past 9999-12-31 is stored as "10000-…" and never read back.
        guard lastValidDay.isStorable else {
            throw LedgerError.invalidRequest("The extension would end on \(lastValidDay), after \(LocalDate.latest), the last day Goodwill can store. Grant fewer days.")
        }
        let id = try record(decision, voucher: v, days: days, isOverride: isOverride, reason: reason, actor: ctx.actor, at: ctx.now)
        let expiry = Expiry(lastValidDay: lastValidDay, calendar: calendar)
        var extended = v
        extended.expiry = expiry
        let status = v.storedStatus == .blocked ? .blocked : extended.naturalStatus(balance: v.balance.minorUnits, at: ctx.now)
        let entry = try append(LedgerEntry(
            id: 0, voucherID: v.id, kind: .extended, amount: 0, balanceAfter: v.balance.minorUnits, currency: v.value.currency,
            at: ctx.now, actor: ctx.actor, reason: reason, idempotencyKey: ctx.idempotencyKey, expiryAfter: expiry,
            statusAfter: status, decisionID: id), to: v)
        var receipt = try receipt(for: v, entry: entry, now: ctx.now)
        receipt.decision = DecisionView(decision, voucherID: v.id, id: id, applied: .init(
            days: days, newLastValidDay: lastValidDay.isoString, actor: ctx.actor, isOverride: isOverride,
            overrideBecause: overrideBecause, reason: reason))
        return receipt
    }

    private func record(_ d: PolicyDecision, voucher v: Voucher, days: Int, isOverride: Bool, reason: String?,
                        actor: String, at: Date) throws -> Int64 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let outcome: String
        switch d.outcome {
        case .grant: outcome = "grant"
        case .refer: outcome = "refer"
        case .deny: outcome = "deny"
        case .noRuleMatched: outcome = "no_rule"
        }
        return try policies.insert(.init(
            voucherID: v.id, at: at, policyID: d.policyID, policyVersion: d.policyVersion, policyHash: d.policyHash,
            requester: d.facts.requester.rawValue, outcome: outcome, ruleName: d.ruleName, daysGranted: days,
            valueExtended: days > 0 ? v.balance.minorUnits : 0, currency: v.value.currency.code, actor: actor,
            isOverride: isOverride, reason: reason, json: String(decoding: try encoder.encode(d), as: UTF8.self)))
    }

    /// Soft expiry: a voucher presented shortly after expiry is accepted when the policy grants it
    /// for a redemption; the extension and the redemption are one transaction. Returns the voucher
    /// as extended and the decision, which the redemption's receipt carries.
    func softExpiry(_ v: Voucher, _ ctx: OperationContext) throws -> (voucher: Voucher, decision: DecisionView?)? {
        guard v.expiry != nil else { return nil }
        let decision = try activePolicy().evaluate(try goodwillFacts(for: v, requester: .redemption, now: ctx.now))
        guard case .grant(let days, let day, _) = decision.outcome else { return nil }
        let extension_ = try applyExtension(v, decision: decision, days: days, lastValidDay: day, isOverride: false, overrideBecause: nil,
                                            reason: "soft expiry at redemption", ctx)
        guard let extended = try store.voucher(id: v.id) else { return nil }
        return (extended, extension_.decision)
    }

    /// The right the jurisdiction in force still gives the holder to take `v`'s balance out as
    /// money after its expiry (`payoutRightAfterExpiry`, the rule closing refunds by); nil when it
    /// gives none, the voucher has not expired, or it is blocked (not paid out until support clears it).
    func payoutRight(for v: Voucher, now: Date) throws -> PayoutRight? {
        try payoutRight(for: v, now: now, in: jurisdiction)
    }

    /// As above, with the jurisdiction from `preset`, asked only when the voucher could have a
    /// right (a list asks it once for the page, not once per expired voucher).
    func payoutRight(for v: Voucher, now: Date, in preset: () throws -> JurisdictionPreset?) throws -> PayoutRight? {
        guard let expiry = v.expiry, v.storedStatus != .blocked, !v.storedStatus.isFinal, let preset = try preset() else { return nil }
        return preset.payoutRightAfterExpiry(balance: v.balance.minorUnits, currency: v.value.currency.code,
                                             on: ZonedCalendar.stored(v.timeZone).localDate(of: now), lastValidDay: expiry.lastValidDay)
    }

    /// One sentence for a refused redemption: what the policy would do if the holder asked now.
    func goodwillHint(for v: Voucher, now: Date) -> GoodwillHint? {
        guard let policy = try? activePolicy(), let facts = try? goodwillFacts(for: v, requester: .holder, now: now) else { return nil }
        let d = policy.evaluate(facts)
        switch d.outcome {
        case .grant(let days, let day, _):
            return GoodwillHint(sentence: "The goodwill policy would extend it by \(Plural.count(days, "day")) (to \(day)) if the holder asks: rule \"\(d.ruleName ?? "")\".", wouldGrant: true)
        case .refer(let days, _):
            let why = d.limitApplied.map { " because \($0.summary)" } ?? ""
            return GoodwillHint(sentence: "The goodwill policy would refer an extension request to a person (suggesting \(Plural.count(days, "day")))\(why).", wouldGrant: false)
        case .deny:
            return GoodwillHint(sentence: "The goodwill policy would not extend it: \(d.explanation)", wouldGrant: false)
        case .noRuleMatched:
            return GoodwillHint(sentence: "No goodwill rule covers it; a person can decide.", wouldGrant: false)
        }
    }

    /// Proactive goodwill at expiry: the sweep asks the policy as the system before expiring a
    /// voucher, and extends it instead when a rule grants. When a rule granted but a limit turned
    /// the grant into a referral (or a denial), the voucher expires and that decision is recorded,
    /// and the `expired` entry points at it: a person was meant to decide, so support must be able
    /// to find it. When no rule matched, the sweep does nothing but expire (Policies/README.md).
    /// An unblock, reversal or adjustment that leaves a voucher past its day runs the same step
    /// (`receipt(for:entry:expiryDue:_:)`), and its receipt carries the decision recorded here.
    enum ExpiryOutcome {
        case extended(DecisionView?)
        case expired(referred: Bool, decision: DecisionView?)

        var decision: DecisionView? {
            switch self {
            case .extended(let d), .expired(_, let d): return d
            }
        }
    }

    func expireOrExtend(_ v: Voucher, now: Date) throws -> ExpiryOutcome {
        let ctx = OperationContext(actor: "system", idempotencyKey: nil, now: now)
        var stopped: (id: Int64, breach: LimitBreach, referred: Bool, view: DecisionView)?
        if let policy = try? activePolicy(), let facts = try? goodwillFacts(for: v, requester: .system, now: now) {
            let d = policy.evaluate(facts)
            if case .grant(let days, let day, _) = d.outcome {
                let receipt = try applyExtension(v, decision: d, days: days, lastValidDay: day, isOverride: false, overrideBecause: nil,
                                                 reason: "goodwill at expiry", ctx)
                return .extended(receipt.decision)
            }
            if let breach = d.limitApplied {
                let noted = d.noting(try payoutRight(for: v, now: now))
                let id = try record(noted, voucher: v, days: 0, isOverride: false, reason: "goodwill at expiry stopped by a limit",
                                    actor: "system", at: now)
                stopped = (id, breach, d.outcome.isRefer, DecisionView(noted, voucherID: v.id, id: id))
            }
        }
        var reason = "last valid day \(v.expiry?.lastValidDay.isoString ?? "?") has passed"
        if let stopped {
            reason += "; goodwill at expiry was stopped by \(stopped.breach.limit) and \(stopped.referred ? "referred to a person" : "denied") (decision \(stopped.id))"
        }
        try append(LedgerEntry(
            id: 0, voucherID: v.id, kind: .expired, amount: 0, balanceAfter: v.balance.minorUnits,
            currency: v.value.currency, at: now, actor: "system",
            reason: reason, statusAfter: .expired, decisionID: stopped?.id), to: v)
        return .expired(referred: stopped?.referred ?? false, decision: stopped?.view)
    }
}
