import Foundation
import GoodwillCore
@testable import Ledger
import Store
import Testing

/// A voucher whose last valid day passes while something holds it from the sweep (a block, or a
/// balance of zero) expires when that hold ends: the unblock, reversal or adjustment that leaves it
/// past its day runs the sweep's step in the same transaction (goodwill at expiry, then the
/// extension or the `expired` entry), so every expiry is recorded once and in the order it happened.
@Suite struct ExpiryOnReturnTests {
    func kinds(_ f: LedgerFixture, _ v: VoucherView) throws -> [EntryKind] {
        try f.ledger.entries(of: VoucherReference(v.id)).map(\.kind)
    }

    func unblock(_ f: LedgerFixture, _ v: VoucherView, key: String? = nil) throws -> LedgerReceipt {
        try f.ledger.perform(.unblock(VoucherReference(v.id), reason: "investigation closed"), actor: "support", idempotencyKey: key)
    }

    /// A policy whose only rule is the sweep's goodwill at expiry, whatever the days since.
    func activateGrantAtExpiry(_ f: LedgerFixture) throws {
        try f.ledger.activatePolicy(data: Data("""
            {"id": "at-expiry", "version": 1, "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 120,
                        "monthly_goodwill_budget": {"SEK": 1000000}, "when_exceeded": "refer"},
             "rules": [{"name": "unused at expiry", "conditions": [{"fact": "requester", "equals": "system"}],
                        "outcome": {"kind": "grant", "days": 30, "message": "grant.proactive"}}]}
            """.utf8), fileName: "at-expiry.json", actor: "admin")
    }

