import Foundation
import GoodwillCore
import PolicyEngine
import Store

/// `policy simulate`: a candidate policy replayed over the stored history, against what happened.
public struct SimulationReport: Sendable, Codable, Equatable {
    /// How many vouchers a simulation may list (the API's `rows`, the CLI's `--rows`).
    public static let rowsRange = 0...10_000
    /// How many it lists when not told.
    public static let defaultRows = 20

    /// Both sides are counted alike, for each voucher up to and including its first extension after
    /// expiry (what happened) or the candidate's first grant: later requests answer another question.
    public struct Side: Sendable, Codable, Equatable {
        /// Vouchers extended after their expiry in the period (what happened counts a person's grant too).
        public var extended = 0
        /// Referrals and denials the policy gave before that extension (or at all, for a voucher not
        /// extended): where one would be recorded, and not a person's grant stored beside the
        /// policy's `refer` or `deny`.
        public var refers = 0
        public var denials = 0
        /// Days of the first extension only.
        public var daysGranted = 0
        /// Balance kept alive by the first extension, per currency (minor units).
        public var valueKeptAlive: [String: Int64] = [:]
        /// Of that, how much was redeemed after the extension (only known for what happened).
        public var laterRedeemed: [String: Int64]?

        enum CodingKeys: String, CodingKey {
            case extended, refers, denials, daysGranted = "days_granted", valueKeptAlive = "value_kept_alive", laterRedeemed = "later_redeemed"
        }
    }

    public struct Row: Sendable, Codable, Equatable {
        public var voucherID: String
        public var lastValidDay: String
        public var balanceAtExpiry: Money
        public var actual: String
        public var candidate: String
        public var candidateRule: String?

        enum CodingKeys: String, CodingKey {
            case voucherID = "voucher_id", lastValidDay = "last_valid_day", balanceAtExpiry = "balance_at_expiry", actual, candidate,
                 candidateRule = "candidate_rule"
        }
    }

    public var policyID: String
    public var policyVersion: Int
    public var from: String
    public var to: String
    /// Vouchers whose (first) last valid day fell in the period with balance left.
    public var vouchers: Int
    public var actual: Side
    public var candidate: Side
    /// Vouchers where the candidate would have extended and history did not, or the reverse.
    public var changed: Int
    public var rows: [Row]

    enum CodingKeys: String, CodingKey {
        case policyID = "policy_id", policyVersion = "policy_version", from, to, vouchers, actual, candidate, changed, rows
    }
}

