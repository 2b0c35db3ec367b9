import Foundation
import GoodwillCore
import PolicyEngine
import Testing
@testable import Ledger

/// `goodwill_this_month_count` counts the goodwill extensions granted this month in every
/// currency (a budget of "20 a month" is 20, not 20 per currency); `goodwill_this_month_value`
/// stays in the voucher's currency, since money of different currencies cannot be added.
struct GoodwillMonthFactsTests {
    func dkk(_ units: Int64) -> Money { Money(minorUnits: units * 100, currency: .dkk) }

    /// Grants 30 days to a voucher up to 60 days late while fewer than `count` were granted this
    /// month; budgets of `budget` minor units in SEK and DKK.
    func policy(count: Int, budget: Int64 = 1_000_000, requester: String? = nil) -> Data {
        let asker = requester.map { #", {"fact": "requester", "equals": "\#($0)"}"# } ?? ""
        return Data("""
            {"id": "few-a-month", "version": 1, "description": "a few a month", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 120,
                        "monthly_goodwill_budget": {"SEK": \(budget), "DKK": \(budget)}, "when_exceeded": "refer"},
             "rules": [{"name": "while the month allows", "conditions": [
                           {"fact": "days_since_expiry", "min": 0, "max": 60},
                           {"fact": "goodwill_this_month_count", "max": \(count - 1)}\(asker)],
                        "outcome": {"kind": "grant", "days": 30, "message": "grant.courtesy"}}]}
            """.utf8)
    }

    func extend(_ f: LedgerFixture, _ v: VoucherView) throws -> Int? {
        try f.ledger.perform(.extend(VoucherReference(v.id), ExtensionRequest(reason: "asked")), actor: "t").decision?.applied?.days
    }

    @Test func theMonthsCount_includesGrantsInEveryCurrency_itsValueOnlyTheVouchersCurrency() throws {
        let f = try LedgerFixture(now: "2025-04-02T10:00:00Z")
        try f.ledger.activatePolicy(data: policy(count: 2), fileName: "few-a-month.json", actor: "admin")
        let krona = try f.issue(sek(100)), krone = try f.issue(dkk(200)), third = try f.issue(sek(300)), fourth = try f.issue(dkk(400))
        f.clock.set(instant("2026-04-16T10:00:00Z"))  // fourteen days after the last valid day
        #expect(try extend(f, krona) == 30)
        #expect(try extend(f, krone) == 30)

        let sekFacts = try f.ledger.goodwillFacts(for: try f.ledger.resolve(VoucherReference(third.id)), requester: .holder, now: f.clock.now())
        #expect(sekFacts.goodwillThisMonthCount == 2)
        #expect(sekFacts.goodwillThisMonthValue == 10_000)
        let dkkFacts = try f.ledger.goodwillFacts(for: try f.ledger.resolve(VoucherReference(fourth.id)), requester: .holder, now: f.clock.now())
        #expect(dkkFacts.goodwillThisMonthCount == 2)
        #expect(dkkFacts.goodwillThisMonthValue == 20_000)

        // Two a month: the third grant is refused whatever its currency.
        #expect(try extend(f, third) == nil)
        #expect(try extend(f, fourth) == nil)
    }

    /// `policy simulate` runs the candidate's month as live does: one count over all currencies,
    /// a value per currency.
    @Test func simulation_countsTheMonthAcrossCurrencies_andItsValuePerCurrency() throws {
        let f = try LedgerFixture(now: "2025-04-02T10:00:00Z")
        try f.issue(sek(100)); try f.issue(dkk(200)); try f.issue(sek(100))
        f.clock.set(instant("2026-06-01T10:00:00Z"))
        let period = (LocalDate(iso: "2026-01-01"), LocalDate(iso: "2026-12-31"))

        let twoAMonth = try f.ledger.validatePolicy(data: policy(count: 2, requester: "system"), fileName: "two.json")
        let counted = try f.ledger.simulate(twoAMonth, from: period.0, to: period.1)
        #expect(counted.vouchers == 3)
        #expect(counted.candidate.extended == 2)

        // 250 a month in each currency: 100 + 100 SEK fit, and 200 DKK fits its own budget.
        let budgeted = try f.ledger.validatePolicy(data: policy(count: 100, budget: 25_000, requester: "system"), fileName: "budget.json")
        let valued = try f.ledger.simulate(budgeted, from: period.0, to: period.1)
        #expect(valued.candidate.extended == 3)
        #expect(valued.candidate.refers == 0)
    }
}
