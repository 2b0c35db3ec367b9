import Foundation
import GoodwillCore
import Testing
@testable import Ledger
import Store

struct LifecycleTests {
    @Test func voiding_takesTheWholeBalance_andIsFinal() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(300))
        try f.redeem(v, sek(100))
        let r = try f.ledger.perform(.void(VoucherReference(v.id), reason: "chargeback"), actor: "t")
        #expect(r.voucher.status == .voided)
        #expect(r.voucher.balance == sek(0))
        #expect(r.entry?.amount == sek(-200))
        #expect(ledgerError { try f.ledger.perform(.void(VoucherReference(v.id), reason: nil), actor: "t") } == .alreadyInState(.voided))
        #expect(ledgerError { try f.ledger.perform(.refund(VoucherReference(v.id), reference: nil, reason: nil), actor: "t") } == .voucherVoided)
    }

    @Test func adjustments_needAReason_andNeverGoBelowZero() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(100))
        let ref = VoucherReference(v.id)
        #expect(ledgerError { try f.ledger.perform(.adjust(ref, amount: sek(5), reason: "  "), actor: "t") }?.code == "invalid-request")
        #expect(ledgerError { try f.ledger.perform(.adjust(ref, amount: sek(-101), reason: "typo"), actor: "t") }?.code == "invalid-amount")
        #expect(try f.ledger.perform(.adjust(ref, amount: sek(-100), reason: "double sale"), actor: "t").voucher.status == .redeemed)
        #expect(try f.ledger.perform(.adjust(ref, amount: sek(20), reason: "apology"), actor: "t").voucher.status == .active)
    }

    @Test func refunding_paysBackWhatRemains_evenAfterExpiry() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500))
        try f.redeem(v, sek(200))
        f.clock.set(instant("2026-06-01T10:00:00Z"))
        let r = try f.ledger.perform(.refund(VoucherReference(v.code), reference: "payout-77", reason: "Danish cash-out right"), actor: "t")
        #expect(r.voucher.status == .refunded)
        #expect(r.entry?.amount == sek(-300))
        #expect(r.entry?.reference == "payout-77")
        #expect(ledgerError { try f.ledger.perform(.refund(VoucherReference(v.code), reference: nil, reason: nil), actor: "t") } == .voucherRefunded)
    }

    @Test func aBlockedVoucher_cannotBeRefunded_untilUnblocked() throws {
        let f = try LedgerFixture()
        let v = try f.issue()
        try f.ledger.perform(.block(VoucherReference(v.id), reason: "fraud check"), actor: "t")
        #expect(ledgerError { try f.ledger.perform(.block(VoucherReference(v.id), reason: nil), actor: "t") } == .alreadyInState(.blocked))
        #expect(ledgerError { try f.ledger.perform(.refund(VoucherReference(v.id), reference: nil, reason: nil), actor: "t") } == .voucherBlocked)
        try f.ledger.perform(.unblock(VoucherReference(v.id), reason: nil), actor: "t")
        #expect(ledgerError { try f.ledger.perform(.unblock(VoucherReference(v.id), reason: nil), actor: "t") } == .notBlocked)
    }

    @Test func theExpirySweep_recordsEachExpiredVoucherOnce() throws {
        let f = try LedgerFixture()
        let a = try f.issue(sek(100))
        let b = try f.issue(sek(100), validity: Validity.none)
        let c = try f.issue(sek(100))
        try f.redeem(c, sek(100))
        #expect(try f.ledger.sweepExpired().expired.isEmpty)
        f.clock.set(instant("2026-04-03T08:00:00Z"))
        #expect(try f.ledger.sweepExpired().expired == [a.id])
        #expect(try f.ledger.sweepExpired().expired.isEmpty)
        let entries = try f.ledger.entries(of: VoucherReference(a.id))
        #expect(entries.last?.kind == .expired)
        #expect(entries.last?.balanceAfter == sek(100))
        #expect(try f.show(b).status == .active)
        #expect(try f.show(c).status == .redeemed)
        #expect(try f.ledger.verify().ok)
    }

    @Test func theSweep_handlesMoreThanOneBatch() throws {
        let f = try LedgerFixture()
        for _ in 0..<7 { try f.issue(sek(1)) }
        f.clock.set(instant("2027-01-01T00:00:00Z"))
        #expect(try f.ledger.sweepExpired(batchSize: 3).expired.count == 7)
    }
}

