import Foundation
import GoodwillCore
import Store

/// What one expiry sweep did.
public struct ExpirySweepResult: Sendable, Codable, Equatable {
    public var expired: [String]
    public init(expired: [String] = []) { self.expired = expired }
}

extension Ledger {
    /// Records an `expired` entry for every active voucher whose expiry has passed. The balance
    /// stays on the entry (it is breakage until someone extends or refunds it); nothing is lost.
    /// Works in batches, each one transaction, so a large backlog never holds the lock for long.
    public func sweepExpired(batchSize: Int = 500) throws -> ExpirySweepResult {
        var result = ExpirySweepResult()
        while true {
            let now = clock.now()
            let done: Int = try db.writeTransaction {
                let due = try store.activeVouchersExpired(before: now, limit: batchSize)
                for v in due {
                    try append(LedgerEntry(
                        id: 0, voucherID: v.id, kind: .expired, amount: 0, balanceAfter: v.balance.minorUnits,
                        currency: v.value.currency, at: now, actor: "system",
                        reason: "last valid day \(v.expiry?.lastValidDay.isoString ?? "?") has passed",
                        statusAfter: .expired), to: v)
                    result.expired.append(v.id.rawValue)
                }
                return due.count
            }
            if done < batchSize { return result }
        }
    }
}
