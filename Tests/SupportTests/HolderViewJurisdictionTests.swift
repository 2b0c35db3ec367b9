import Foundation
import GoodwillCore
import Ledger
import Store
import Testing
@testable import Support

/// The holder view shows each expired voucher's payout right under the jurisdiction in force, read
/// once for the view (as the voucher list reads it once per page), never once per voucher, and
/// never kept from one view to the next.
@Suite struct HolderViewJurisdictionTests {
    /// Ida's three Danish vouchers, issued 2025-04-02 in Copenhagen (valid through 2026-04-02) with
    /// different balances left, and one issued later that is still valid; the clock forty days past
    /// the first three's expiry.
    func idaWithExpiredVouchers() throws -> (SupportFixture, [String: Money]) {
        let f = try SupportFixture(book: false, now: "2025-04-02T10:00:00Z")
        try f.ledger.setJurisdiction(code: "DK", actor: "admin")
        func issue(_ kroner: Int64) throws -> VoucherView {
            try f.ledger.perform(.issue(IssueRequest(value: Money(minorUnits: kroner * 100, currency: .dkk), validity: .months(12),
                                                     timeZone: "Europe/Copenhagen",
                                                     holder: PersonInput(email: "ida@example.dk", name: "Ida", locale: "da"))),
                                 actor: "shop").voucher
        }
        var left: [String: Money] = [:]
        for (kroner, spent) in [(400, 100), (250, 0), (900, 875)] as [(Int64, Int64)] {
            let v = try issue(kroner)
            if spent > 0 {
                _ = try f.ledger.perform(.redeem(.id(VoucherID(rawValue: v.id)), amount: Money(minorUnits: spent * 100, currency: .dkk),
                                                 reference: nil), actor: "till")
            }
            left[v.id] = Money(minorUnits: (kroner - spent) * 100, currency: .dkk)
        }
        f.clock.set(instant("2025-09-01T10:00:00Z"))
        _ = try issue(300)
        f.clock.set(instant("2026-05-12T10:00:00Z"))
        return (f, left)
    }

    /// How many times the jurisdiction has been read on this connection.
    func jurisdictionReads(_ f: SupportFixture) throws -> Int32 {
        try f.ledger.db.cachedStatement(PolicyStore.jurisdictionSQL).runs
    }

    @Test func eachExpiredVoucher_showsItsOwnPayoutRight_fromOneReadOfTheJurisdiction() throws {
        let (f, left) = try idaWithExpiredVouchers()
        let before = try jurisdictionReads(f)
        let view = try f.support.holderView("ida@example.dk")
        #expect(try jurisdictionReads(f) - before == 1)
        #expect(view.vouchers.count == 4)
        for v in view.vouchers.map(\.voucher) {
            if let balance = left[v.id] {
                #expect(v.status == .expired && v.payoutClaimable == balance && v.payoutClaimableUntil == "2027-04-02", "\(v.id)")
            } else {
                #expect(v.status == .active && v.payoutClaimable == nil && v.payoutClaimableUntil == nil)
            }
        }
    }

    @Test func aJurisdictionChangedBetweenTwoViews_isTheOneTheSecondViewApplies() throws {
        let (f, left) = try idaWithExpiredVouchers()
        #expect(try f.support.holderView("ida@example.dk").vouchers.filter { $0.voucher.payoutClaimable != nil }.count == left.count)
        // Sweden gives no payout right after expiry: the balances are breakage, and no line is shown.
        try f.ledger.setJurisdiction(code: "SE", actor: "admin")
        let swedish = try f.support.holderView("ida@example.dk").vouchers.map(\.voucher)
        #expect(swedish.filter { $0.status == .expired }.count == left.count)
        #expect(swedish.allSatisfy { $0.payoutClaimable == nil && $0.payoutClaimableUntil == nil })
        try f.ledger.setJurisdiction(code: "DK", actor: "admin")
        #expect(try f.support.holderView("ida@example.dk").vouchers.compactMap { $0.voucher.payoutClaimable }.sorted { $0.minorUnits < $1.minorUnits }
                == left.values.sorted { $0.minorUnits < $1.minorUnits })
    }

    @Test func aHolderWithNothingExpired_costsNoReadOfTheJurisdiction() throws {
        let f = try SupportFixture(book: false)
        try f.ledger.setJurisdiction(code: "DK", actor: "admin")
        try f.issue(500, .dkk, holder: "ida@example.dk")
        let before = try jurisdictionReads(f)
        #expect(try f.support.holderView("ida@example.dk").vouchers.count == 1)
        #expect(try jurisdictionReads(f) == before)
    }
}