struct IdempotencyTests {
    @Test func theSameKeyAndRequest_returnsTheFirstResult() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500), key: "issue-1")
        let again = try f.ledger.perform(.issue(IssueRequest(value: sek(500), validity: .months(12), timeZone: "Europe/Stockholm")),
                                         actor: "test", idempotencyKey: "issue-1")
        #expect(again.replayed)
        #expect(again.voucher.id == v.id)
        let first = try f.redeem(v, sek(100), key: "r-1")
        let retry = try f.redeem(v, sek(100), key: "r-1")
        #expect(!first.replayed && retry.replayed)
        #expect(retry.entry?.id == first.entry?.id)
        #expect(try f.show(v).balance == sek(400))
        #expect(try f.ledger.store.countVouchers() == 1)
    }

    @Test func aReplay_showsTheVoucherAsTheFirstRequestLeftIt() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500))
        let first = try f.redeem(v, sek(100), key: "r-1")
        try f.redeem(v, sek(50))
        let replay = try f.redeem(v, sek(100), key: "r-1")
        #expect(replay.replayed)
        #expect(replay.voucher.balance == first.voucher.balance)
        #expect(replay.entry == first.entry)
        var unmarked = replay
        unmarked.replayed = false
        #expect(unmarked == first)
        // The code may be typed differently on the retry: still the same request.
        let again = try f.ledger.perform(.redeem(VoucherReference(v.code.lowercased()), amount: sek(100), reference: nil),
                                         actor: "test", idempotencyKey: "r-1")
        #expect(again.replayed)
    }

    /// A till retries after the voucher's last day has passed: the answer is still the one the
    /// redemption got (active then), not the status the voucher has at the retry.
    @Test func aReplayAfterTheVoucherExpired_stillShowsTheStatusItHadThen() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500))
        let first = try f.redeem(v, sek(100), key: "r-1")
        #expect(first.voucher.status == .active)
        f.clock.set(instant("2026-05-30T10:00:00Z"))  // past the last valid day, 2026-04-02
        let replay = try f.redeem(v, sek(100), key: "r-1")
        #expect(replay.replayed)
        #expect(replay.voucher.status == .active)
        var unmarked = replay
        unmarked.replayed = false
        #expect(unmarked == first)
    }

    /// An extension request the policy referred appends no entry; its retry must still show the
    /// voucher as the request found it, not after a refund made since.
    @Test func aReplayOfAReferredExtension_showsTheVoucherAsItWasThen() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(100))
        f.clock.set(instant("2026-09-05T10:00:00Z"))  // five months late: the default policy refers
        let ask = LedgerCommand.extend(VoucherReference(v.id), ExtensionRequest(reason: "was abroad", requester: .holder, role: "support"))
        let first = try f.ledger.perform(ask, actor: "t", idempotencyKey: "x")
        #expect(first.entry == nil && first.decision?.outcome == "refer")
        try f.ledger.perform(.refund(VoucherReference(v.id), reference: nil, reason: "closing"), actor: "t")
        let replay = try f.ledger.perform(ask, actor: "t", idempotencyKey: "x")
        #expect(replay.replayed)
        #expect(replay.voucher.balance == sek(100))
        #expect(replay.voucher.status == .expired)
        var unmarked = replay
        unmarked.replayed = false
        #expect(unmarked == first)
    }

    /// An override's receipt says why it went beyond the policy; so does its retry.
    @Test func aReplayOfAnOverride_saysWhyItWentBeyondThePolicy() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(100))
        f.clock.set(instant("2027-09-05T10:00:00Z"))  // 17 months late: the default policy denies
        let ask = LedgerCommand.extend(VoucherReference(v.id), ExtensionRequest(days: 30, reason: "long illness", override: true,
                                                                                 requester: .holder, role: "support"))
        let first = try f.ledger.perform(ask, actor: "t", idempotencyKey: "o")
        #expect(first.decision?.applied?.overrideBecause == "the policy denied an extension")
        let replay = try f.ledger.perform(ask, actor: "t", idempotencyKey: "o")
        #expect(replay.replayed)
        var unmarked = replay
        unmarked.replayed = false
        #expect(unmarked == first)
    }

    @Test func theSameKeyWithADifferentRequest_isRefused() throws {
        let f = try LedgerFixture()
        let v = try f.issue()
        try f.redeem(v, sek(100), key: "k")
        #expect(ledgerError { try f.redeem(v, sek(200), key: "k") } == .idempotencyConflict(key: "k"))
        #expect(try f.show(v).balance == sek(400))
    }

    @Test func keysAreScopedToTheirActor() throws {
        let f = try LedgerFixture()
        let v = try f.issue()
        _ = try f.ledger.perform(.redeem(VoucherReference(v.id), amount: sek(1), reference: nil), actor: "till-1", idempotencyKey: "k")
        let other = try f.ledger.perform(.redeem(VoucherReference(v.id), amount: sek(2), reference: nil), actor: "till-2", idempotencyKey: "k")
        #expect(!other.replayed)
        #expect(try f.show(v).balance == sek(497))
    }

    @Test func aBatch_commitsTogether_butRefusalsStayAlone() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(100))
        let ref = VoucherReference(v.id)
        let results = try f.ledger.performBatch([
            (.redeem(ref, amount: sek(60), reference: nil), "t", nil),
            (.redeem(ref, amount: sek(60), reference: nil), "t", nil),
            (.redeem(ref, amount: sek(40), reference: nil), "t", nil),
        ])
        #expect((try? results[0].get()) != nil)
        #expect((try? results[1].get()) == nil)
        #expect((try? results[2].get())?.voucher.status == .redeemed)
        #expect(try f.ledger.verify().ok)
    }

    /// A command that fails after it has written (here: its entry is in, then the balance update
    /// is refused by a trigger standing in for a disk error) must leave nothing behind, while the
    /// commands around it in the same batch still commit.
    @Test func aCommandFailingAfterItWrote_leavesNoTrace_andTheRestOfTheBatchCommits() throws {
        let f = try LedgerFixture()
        let a = try f.issue(sek(100)), b = try f.issue(sek(100))
        try f.ledger.db.execute("""
            CREATE TRIGGER refuse_b BEFORE UPDATE OF balance ON vouchers WHEN OLD.id = '\(b.id)'
            BEGIN SELECT RAISE(ABORT, 'simulated failure after the entry was written'); END;
            """)
        let entriesBefore = try f.ledger.store.countEntries()
        let results = try f.ledger.performBatch([
            (.redeem(VoucherReference(a.id), amount: sek(10), reference: nil), "t", "k1"),
            (.redeem(VoucherReference(b.id), amount: sek(10), reference: nil), "t", "k2"),
            (.redeem(VoucherReference(a.id), amount: sek(20), reference: nil), "t", "k3"),
        ])
        #expect((try? results[0].get()) != nil && (try? results[2].get()) != nil)
        #expect((try? results[1].get()) == nil)
        #expect(try f.ledger.store.countEntries() == entriesBefore + 2)
        #expect(try f.show(a).balance == sek(70) && f.show(b).balance == sek(100))
        // Nothing of the failed command was kept, not even its idempotency record: a retry runs it.
        try f.ledger.db.execute("DROP TRIGGER refuse_b")
        let retry = try f.ledger.perform(.redeem(VoucherReference(b.id), amount: sek(10), reference: nil), actor: "t", idempotencyKey: "k2")
        #expect(!retry.replayed && retry.voucher.balance == sek(90))
        #expect(try f.ledger.verify().ok)
    }

    /// SQLite may roll a whole transaction back on its own (SQLITE_FULL, SQLITE_IOERR) and return
    /// to autocommit; a trigger's RAISE(ROLLBACK) does exactly that, standing in for the disk.
    /// The trigger is TEMP, so the stored schema is not touched.
    func abandonOnAmount(_ f: LedgerFixture, _ units: Int64) throws {
        try f.ledger.db.execute("""
            CREATE TEMP TRIGGER disk_gone BEFORE INSERT ON main.entries WHEN abs(NEW.amount) = \(units)
            BEGIN SELECT RAISE(ROLLBACK, 'simulated: SQLite abandoned the transaction'); END;
            """)
    }

    /// The batch must fail as a whole: the commands before the failure were rolled back with the
    /// transaction, and those after must not commit one statement at a time outside it.
    func expectBatchAbandoned(_ f: LedgerFixture, _ commands: [(command: LedgerCommand, actor: String, idempotencyKey: String?)]) throws {
        let vouchers = try f.ledger.db.scalarInt("SELECT count(*) FROM vouchers")
        let entries = try f.ledger.store.countEntries()
        #expect(throws: (any Error).self) { _ = try f.ledger.performBatch(commands) }
        #expect(f.ledger.db.isAutocommit && f.ledger.db.transactionDepth == 0)
        #expect(try f.ledger.db.scalarInt("SELECT count(*) FROM vouchers") == vouchers)
        #expect(try f.ledger.store.countEntries() == entries)
        #expect(try f.ledger.db.scalarInt("SELECT count(*) FROM idempotency") == 0)
        #expect(try f.ledger.verify().ok)
    }

    @Test func aTransactionSQLiteAbandons_failsTheWholeBatch() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(100))
        try abandonOnAmount(f, 777)
        // The redemption fails before writing anything, so the first pass carries on after it.
        try expectBatchAbandoned(f, [
            (.issue(IssueRequest(value: sek(5), validity: .months(12), timeZone: "Europe/Stockholm")), "t", "k1"),
            (.redeem(VoucherReference(v.id), amount: Money(minorUnits: 777, currency: .sek), reference: nil), "t", "k2"),
            (.issue(IssueRequest(value: sek(6), validity: .months(12), timeZone: "Europe/Stockholm")), "t", "k3"),
        ])
    }

    @Test func aTransactionSQLiteAbandons_inTheSavepointPass_failsTheWholeBatch() throws {
        let f = try LedgerFixture()
        try abandonOnAmount(f, 777)
        // This issue writes its voucher row before its entry is refused, which sends the batch
        // through one savepoint per command.
        try expectBatchAbandoned(f, [
            (.issue(IssueRequest(value: sek(5), validity: .months(12), timeZone: "Europe/Stockholm")), "t", "k1"),
            (.issue(IssueRequest(value: Money(minorUnits: 777, currency: .sek), validity: .months(12), timeZone: "Europe/Stockholm")), "t", "k2"),
            (.issue(IssueRequest(value: sek(6), validity: .months(12), timeZone: "Europe/Stockholm")), "t", "k3"),
        ])
    }
}
