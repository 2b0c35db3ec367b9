import Foundation
import GoodwillCore
import PolicyEngine
import Testing
@testable import Ledger
import Store

/// Where the law in force still lets the holder take an expired voucher's balance out as money
/// (Denmark: a year after expiry), the voucher as shown says so beside "expired": `payout_claimable`
/// and its last day `payout_claimable_until`, decided by the rule the goodwill answers use. Elsewhere,
/// after the right's end, on a voucher still valid or one blocked, voided or refunded: nothing.
struct PayoutRightViewTests {
    /// 400 in `currency` issued 2025-04-02 in Copenhagen, valid through 2026-04-02, under `jurisdiction`.
    func issued(_ jurisdiction: String, _ value: Money) throws -> (LedgerFixture, VoucherView) {
        let f = try LedgerFixture(now: "2025-04-02T10:00:00Z")
        try f.ledger.setJurisdiction(code: jurisdiction, actor: "admin")
        let v = try f.ledger.perform(.issue(IssueRequest(value: value, validity: .months(12), timeZone: "Europe/Copenhagen",
                                                         holder: PersonInput(email: "ida@example.dk", name: "Ida", locale: "da"))),
                                     actor: "shop").voucher
        #expect(v.lastValidDay == "2026-04-02")
        return (f, v)
    }

    func dkk(_ units: Int64) -> Money { Money(minorUnits: units * 100, currency: .dkk) }

    /// Forty days after the last valid day.
    static let fortyDaysLate = "2026-05-12T10:00:00Z"

    func json(_ v: VoucherView) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(v)) as? [String: Any])
    }

    func expectNothing(_ v: VoucherView, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(v.payoutClaimable == nil && v.payoutClaimableUntil == nil, sourceLocation: sourceLocation)
        let keys = try json(v).keys
        #expect(!keys.contains("payout_claimable") && !keys.contains("payout_claimable_until"), sourceLocation: sourceLocation)
    }

    @Test func aDanishVoucherFortyDaysLate_showsThePayoutRightAndItsLastDay_beforeAndAfterTheSweep() throws {
        let (f, v) = try issued("DK", dkk(400))
        try f.redeem(v, dkk(100))
        f.clock.set(instant(Self.fortyDaysLate))
        for swept in [false, true] {
            if swept { #expect(try f.ledger.sweepExpired().expired.count == 1) }
            let shown = try f.show(v)
            #expect(shown.status == .expired)
            #expect(shown.payoutClaimable == dkk(300), "swept: \(swept)")
            #expect(shown.payoutClaimableUntil == "2027-04-02", "swept: \(swept)")
            let object = try json(shown)
            #expect((object["payout_claimable"] as? [String: Any])?["amount"] as? Int == 30000)
            #expect(object["payout_claimable_until"] as? String == "2027-04-02")
            let listed = try #require(try f.ledger.list(VoucherFilter()).vouchers.first)
            #expect(listed.payoutClaimable == dkk(300) && listed.payoutClaimableUntil == "2027-04-02", "swept: \(swept)")
        }
        // On its last day the right is still shown; the day after, it is gone.
        f.clock.set(instant("2027-04-02T20:00:00Z"))
        #expect(try f.show(v).payoutClaimableUntil == "2027-04-02")
        f.clock.set(instant("2027-04-03T10:00:00Z"))
        try expectNothing(try f.show(v))
    }

    @Test func inSweden_nothingIsShown() throws {
        let (f, v) = try issued("SE", sek(400))
        f.clock.set(instant(Self.fortyDaysLate))
        let shown = try f.show(v)
        #expect(shown.status == .expired)
        try expectNothing(shown)
        try expectNothing(try #require(try f.ledger.list(VoucherFilter()).vouchers.first))
    }

    @Test func inDenmark_pastTheRightsEnd_nothingIsShown() throws {
        let (f, v) = try issued("DK", dkk(400))
        f.clock.set(instant("2027-05-12T10:00:00Z"))
        try expectNothing(try f.show(v))
    }

    @Test func aVoucherStillValid_showsNothing() throws {
        let (f, v) = try issued("DK", dkk(400))
        f.clock.set(instant("2026-03-12T10:00:00Z"))
        let shown = try f.show(v)
        #expect(shown.status == .active)
        try expectNothing(shown)
    }

    @Test func blockedVoidedRefundedOrUsedUp_showNothing() throws {
        for make in ["block", "void", "refund", "redeem"] {
            let (f, v) = try issued("DK", dkk(400))
            let ref = VoucherReference(v.id)
            switch make {
            case "block": try f.ledger.perform(.block(ref, reason: "fraud check"), actor: "support")
            case "void": try f.ledger.perform(.void(ref, reason: "sold by mistake"), actor: "support")
            case "refund": try f.ledger.perform(.refund(ref, reference: "bank 1", reason: nil), actor: "support")
            default: try f.redeem(v, dkk(400))
            }
            f.clock.set(instant(Self.fortyDaysLate))
            let shown = try f.show(v)
            #expect(shown.status != .active, "\(make)")
            try expectNothing(shown)
        }
    }
}
