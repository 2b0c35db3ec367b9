import Foundation
import GoodwillCore
@testable import Ledger
import Synchronization
import Testing

/// Several threads, each with its own `Ledger` (its own SQLite connection) on one database file,
/// hammer the same few vouchers: redemptions, reversals of each other's redemptions, extensions
/// and voids, all at once. What each thread was told is collected; afterwards the ledger must
/// hold exactly what was acknowledged, nothing more, and its sums must add up.
@Suite struct ConcurrentConnectionRaceTests {
    /// What the threads were told, keyed by voucher ID.
    struct Acknowledged {
        var redemptions: [String: Set<Int64>] = [:]
        var reversals: [String: Set<Int64>] = [:]   // reversed redemption entry IDs
        var extensions: [String: Int] = [:]
        var voids: [String: Int] = [:]
        var unexpected: [String] = []
    }

    @Test func racingConnections_keepExactSums_andNothingHappensAfterAVoid() throws {
        let temp = TemporaryDatabase()
        let clock = ManualClock(instant("2025-04-02T10:00:00Z"))
        let path = temp.path
        let setup = try Ledger(path: path, clock: clock, options: .init(durable: false))
        let value = sek(500)
        let vouchers = try (0..<4).map { _ in
            try setup.perform(.issue(IssueRequest(value: value, validity: .months(12), timeZone: "Europe/Stockholm")),
                              actor: "setup").voucher
        }
        let ids = vouchers.map(\.id)
        // 7 SEK does not divide 500: the last redemptions meet an insufficient balance.
        let step = Money(minorUnits: 700, currency: .sek)
        let threads = 6, operations = 200
        let acknowledged = Mutex(Acknowledged())
        let redemptionPool = Mutex<[(voucher: String, entry: Int64)]>([])

        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let ledger: Ledger
            do { ledger = try Ledger(path: path, clock: clock, options: .init(durable: false)) } catch {
                acknowledged.withLock { $0.unexpected.append("open: \(error)") }
                return
            }
            var rng = SystemRandomNumberGenerator()
            for op in 0..<operations {
                var id = ids[(t + op) % ids.count]
                // Every thread voids voucher 3 at op 60, threads 0 and 1 void voucher 2 at op 90:
                // racing voids, and redemptions racing them on the other connections.
                if op == 60 { id = ids[3] } else if op == 90 && t < 2 { id = ids[2] }
                let ref = VoucherReference(id)
                do {
                    switch (op, Int.random(in: 0..<10, using: &rng)) {
                    case (60, _),  // every thread
                         (90, _) where t < 2:
                        _ = try ledger.perform(.void(ref, reason: "race"), actor: "t\(t)")
                        acknowledged.withLock { $0.voids[id, default: 0] += 1 }
                    case (_, 0...5):
                        let r = try ledger.perform(.redeem(ref, amount: step, reference: "t\(t)-\(op)"), actor: "t\(t)")
                        guard let entry = r.entry else { throw LedgerError.invalidRequest("a redemption without an entry") }
                        acknowledged.withLock { _ = $0.redemptions[id, default: []].insert(entry.id) }
                        redemptionPool.withLock { $0.append((id, entry.id)) }
                    case (_, 6...7):
                        // Reverse someone's redemption; others may be reversing the same one.
                        guard let pick = redemptionPool.withLock({ $0.randomElement() }) else { continue }
                        _ = try ledger.perform(.reverse(entryID: pick.entry, reason: "race"), actor: "t\(t)")
                        acknowledged.withLock { _ = $0.reversals[pick.voucher, default: []].insert(pick.entry) }
                    default:
                        _ = try ledger.perform(.extend(ref, ExtensionRequest(days: 1, reason: "race", override: true, role: "admin")),
                                               actor: "t\(t)")
                        acknowledged.withLock { $0.extensions[id, default: 0] += 1 }
                    }
                } catch let error as LedgerError {
                    switch error {
                    case .insufficientBalance, .voucherVoided, .voucherFullyUsed, .alreadyReversed, .alreadyInState(.voided): break
                    default: acknowledged.withLock { $0.unexpected.append("t\(t) op \(op): \(error)") }
                    }
                } catch {
                    acknowledged.withLock { $0.unexpected.append("t\(t) op \(op): \(error)") }
                }
            }
        }

        let told = acknowledged.withLock { $0 }
        #expect(told.unexpected.isEmpty, "unexpected errors: \(told.unexpected.prefix(5))")
        #expect(told.voids[ids[3]] == 1, "exactly one of the racing voids of one voucher wins")
        #expect(told.voids[ids[2]] == 1)

        let check = try Ledger(path: temp.path, clock: clock, options: .init(durable: false))
        var totalRedemptions = 0
        for id in ids {
            let entries = try check.entries(of: VoucherReference(id))
            let redeemed = entries.filter { $0.kind == .redeemed }
            let reversed = entries.filter { $0.kind == .redemptionReversed }
            let voided = entries.filter { $0.kind == .voided }
            totalRedemptions += redeemed.count

            // Every acknowledged change is there exactly once, and nothing else is.
            #expect(Set(redeemed.map(\.id)) == told.redemptions[id, default: []])
            #expect(redeemed.count == told.redemptions[id, default: []].count)
            #expect(reversed.compactMap(\.relatedEntryID).sorted() == told.reversals[id, default: []].sorted(),
                    "each redemption is reversed at most once, and only the acknowledged reversals exist")
            #expect(entries.filter { $0.kind == .extended }.count == told.extensions[id, default: 0])
            #expect(voided.count == told.voids[id, default: 0])
            #expect(voided.count <= 1)

            // Nothing is accepted after a void.
            if let void = voided.first {
                #expect(!entries.contains { $0.id > void.id && $0.kind != .voided }, "an entry after the void of \(id)")
            }

            // The running sum: value − redeemed + reversed (− what a void took), never negative.
            var balance: Int64 = 0
            for entry in entries {
                balance += entry.amount.minorUnits
                #expect(entry.balanceAfter.minorUnits == balance, "entry \(entry.id) of \(id)")
                #expect(balance >= 0, "negative balance at entry \(entry.id) of \(id)")
            }
            let redeemedSum = Int64(redeemed.count) * step.minorUnits
            let reversedSum = Int64(reversed.count) * step.minorUnits
            let row = try check.voucherView(VoucherReference(id))
            if voided.isEmpty {
                #expect(row.balance.minorUnits == value.minorUnits - redeemedSum + reversedSum)
            } else {
                #expect(row.balance.minorUnits == 0)
                #expect(voided[0].amount.minorUnits == -(value.minorUnits - redeemedSum + reversedSum))
            }
            #expect(row.balance.minorUnits == balance)
        }
        #expect(totalRedemptions > 0, "the race did redeem something")
        #expect(try check.verify().ok)
    }
}
