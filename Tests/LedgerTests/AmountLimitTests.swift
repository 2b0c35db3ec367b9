import Foundation
import GoodwillCore
import Testing
@testable import Ledger
import Store

/// Money enters the ledger within a limit (10^12 minor units), and sums over the book never trap.
struct AmountLimitTests {
    let limit = Money.voucherLimitMinorUnits

    @Test func aVoucherAboveTheLimit_isRefused_andNothingIsStored() throws {
        let f = try LedgerFixture()
        for units in [limit + 1, Int64.max] {
            let error = ledgerError { try f.issue(Money(minorUnits: units, currency: .sek)) }
            #expect(error?.code == "invalid-amount")
            #expect(error?.description.contains("at most 10000000000.00 SEK") == true, "\(String(describing: error))")
        }
        #expect(try f.ledger.db.scalarInt("SELECT count(*) FROM vouchers") == 0)
        #expect(try f.ledger.db.scalarInt("SELECT count(*) FROM entries") == 0)
        // The limit itself is a valid voucher.
        #expect(try f.issue(Money(minorUnits: limit, currency: .sek)).balance.minorUnits == limit)
    }

    @Test func adjustments_stayWithinTheLimit_andNeverTrap() throws {
        let f = try LedgerFixture()
        let v = try f.issue(Money(minorUnits: limit - 100, currency: .sek))
        let ref = VoucherReference(v.id)
        func adjust(_ units: Int64) -> LedgerError? {
            ledgerError { try f.ledger.perform(.adjust(ref, amount: Money(minorUnits: units, currency: .sek), reason: "test"), actor: "t") }
        }
        // Past the limit on the balance, beyond it as one adjustment, and Int64's ends (which must not trap).
        for units in [101, limit + 1, -(limit + 1), Int64.max, Int64.min] {
            #expect(adjust(units)?.code == "invalid-amount", "\(units)")
        }
        #expect(adjust(101)?.description.contains("Add at most 1.00 SEK") == true)
        #expect(adjust(Int64.min)?.description.contains("; -92233720368547758.08 SEK was asked") == true)
        #expect(adjust(-(limit + 1))?.description.contains("; -10000000000.01 SEK was asked") == true)
        #expect(try f.show(v).balance.minorUnits == limit - 100)
        #expect(adjust(100) == nil)
        #expect(adjust(-limit) == nil)
        #expect(try f.show(v).balance.minorUnits == 0)
        #expect(try f.ledger.verify().ok)
    }

    /// A reversal puts money back; after an adjustment made up for the redemption, it must not
    /// carry the balance past the limit that issue and adjust hold it to.
    @Test func aReversal_cannotCarryTheBalancePastTheLimit() throws {
        let f = try LedgerFixture()
        let v = try f.issue(Money(minorUnits: limit, currency: .sek))
        let redemption = try f.redeem(v, sek(100))
        try f.ledger.perform(.adjust(VoucherReference(v.id), amount: sek(100), reason: "till error, put back by hand"), actor: "t")
        let error = ledgerError { try f.ledger.perform(.reverse(entryID: redemption.entry!.id, reason: "till error"), actor: "t") }
        #expect(error?.code == "invalid-amount")
        #expect(error?.description.contains("adjust the balance down by at least 100.00 SEK") == true, "\(String(describing: error))")
        #expect(try f.show(v).balance.minorUnits == limit)
        #expect(try f.ledger.entries(of: VoucherReference(v.id)).count == 3)
        // Once the adjustment is taken back, the reversal goes through and ends at the limit.
        try f.ledger.perform(.adjust(VoucherReference(v.id), amount: sek(-100), reason: "undo, the reversal puts it back"), actor: "t")
        try f.ledger.perform(.reverse(entryID: redemption.entry!.id, reason: "till error"), actor: "t")
        #expect(try f.show(v).balance.minorUnits == limit)
        #expect(try f.ledger.verify().ok)
    }

    /// Goodwill already granted this month is a budget fact: a sum past Int64 is capped (more than
    /// any budget), where SQLite's sum() raised "integer overflow" and blocked every extension.
    @Test func goodwillThisMonth_isSummedExactly_andCappedInsteadOfOverflowing() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500))
        let voucher = try f.ledger.resolve(VoucherReference(v.id))
        func grant(_ value: Int64) throws {
            try f.ledger.policies.insert(.init(
                voucherID: voucher.id, at: f.clock.now(), policyID: "p", policyVersion: 1, policyHash: "h", requester: "holder",
                outcome: "grant", ruleName: "r", daysGranted: 30, valueExtended: value, currency: "SEK", actor: "t",
                isOverride: false, reason: nil, json: "{}"))
        }
        try grant(3)
        try grant((1 << 32) + 5)  // past 32 bits: still exact
        var facts = try f.ledger.goodwillFacts(for: voucher, requester: .holder, now: f.clock.now())
        #expect(facts.goodwillThisMonthCount == 2)
        #expect(facts.goodwillThisMonthValue == (1 << 32) + 8)
        try grant(Int64.max)
        try grant(Int64.max)
        facts = try f.ledger.goodwillFacts(for: voucher, requester: .holder, now: f.clock.now())
        #expect(facts.goodwillThisMonthCount == 4)
        #expect(facts.goodwillThisMonthValue == Int64.max)
    }
}
