import Foundation
import GoodwillCore
import Store

/// What one expiry sweep did.
public struct ExpirySweepResult: Sendable, Codable, Equatable {
    public var expired: [String]
    /// Extended by the policy's goodwill at expiry instead of expiring.
    public var extended: [String]
    public init(expired: [String] = [], extended: [String] = []) { self.expired = expired; self.extended = extended }
}

extension Ledger {
    /// Records an `expired` entry for every active voucher whose expiry has passed, unless the
    /// goodwill policy extends it at expiry (then an `extended` entry). The balance
    /// stays on the entry (it is breakage until someone extends or refunds it); nothing is lost.
    /// Works in batches, each one transaction, so a large backlog never holds the lock for long.
    public func sweepExpired(batchSize: Int = 500) throws -> ExpirySweepResult {
        var result = ExpirySweepResult()
        while true {
            let now = clock.now()
            let done: Int = try db.writeTransaction {
                let due = try store.activeVouchersExpired(before: now, limit: batchSize)
                for v in due {
                    if try expireOrExtend(v, now: now) {
                        result.expired.append(v.id.rawValue)
                    } else {
                        result.extended.append(v.id.rawValue)
                    }
                }
                return due.count
            }
            if done < batchSize { return result }
        }
    }
}
