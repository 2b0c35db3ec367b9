import Foundation
import GoodwillCore
import Testing
@testable import Ledger
import Store

struct VerifyTests {
    @Test func aConsistentLedger_verifies() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500))
        let r = try f.redeem(v, sek(100))
        try f.ledger.perform(.reverse(entryID: r.entry!.id, reason: nil), actor: "t")
        try f.ledger.perform(.adjust(VoucherReference(v.id), amount: sek(-5), reason: "fee"), actor: "t")
        let report = try f.ledger.verify()
        #expect(report.ok, "\(report.discrepancies)")
        #expect(report.vouchers == 1)
        #expect(report.entries == 4)
        #expect(report.headHash.count == 64)
    }

    /// 2039-07-04T11:34:43.707Z went through Date as .706 when written and .705 when read back,
    /// so verify called an untouched ledger tampered with.
    @Test func aVoucherIssuedAtAMillisecondDateCannotHoldExactly_verifies_andShowsThatMillisecond() throws {
        let f = try LedgerFixture(now: "2039-07-04T11:34:43.707Z")
        let v = try f.issue(sek(1))
        #expect(v.issuedAt == "2039-07-04T11:34:43.707Z")
        #expect(try f.show(v).issuedAt == "2039-07-04T11:34:43.707Z")
        #expect(try f.ledger.db.scalarInt("SELECT issued_at FROM vouchers WHERE id = ?", [.text(v.id)]) == 2_193_392_083_707)
        let report = try f.ledger.verify()
        #expect(report.ok, "\(report.discrepancies)")
    }

    /// A damaged index page no entry or voucher read reaches: a reviewer's book failed SQLite's
    /// integrity_check while verify said OK, and every piece of advice ends in "run verify".
    @Test func aDamagedPage_isCaught_evenWhereNoEntryIsRead() throws {
        let temp = TemporaryDatabase()
        let page: Int64, size: Int64
        do {
            let ledger = try Ledger(path: temp.path, clock: ManualClock(instant("2025-04-02T10:00:00Z")), options: .init(durable: false))
            for _ in 0..<30 { try ledger.perform(.issue(IssueRequest(value: sek(500), validity: .months(12))), actor: "t") }
            _ = try ledger.db.query("PRAGMA wal_checkpoint(TRUNCATE)") { $0.int64(0) }
            page = try ledger.db.scalarInt("SELECT rootpage FROM sqlite_schema WHERE name = 'vouchers_status_expiry'")
            size = try ledger.db.scalarInt("PRAGMA page_size")
            #expect(try ledger.verify().ok)
        }
        // The page's type byte made invalid, as a torn write or a bad sector would leave it.
        let file = try #require(FileHandle(forUpdatingAtPath: temp.path))
        try file.seek(toOffset: UInt64((page - 1) * size))
        try file.write(contentsOf: Data([0x00]))
        try file.close()
        let report = try Ledger(path: temp.path, clock: ManualClock(instant("2025-04-02T10:00:00Z")), options: .init(durable: false)).verify()
        #expect(!report.ok)
        #expect(report.discrepancies.first?.hasPrefix("the database file is damaged (SQLite's quick_check: ") == true, "\(report.discrepancies)")
    }

    /// Changing one byte of one stored entry must be caught and the entry named.
    @Test func changingOneByteOfAnEntry_isCaught_andNamed() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500))
        try f.redeem(v, sek(100))
        try f.ledger.perform(.block(VoucherReference(v.id), reason: "check"), actor: "cli")
        try f.ledger.db.execute("DROP TRIGGER entries_no_update")
        // "cli" → "clj": one byte of the actor of entry 3.
        try f.ledger.db.run("UPDATE entries SET actor = 'clj' WHERE id = 3")
        let report = try f.ledger.verify()
        #expect(!report.ok)
        #expect(report.discrepancies.first?.hasPrefix("entry 3 ") == true)
        #expect(report.discrepancies.first?.contains("hash does not match") == true)
    }

    @Test func aVoucherRowOutOfStepWithItsEntries_isCaught() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500))
        try f.ledger.db.run("UPDATE vouchers SET balance = 60000 WHERE id = ?", [.text(v.id)])
        let report = try f.ledger.verify()
        #expect(report.discrepancies == ["voucher \(v.id): balance 600.00 SEK but its entries add up to 500.00 SEK"])
    }

    /// An expiry row that keeps the day but moves the instant or the zone is caught, and the
    /// message says what differs (it said "expiry 2026-04-02 but its entries say 2026-04-02").
    @Test func anExpiryRowWithTheSameDayButAnotherInstantOrZone_isCaught_andTheDifferenceNamed() throws {
        let f = try LedgerFixture()
        let a = try f.issue(sek(500)), b = try f.issue(sek(500))
        try f.ledger.db.run("UPDATE vouchers SET expires_at = expires_at + 3600000 WHERE id = ?", [.text(a.id)])
        try f.ledger.db.run("UPDATE vouchers SET time_zone = 'UTC' WHERE id = ?", [.text(b.id)])
        let report = try f.ledger.verify()
        #expect(report.discrepancies == [
            "voucher \(a.id): expiry 2026-04-02 (Europe/Stockholm, ends 2026-04-02T23:00:00Z) but its entries say 2026-04-02 (Europe/Stockholm, ends 2026-04-02T22:00:00Z)",
            "voucher \(b.id): expiry 2026-04-02 (UTC, ends 2026-04-02T22:00:00Z) but its entries say 2026-04-02 (Europe/Stockholm, ends 2026-04-02T22:00:00Z)",
        ])
    }

    @Test func aDeletedEntry_breaksTheChain() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500))
        try f.redeem(v, sek(1))
        try f.redeem(v, sek(2))
        try f.ledger.db.execute("DROP TRIGGER entries_no_delete")
        try f.ledger.db.run("DELETE FROM entries WHERE id = 2")
        let report = try f.ledger.verify()
        #expect(report.discrepancies.first?.hasPrefix("entry 3: expected entry 2 next") == true)
    }

    /// A book whose import's record of money spent elsewhere was reversed anyway (entries chained
    /// properly, so only the rule can catch it): verify names the reversal.
    @Test func aReversalOfTheImportsRedemption_isCaught() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500))
        var voucher = try f.ledger.resolve(VoucherReference(v.id))
        let history = try f.ledger.append(LedgerEntry(
            id: 0, voucherID: voucher.id, kind: .redeemed, amount: -30_000, balanceAfter: 20_000, currency: .sek, at: f.clock.now(),
            actor: "import", reason: LedgerEntry.importedRedemptionReason, reference: LedgerEntry.importReference, statusAfter: .active), to: voucher)
        #expect(try f.ledger.verify().ok)
        voucher = try f.ledger.resolve(VoucherReference(v.id))
        let reversal = try f.ledger.append(LedgerEntry(
            id: 0, voucherID: voucher.id, kind: .redemptionReversed, amount: 30_000, balanceAfter: 50_000, currency: .sek,
            at: f.clock.now(), actor: "t", relatedEntryID: history.id, statusAfter: .active), to: voucher)
        let report = try f.ledger.verify()
        #expect(report.discrepancies == ["entry \(reversal.id) (redemption_reversed on \(v.id)): reverses entry \(history.id), which is not an unreversed redemption of this voucher"])
    }

    /// An extension that moves money, chained properly and with a balance that adds up: only the
    /// rule that an extension never moves money can catch it.
    @Test func anExtensionThatMovesMoney_isCaught() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500))
        let voucher = try f.ledger.resolve(VoucherReference(v.id))
        let entry = try f.ledger.append(LedgerEntry(
            id: 0, voucherID: voucher.id, kind: .extended, amount: 10_000, balanceAfter: 60_000, currency: .sek, at: f.clock.now(),
            actor: "t", reason: "goodwill", expiryAfter: voucher.expiry, statusAfter: .active), to: voucher)
        let report = try f.ledger.verify()
        #expect(report.discrepancies == ["entry \(entry.id) (extended on \(v.id)): moves money, but an extended entry never does"])
    }

    /// After a void or a refund the voucher's money is gone for good: an adjustment, a reversal or
    /// a redemption after it (each chained properly and adding up) is named.
    @Test(arguments: [EntryKind.voided, .refunded])
    func moneyMovingAfterTheVoucherIsFinal_isCaught(final: EntryKind) throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500))
        let redemption = try #require(try f.redeem(v, sek(100)).entry)
        let ref = VoucherReference(v.id)
        let closing = try #require(try (final == .voided ? f.ledger.perform(.void(ref, reason: "fraud"), actor: "t")
                                                          : f.ledger.perform(.refund(ref, reference: "BANK-1", reason: nil), actor: "t")).entry)
        #expect(try f.ledger.verify().ok)
        func append(_ kind: EntryKind, _ amount: Int64, related: Int64? = nil) throws -> LedgerEntry {
            let voucher = try f.ledger.resolve(ref)
            return try f.ledger.append(LedgerEntry(
                id: 0, voucherID: voucher.id, kind: kind, amount: amount, balanceAfter: voucher.balance.minorUnits + amount,
                currency: .sek, at: f.clock.now(), actor: "t", reason: "tampered", relatedEntryID: related, statusAfter: .active), to: voucher)
        }
        let adjusted = try append(.adjusted, 5_000)
        let reversed = try append(.redemptionReversed, 10_000, related: redemption.id)
        let redeemed = try append(.redeemed, -2_000)
        let after = "moves money after entry \(closing.id) \(final.rawValue) the voucher; nothing may change its balance after that"
        #expect(try f.ledger.verify().discrepancies == [
            "entry \(adjusted.id) (adjusted on \(v.id)): \(after)",
            "entry \(reversed.id) (redemption_reversed on \(v.id)): \(after)",
            "entry \(redeemed.id) (redeemed on \(v.id)): \(after)",
        ])
    }

    @Test func entriesCannotBeUpdatedOrDeleted_throughSQL() throws {
        let f = try LedgerFixture()
        try f.issue()
        #expect(throws: DatabaseError.self) { try f.ledger.db.run("UPDATE entries SET amount = 1") }
        #expect(throws: DatabaseError.self) { try f.ledger.db.run("DELETE FROM entries") }
    }
}