    /// The review's reproduction: issued for a month, part redeemed, blocked; the month passes while
    /// blocked (the sweep skips it), the redemption is reversed under the block, then unblocked.
    @Test func aVoucherBlockedAcrossItsExpiry_expiresWhenUnblocked() throws {
        let f = try LedgerFixture(now: "2025-01-10T10:00:00Z")
        let v = try f.issue(sek(500), validity: .months(1))
        let redemption = try f.redeem(v, sek(100))
        try f.ledger.perform(.block(VoucherReference(v.id), reason: "chargeback"), actor: "support")
        f.clock.set(instant("2025-03-10T10:00:00Z"))
        #expect(try f.ledger.sweepExpired().expired.isEmpty, "a blocked voucher is still owed: the sweep leaves it")
        let reversed = try f.ledger.perform(.reverse(entryID: try #require(redemption.entry?.id), reason: "charged twice"), actor: "support")
        #expect(reversed.voucher.status == .blocked)

        let receipt = try unblock(f, v)
        #expect(receipt.entry?.kind == .unblocked)
        #expect(receipt.entry?.statusAfter == .active, "the hold ends first; the expiry is its own entry after it")
        #expect(receipt.voucher.status == .expired)
        #expect(receipt.voucher.balance == sek(500))
        #expect(try kinds(f, v) == [.issued, .redeemed, .blocked, .redemptionReversed, .unblocked, .expired])
        let expired = try #require(try f.ledger.entries(of: VoucherReference(v.id)).last)
        #expect(expired.at == RFC3339.format(instant("2025-03-10T10:00:00Z")), "recorded when it was found, as the sweep records")
        #expect(expired.actor == "system")
        #expect(expired.statusAfter == .expired)
        #expect(expired.balanceAfter == sek(500))
        #expect(expired.reason?.contains("2025-02-10") == true, "the reason names the last valid day that passed")
        #expect(try f.ledger.sweepExpired().expired.isEmpty, "recorded once")
        #expect(try kinds(f, v).filter { $0 == .expired }.count == 1)
        #expect(try f.ledger.verify().ok)
    }

    @Test func aVoucherUnblockedBeforeItsExpiry_staysActive_withNoExpiryEntry() throws {
        let f = try LedgerFixture(now: "2025-01-10T10:00:00Z")
        let v = try f.issue(sek(500), validity: .months(1))
        try f.ledger.perform(.block(VoucherReference(v.id), reason: nil), actor: "support")
        f.clock.set(instant("2025-02-01T10:00:00Z"))
        #expect(try unblock(f, v).voucher.status == .active)
        #expect(try kinds(f, v) == [.issued, .blocked, .unblocked])
    }

    /// Used up before its day: nothing to expire then. A reversal after the day gives it money
    /// back, and that money expires at once.
    @Test func aFullyRedeemedVoucher_reversedAfterItsDay_expiresThen() throws {
        let f = try LedgerFixture(now: "2025-01-10T10:00:00Z")
        let v = try f.issue(sek(500), validity: .months(1))
        let redemption = try f.redeem(v, sek(500))
        f.clock.set(instant("2025-03-10T10:00:00Z"))
        #expect(try f.ledger.sweepExpired().expired.isEmpty, "a balance of zero has nothing to expire")
        #expect(try f.show(v).status == .redeemed)

        let receipt = try f.ledger.perform(.reverse(entryID: try #require(redemption.entry?.id), reason: "wrong voucher scanned"), actor: "till")
        #expect(receipt.entry?.kind == .redemptionReversed)
        #expect(receipt.voucher.status == .expired)
        #expect(receipt.voucher.balance == sek(500))
        #expect(try kinds(f, v) == [.issued, .redeemed, .redemptionReversed, .expired])
        #expect(try f.ledger.sweepExpired().expired.isEmpty)
        #expect(try f.ledger.verify().ok)
    }

    /// Past its day before the sweep got to it: an adjustment up records the expiry the sweep would
    /// have; a second adjustment on the expired voucher records none again.
    @Test func anAdjustmentOnAVoucherPastItsDay_recordsItsExpiryOnce() throws {
        let f = try LedgerFixture(now: "2025-01-10T10:00:00Z")
        let v = try f.issue(sek(500), validity: .months(1))
        f.clock.set(instant("2025-03-10T10:00:00Z"))
        let receipt = try f.ledger.perform(.adjust(VoucherReference(v.id), amount: sek(50), reason: "price correction"), actor: "admin")
        #expect(receipt.entry?.kind == .adjusted)
        #expect(receipt.voucher.status == .expired)
        #expect(try kinds(f, v) == [.issued, .adjusted, .expired])
        #expect(try f.ledger.sweepExpired().expired.isEmpty)
        try f.ledger.perform(.adjust(VoucherReference(v.id), amount: sek(-550), reason: "written off"), actor: "admin")
        try f.ledger.perform(.adjust(VoucherReference(v.id), amount: sek(20), reason: "write-off undone in part"), actor: "admin")
        #expect(try f.show(v).status == .expired)
        #expect(try kinds(f, v) == [.issued, .adjusted, .expired, .adjusted, .adjusted], "the same expiry is not recorded twice")
        #expect(try f.ledger.verify().ok)
    }

    /// Expired (and recorded) first, blocked after: its unblock finds the expiry recorded already.
    @Test func aVoucherBlockedAfterItExpired_isNotExpiredAgainWhenUnblocked() throws {
        let f = try LedgerFixture(now: "2025-01-10T10:00:00Z")
        let v = try f.issue(sek(500), validity: .months(1))
        f.clock.set(instant("2025-03-10T10:00:00Z"))
        #expect(try f.ledger.sweepExpired().expired == [v.id])
        try f.ledger.perform(.block(VoucherReference(v.id), reason: "fraud check"), actor: "support")
        let receipt = try unblock(f, v)
        #expect(receipt.entry?.statusAfter == .expired)
        #expect(receipt.decision == nil)
        #expect(try kinds(f, v) == [.issued, .expired, .blocked, .unblocked])
        #expect(try f.ledger.verify().ok)
    }

    /// The policy's goodwill at expiry is asked as the sweep asks it, as the system: a grant extends
    /// the voucher instead, and the receipt carries the decision.
    @Test func theGoodwillAtExpiry_isAsked_whenABlockedVoucherIsUnblockedPastItsDay() throws {
        let f = try LedgerFixture(now: "2025-01-10T10:00:00Z")
        try activateGrantAtExpiry(f)
        let v = try f.issue(sek(500), validity: .months(1))
        try f.ledger.perform(.block(VoucherReference(v.id), reason: "chargeback"), actor: "support")
        f.clock.set(instant("2025-03-10T10:00:00Z"))
        let receipt = try unblock(f, v, key: "unblock-1")
        #expect(receipt.voucher.status == .active)
        #expect(receipt.voucher.lastValidDay == "2025-04-09", "30 days from today, the day it was found past its last valid day")
        let decision = try #require(receipt.decision)
        #expect(decision.outcome == "grant")
        #expect(decision.requester == "system")
        #expect(decision.applied?.days == 30)
        #expect(try kinds(f, v) == [.issued, .blocked, .unblocked, .extended])
        let extended = try #require(try f.ledger.entries(of: VoucherReference(v.id)).last)
        #expect(extended.decisionID == decision.id)
        #expect(extended.actor == "system")
        // A retry with the same key answers as the first request did: extended, with the decision.
        f.clock.set(instant("2025-03-11T10:00:00Z"))
        let replay = try unblock(f, v, key: "unblock-1")
        #expect(replay.replayed)
        #expect(replay.voucher.status == .active)
        #expect(replay.voucher.lastValidDay == "2025-04-09")
        #expect(replay.entry?.id == receipt.entry?.id)
        #expect(replay.decision?.id == decision.id)
        #expect(replay.decision?.applied?.newLastValidDay == "2025-04-09")
        #expect(try kinds(f, v) == [.issued, .blocked, .unblocked, .extended])
        #expect(try f.ledger.verify().ok)
    }

    /// The sweep's rule grants, the month's budget stops it: the reversal's voucher expires, and
    /// the referral is recorded with the `expired` entry pointing at it, as in the sweep.
    @Test func aReversalPastTheDay_whoseGoodwillALimitStops_expiresWithTheReferral() throws {
        let f = try LedgerFixture(now: "2025-01-10T10:00:00Z")
        try f.ledger.activatePolicy(data: Data("""
            {"id": "tight-at-expiry", "version": 1, "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 120,
                        "monthly_goodwill_budget": {"SEK": 10000}, "when_exceeded": "refer"},
             "rules": [{"name": "unused at expiry", "conditions": [{"fact": "requester", "equals": "system"}],
                        "outcome": {"kind": "grant", "days": 30, "message": "grant.proactive"}}]}
            """.utf8), fileName: "tight-at-expiry.json", actor: "admin")
        let v = try f.issue(sek(500), validity: .months(1))
        let redemption = try f.redeem(v, sek(500))
        f.clock.set(instant("2025-03-10T10:00:00Z"))
        let receipt = try f.ledger.perform(.reverse(entryID: try #require(redemption.entry?.id), reason: "wrong voucher scanned"), actor: "till")
        #expect(receipt.voucher.status == .expired)
        let decision = try #require(receipt.decision)
        #expect(decision.outcome == "refer")
        #expect(decision.requester == "system")
        #expect(decision.limitApplied != nil)
        let expired = try #require(try f.ledger.entries(of: VoucherReference(v.id)).last)
        #expect(expired.kind == .expired)
        #expect(expired.decisionID == decision.id)
        #expect(try f.ledger.verify().ok)
    }

    /// The retry's record names the `expired` entry the voucher stood at after the unblock (a fifth
    /// field), not only the unblock's own entry, which left it `active`. (The view alone cannot
    /// tell: an active voucher past its day already shows as expired.)
    @Test func aReplayOfAnUnblockThatExpiredTheVoucher_standsAtTheExpiredEntry() throws {
        let f = try LedgerFixture(now: "2025-01-10T10:00:00Z")
        let v = try f.issue(sek(500), validity: .months(1))
        try f.ledger.perform(.block(VoucherReference(v.id), reason: nil), actor: "support")
        f.clock.set(instant("2025-03-10T10:00:00Z"))
        let first = try unblock(f, v, key: "unblock-2")
        let replay = try unblock(f, v, key: "unblock-2")
        #expect(replay.replayed)
        #expect(replay.voucher == first.voucher)
        #expect(replay.entry == first.entry)
        #expect(try kinds(f, v) == [.issued, .blocked, .unblocked, .expired])
        let unblocked = try #require(first.entry?.id)
        let expired = try #require(try f.ledger.entries(of: VoucherReference(v.id)).last)
        #expect(expired.kind == .expired)
        let record = try #require(try f.ledger.store.idempotencyRecord(scope: "support", key: "unblock-2"))
        #expect(String(decoding: record.result, as: UTF8.self) == "v1|\(v.id)|\(unblocked)||\(expired.id)",
                "the unblock's entry, no decision, and the entry the voucher stood at after it")
    }

    /// A database written before this rule may hold an unblock straight to `expired` with no
    /// `expired` entry: it still verifies, and nothing later records a second expiry for it, nor
    /// asks the goodwill at expiry again (not even after a block and an unblock, when the row no
    /// longer says `expired`), though a rule here would grant it.
    @Test func anOldUnblockStraightToExpired_staysValid() throws {
        let f = try LedgerFixture(now: "2025-01-10T10:00:00Z")
        try activateGrantAtExpiry(f)
        let issued = try f.issue(sek(500), validity: .months(1))
        try f.ledger.perform(.block(VoucherReference(issued.id), reason: nil), actor: "support")
        f.clock.set(instant("2025-03-10T10:00:00Z"))
        let v = try f.ledger.resolve(VoucherReference(issued.id))
        _ = try f.ledger.db.writeTransaction {
            try f.ledger.append(LedgerEntry(
                id: 0, voucherID: v.id, kind: .unblocked, amount: 0, balanceAfter: v.balance.minorUnits, currency: v.value.currency,
                at: f.clock.now(), actor: "support", statusAfter: .expired), to: v)
        }
        #expect(try f.ledger.verify().ok)
        #expect(try f.ledger.sweepExpired().expired.isEmpty)
        try f.ledger.perform(.adjust(.id(v.id), amount: sek(10), reason: "goodwill top-up"), actor: "admin")
        #expect(try f.show(issued).status == .expired)
        #expect(try kinds(f, issued) == [.issued, .blocked, .unblocked, .adjusted])
        #expect(try f.ledger.verify().ok)

        f.clock.set(instant("2025-06-10T10:00:00Z"))
        try f.ledger.perform(.block(VoucherReference(issued.id), reason: "fraud check"), actor: "support")
        let receipt = try unblock(f, issued)
        #expect(receipt.decision == nil, "the expiry was recorded by the old unblock: not asked again")
        #expect(receipt.entry?.statusAfter == .expired)
        #expect(receipt.voucher.status == .expired)
        #expect(try kinds(f, issued) == [.issued, .blocked, .unblocked, .adjusted, .blocked, .unblocked])
        #expect(try f.ledger.verify().ok)
    }

    /// An expiry counts as recorded until an extension sets a new day: a voucher expired, extended
    /// and then blocked across its new day expires again when unblocked, and is asked again.
    @Test func aVoucherExtendedAfterItExpired_expiresAgainWhenUnblockedPastTheNewDay() throws {
        let f = try LedgerFixture(now: "2025-01-10T10:00:00Z")
        let v = try f.issue(sek(500), validity: .months(1))
        f.clock.set(instant("2025-03-10T10:00:00Z"))
        #expect(try f.ledger.sweepExpired().expired == [v.id])
        try f.ledger.perform(.block(VoucherReference(v.id), reason: "fraud check"), actor: "support")
        try f.ledger.perform(.unblock(VoucherReference(v.id), reason: nil), actor: "support")
        #expect(try f.show(v).status == .expired)
        try activateGrantAtExpiry(f)
        let extended = try f.ledger.perform(.extend(VoucherReference(v.id), ExtensionRequest(
            days: 30, reason: "customer called", override: true, requester: .agent, role: "admin")), actor: "support")
        #expect(extended.voucher.status == .active)
        try f.ledger.perform(.block(VoucherReference(v.id), reason: "chargeback"), actor: "support")
        f.clock.set(instant("2025-06-10T10:00:00Z"))
        let receipt = try unblock(f, v)
        #expect(receipt.decision?.outcome == "grant", "a new day passed: its expiry is asked as the sweep asks it")
        #expect(try kinds(f, v) == [.issued, .expired, .blocked, .unblocked, .extended, .blocked, .unblocked, .extended])
        #expect(try f.ledger.verify().ok)
    }
}