extension Ledger {
    /// Replays history through `policy` without changing anything: for every voucher whose first
    /// expiry fell in [from, to] with balance left, the candidate decides as it would have at that
    /// time (on each request that was recorded: the holder's or an agent's, soft expiry at the
    /// till, the expiry sweep; and as the system at that expiry unless the sweep's decision there
    /// was recorded), against what
    /// actually happened. Requests are replayed in the order they were made, across vouchers, with
    /// the candidate's own monthly budget running, its month counted in the issuer's zone as live.
    /// Both sides answer the same question for each voucher, counted alike: up to and including its
    /// first extension after expiry (the candidate: its first grant), referrals and denials only
    /// where the policy gave them and live records them.
    public func simulate(_ policy: Policy, from: LocalDate?, to: LocalDate?, rowLimit: Int = SimulationReport.defaultRows) throws -> SimulationReport {
        let now = clock.now()
        let home = ZonedCalendar.stored(configuration.defaultTimeZone)
        let end = to ?? home.localDate(of: now)
        let start = from ?? end.adding(days: -365)
        // Words for the CLI (--from, --to) and the API (from, to) alike.
        guard start <= end else {
            throw LedgerError.invalidRequest("The period to simulate would start on \(start), after its end on \(end)\(to == nil ? " (today: no end was given)" : ""); give a start on or before the end.")
        }

        struct Case {
            var voucher: Voucher
            var lastValidDay: LocalDate
            var balanceAtExpiry: Int64
            var actualExtended = false
            /// The stored decision the first extension after expiry applied.
            var firstExtension: Int64?
            var keptAlive: Int64 = 0
            var laterRedeemed: Int64 = 0
        }
        var cases: [VoucherID: Case] = [:]
        var firstSeen: [HolderID: Date] = [:]
        var held: [HolderID: Int] = [:], bought: [HolderID: Int] = [:]
        let jurisdictionCode = try jurisdiction()?.code ?? "any"

        try db.readTransaction {
            try db.forEach("SELECT id, first_seen_at FROM holders") { firstSeen[HolderID(rawValue: $0.text(0))] = Date(unixMilliseconds: $0.int64(1)) }
            try db.forEach("SELECT holder_id, count(*) FROM vouchers WHERE holder_id IS NOT NULL GROUP BY holder_id") { held[HolderID(rawValue: $0.text(0))] = $0.int(1) }
            try db.forEach("SELECT purchaser_id, count(*) FROM vouchers WHERE purchaser_id IS NOT NULL GROUP BY purchaser_id") { bought[HolderID(rawValue: $0.text(0))] = $0.int(1) }
            var vouchers: [VoucherID: Voucher] = [:]
            try store.forEachVoucher { vouchers[$0.id] = $0 }
            // One pass over the entries in chain order; each voucher's story is in time order.
            var balance: [VoucherID: Int64] = [:]
            var firstExpiry: [VoucherID: Expiry] = [:]
            try store.forEachEntry { e in
                if e.kind == .issued {
                    guard let exp = e.expiryAfter, exp.lastValidDay >= start, exp.lastValidDay <= end else { return }
                    firstExpiry[e.voucherID] = exp
                    balance[e.voucherID] = e.balanceAfter
                    return
                }
                guard let exp = firstExpiry[e.voucherID], let v = vouchers[e.voucherID] else { return }
                if e.at < exp.instant {
                    balance[e.voucherID] = e.balanceAfter
                    return
                }
                if cases[e.voucherID] == nil, let b = balance[e.voucherID], b > 0 {
                    cases[e.voucherID] = Case(voucher: v, lastValidDay: exp.lastValidDay, balanceAtExpiry: b)
                }
                guard var c = cases[e.voucherID] else { return }
                switch e.kind {
                case .extended where !c.actualExtended:
                    c.actualExtended = true
                    c.firstExtension = e.decisionID
                    c.keptAlive = e.balanceAfter
                case .redeemed where c.actualExtended:
                    c.laterRedeemed = try Self.sum(c.laterRedeemed, e.amount.clampedNegation, currency: e.currency.code)
                case .redemptionReversed where c.actualExtended:
                    c.laterRedeemed = try Self.sum(c.laterRedeemed, e.amount.clampedNegation, currency: e.currency.code)
                default: break
                }
                cases[e.voucherID] = c
            }
            // Vouchers that expired with balance but have no entry after expiry yet.
            for (id, exp) in firstExpiry where cases[id] == nil {
                if let b = balance[id], b > 0, exp.instant <= now, let v = vouchers[id] {
                    cases[id] = Case(voucher: v, lastValidDay: exp.lastValidDay, balanceAtExpiry: b)
                }
            }
        }

        var report = SimulationReport(policyID: policy.id, policyVersion: policy.version, from: start.isoString, to: end.isoString,
                                      vouchers: cases.count, actual: .init(), candidate: .init(), changed: 0, rows: [])
        report.actual.laterRedeemed = [:]
        let decoder = JSONDecoder()
        let ordered = cases.values.sorted(by: { ($0.lastValidDay, $0.voucher.id.rawValue) < ($1.lastValidDay, $1.voucher.id.rawValue) })
        // The requests to replay: every recorded one (holder, agent, redemption, system), each at the
        // instant it was made; and the sweep's question at expiry, with the facts it would have
        // gathered (tenure in the voucher's zone, as live), unless the sweep's own decision at that
        // expiry is among the recorded ones. Live, the sweep asks at every expiry but records only a grant or a
        // grant a limit stopped, so a voucher someone asked about later was still asked at expiry.
        // `byPerson`: a person granted days by hand on this request; the policy's answer beside it
        // was not what reached the voucher, and a referral there is the one asked before it.
        struct Ask { var voucherID: VoucherID; var at: Date; var facts: PolicyFacts; var byPerson = false }
        var asks: [Ask] = []
        var storedByVoucher: [VoucherID: [PolicyStore.DecisionRow]] = [:]
        // Stored decisions a person granted days on, by id: read once here, for the rows below too.
        var grantedByPersonIDs: Set<Int64> = []
        for c in ordered {
            let v = c.voucher
            let stored = try policies.decisions(of: v.id)
            storedByVoucher[v.id] = stored
            let recorded = stored.compactMap { row in
                (try? decoder.decode(PolicyDecision.self, from: Data(row.json.utf8))).map {
                    let byPerson = Self.grantedByPerson(row, $0)
                    if byPerson { grantedByPersonIDs.insert(row.id) }
                    return Ask(voucherID: v.id, at: row.at, facts: $0.facts, byPerson: byPerson)
                }
            }
            asks += recorded
            if recorded.contains(where: { $0.facts.requester == .system && $0.facts.lastValidDay == c.lastValidDay }) { continue }
            let asOf = c.lastValidDay.adding(days: 1)
            let zone = ZonedCalendar(identifier: v.timeZone) ?? home
            let tenure = v.holderID.flatMap { firstSeen[$0] }.map { max(0, zone.localDate(of: $0).days(until: asOf)) } ?? 0
            let at = zone.startOfDay(asOf)
            asks.append(Ask(voucherID: v.id, at: at, facts: PolicyFacts(
                lastValidDay: c.lastValidDay, asOf: asOf, remainingBalance: c.balanceAtExpiry,
                originalValue: v.value.minorUnits, currency: v.value.currency.code, holderTenureDays: tenure,
                vouchersHeld: v.holderID.flatMap { held[$0] } ?? 0,
                vouchersBought: v.holderID.flatMap { bought[$0] } ?? 0, voucherKind: v.kind.rawValue,
                requester: .system, jurisdiction: jurisdictionCode)))
        }
        // What the candidate would have done, in the order the requests came, until it grants. A
        // referral or denial counts where live would record one, as what happened counts stored
        // ones: a holder's or agent's request (not one a person granted by hand), the sweep's only
        // when a limit stopped its grant (otherwise it just expires the voucher), and never at the
        // till (the redemption is refused; nothing is recorded).
        struct Outcome { var candidate = "nothing"; var rule: String?; var granted = false }
        var outcomes: [VoucherID: Outcome] = [:]
        // The candidate's own running month, as live: grants counted over every currency, the
        // balance they covered per currency (PolicyStore.goodwillGranted).
        var monthCount: [String: Int] = [:]  // per month
        var monthValue: [String: Int64] = [:]  // per month and currency
        for ask in asks.enumerated().sorted(by: { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }).map(\.element) {
            var o = outcomes[ask.voucherID] ?? Outcome()
            if o.granted { continue }
            var facts = ask.facts
            let currency = facts.currency
            let day = home.localDate(of: ask.at)
            let month = "\(day.year)-\(day.month)", key = "\(month) \(currency)"
            facts.goodwillThisMonthCount = monthCount[month] ?? 0
            facts.goodwillThisMonthValue = monthValue[key] ?? 0
            let d = policy.evaluate(facts)
            o.rule = d.ruleName
            switch d.outcome {
            case .grant(let days, let day, _):
                o.candidate = "grant \(Plural.count(days, "day")) (to \(day))"
                o.granted = true
                report.candidate.daysGranted += days
                report.candidate.valueKeptAlive[currency] = try Self.sum(report.candidate.valueKeptAlive[currency] ?? 0, facts.remainingBalance, currency: currency)
                monthCount[month, default: 0] += 1
                // A budget fact, capped like the live one (PolicyStore.goodwillGranted).
                let spent = monthValue[key, default: 0].addingReportingOverflow(facts.remainingBalance)
                monthValue[key] = spent.overflow ? Int64.max : spent.partialValue
            case .refer(let days, _):
                guard Self.wouldBeRecorded(d, ask.byPerson) else { continue }
                o.candidate = "refer (suggest \(Plural.count(days, "day")))"; report.candidate.refers += 1
            case .deny:
                guard Self.wouldBeRecorded(d, ask.byPerson) else { continue }
                o.candidate = "deny"; report.candidate.denials += 1
            case .noRuleMatched:
                o.candidate = "no rule"
            }
            outcomes[ask.voucherID] = o
        }
        for c in ordered {
            let v = c.voucher
            let currency = v.value.currency.code
            // What happened, to the same point: the decisions up to and including the one the first
            // extension after expiry applied (all of them when there was none). Its days only; the
            // policy's referrals and denials before it, not a person's grant stored with `refer`.
            let all = storedByVoucher[v.id] ?? []
            let first = c.firstExtension.flatMap { id in all.firstIndex { $0.id == id } }
            let stored = first.map { all[...$0] } ?? all[...]
            let extension_ = first.map { all[$0] }
            let actualDays = extension_?.daysGranted ?? 0
            if c.actualExtended {
                report.actual.extended += 1
                report.actual.daysGranted += actualDays
                report.actual.valueKeptAlive[currency] = try Self.sum(report.actual.valueKeptAlive[currency] ?? 0, c.keptAlive, currency: currency)
                let later = try Self.sum(report.actual.laterRedeemed?[currency] ?? 0, c.laterRedeemed, currency: currency)
                report.actual.laterRedeemed?[currency] = later
            }
            report.actual.refers += stored.filter { $0.daysGranted == 0 && $0.outcome == "refer" }.count
            report.actual.denials += stored.filter { $0.daysGranted == 0 && $0.outcome == "deny" }.count
            let o = outcomes[v.id] ?? Outcome()
            let (candidate, rule, granted) = (o.candidate, o.rule, o.granted)
            if granted { report.candidate.extended += 1 }
            if granted != c.actualExtended { report.changed += 1 }
            if report.rows.count < rowLimit {
                let byPerson = extension_.map { grantedByPersonIDs.contains($0.id) } ?? false
                let actual = c.actualExtended ? "extended \(Plural.count(actualDays, "day"))\(byPerson ? " by a person" : "")"
                    : (v.storedStatus == .refunded ? "refunded" : "expired")
                report.rows.append(.init(voucherID: v.id.rawValue, lastValidDay: c.lastValidDay.isoString,
                                         balanceAtExpiry: Money(minorUnits: c.balanceAtExpiry, currency: v.value.currency),
                                         actual: actual, candidate: candidate, candidateRule: rule))
            }
        }
        return report
    }