/// Random sequences of operations over many vouchers; after every step the books balance.
struct LedgerPropertyTests {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// A number in 0..<n.
        mutating func roll(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    @Test(arguments: [1, 2, 3, 42])
    func randomOperations_keepEveryBalanceEqualToItsHistory(seed: UInt64) throws {
        var rng = SplitMix(state: seed)
        let f = try LedgerFixture()
        var vouchers: [VoucherView] = []
        var redemptions: [Int64] = []
        // The model: what each balance must be, from the operations that succeeded.
        var expected: [String: Int64] = [:]
        for step in 0..<250 {
            if vouchers.isEmpty || rng.roll(6) == 0 {
                let v = try f.issue(Money(minorUnits: Int64(rng.roll(100_000) + 1), currency: .sek))
                vouchers.append(v); expected[v.id] = v.value.minorUnits
                continue
            }
            let v = vouchers[rng.roll(vouchers.count)]
            let ref = VoucherReference(v.id)
            let amount = Int64(rng.roll(60_000)) - 5_000
            let money = Money(minorUnits: amount, currency: .sek)
            let command: LedgerCommand
            switch rng.roll(9) {
            case 0, 1, 2: command = .redeem(ref, amount: money, reference: nil)
            case 3: command = .reverse(entryID: redemptions.randomElement(using: &rng) ?? 1, reason: nil)
            case 4: command = .adjust(ref, amount: money, reason: "property step \(step)")
            case 5: command = .refund(ref, reference: nil, reason: nil)
            case 6: command = .void(ref, reason: nil)
            case 7: command = .block(ref, reason: nil)
            default: command = .unblock(ref, reason: nil)
            }
            if rng.roll(20) == 0 { f.clock.advance(days: 40) }
            guard let receipt = try? f.ledger.perform(command, actor: "prop") else { continue }
            let entry = try #require(receipt.entry)
            if entry.kind == .redeemed { redemptions.append(entry.id) }
            expected[entry.voucherID, default: 0] += entry.amount.minorUnits
            let after = try f.ledger.voucherView(.id(VoucherID(rawValue: entry.voucherID)))
            #expect(after.balance.minorUnits == expected[entry.voucherID])
            #expect(after.balance.minorUnits >= 0)
            if step % 25 == 0 { #expect(try f.ledger.verify().ok) }
        }
        // balance = issued − redeemed + reversed − refunded ± adjustments − voided, per voucher.
        for v in vouchers {
            let entries = try f.ledger.entries(of: VoucherReference(v.id))
            var sums: [EntryKind: Int64] = [:]
            for e in entries { sums[e.kind, default: 0] += e.amount.minorUnits }
            let formula = sums[.issued, default: 0] + sums[.redeemed, default: 0] + sums[.redemptionReversed, default: 0]
                + sums[.refunded, default: 0] + sums[.adjusted, default: 0] + sums[.voided, default: 0]
            #expect(try f.ledger.voucherView(VoucherReference(v.id)).balance.minorUnits == formula)
        }
        let report = try f.ledger.verify()
        #expect(report.ok, "\(report.discrepancies)")
    }
}

struct ConcurrencyTests {
    /// Two connections racing for the last of the balance: exactly the right number win.
    @Test func racingRedemptions_neverOverspend() throws {
        let temp = TemporaryDatabase()
        let clock = ManualClock(instant("2025-04-02T10:00:00Z"))
        let setup = try Ledger(path: temp.path, clock: clock, options: .init(durable: false))
        let v = try setup.perform(.issue(IssueRequest(value: sek(500))), actor: "t").voucher
        let path = temp.path
        let outcomes = Tally()
        let group = DispatchGroup()
        for worker in 0..<4 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                guard let ledger = try? Ledger(path: path, clock: clock, options: .init(durable: false)) else {
                    outcomes.record("open failed"); return
                }
                for i in 0..<20 {
                    do {
                        _ = try ledger.perform(.redeem(VoucherReference(v.id), amount: sek(10), reference: "w\(worker)-\(i)"), actor: "t")
                        outcomes.record("ok")
                    } catch let e as LedgerError {
                        outcomes.record(e.code)
                    } catch {
                        outcomes.record("unexpected: \(error)")
                    }
                }
            }
        }
        group.wait()
        let counts = outcomes.counts()
        #expect(counts["ok"] == 50)
        #expect(counts["voucher-fully-used"] == 30)
        #expect(try setup.voucherView(VoucherReference(v.id)).balance == sek(0))
        #expect(try setup.verify().ok)
    }
}

/// A tiny thread-safe tally for the race test.
final class Tally: @unchecked Sendable {
    // Guarded by `lock`; only touched through record/counts.
    private var tally: [String: Int] = [:]
    private let lock = NSLock()
    func record(_ s: String) { lock.lock(); tally[s, default: 0] += 1; lock.unlock() }
    func counts() -> [String: Int] { lock.lock(); defer { lock.unlock() }; return tally }
}