    /// A person granted days by hand on this stored decision (on a referral or a denial, other days
    /// than the policy's grant, or as an override): the row keeps the policy's outcome beside them.
    static func grantedByPerson(_ row: PolicyStore.DecisionRow, _ d: PolicyDecision) -> Bool {
        guard row.daysGranted > 0 else { return false }
        if case .grant(let days, _, _) = d.outcome { return row.isOverride || days != row.daysGranted }
        return true
    }

    /// Whether live would record this referral or denial as the policy's (Ledger+Goodwill.swift):
    /// a holder's or agent's request unless a person granted on it, the sweep's when a limit
    /// stopped its grant, never a redemption's (the till refuses the voucher and records nothing).
    static func wouldBeRecorded(_ d: PolicyDecision, _ byPerson: Bool) -> Bool {
        switch d.facts.requester {
        case .holder, .agent: return !byPerson
        case .system: return d.limitApplied != nil
        case .redemption: return false
        }
    }

    /// A sum for the simulation's report, refused rather than trapping when it does not fit in Int64.
    /// (A redemption of Int64.min, possible only in books written before the amount limit, is
    /// negated to Int64.max, which no real sum with it fits: the same refusal, not a trap.)
    static func sum(_ a: Int64, _ b: Int64, currency: String) throws -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return sum }
        throw LedgerError.invalidAmount("The simulation's \(currency) totals are too large to add up in 64-bit minor units; the books hold vouchers with impossible amounts (over 10^12 minor units, written before that limit). Void or adjust them, then simulate again.")
    }
}

private extension Int64 {
    /// -self, or Int64.max for Int64.min (whose negation does not exist).
    var clampedNegation: Int64 { self == .min ? .max : -self }
}
