import Foundation
import GoodwillCore
import Store

/// What one expiry sweep did.
public struct ExpirySweepResult: Sendable, Codable, Equatable {
    public var expired: [String]
    /// Extended by the policy's goodwill at expiry instead of expiring.
    public var extended: [String]
    /// Of `expired`: those whose goodwill a policy limit turned into a referral, so a person
    /// should look at them (the decision is on the voucher, and the `expired` entry names it).
    public var referred: [String]
    public init(expired: [String] = [], extended: [String] = [], referred: [String] = []) {
        self.expired = expired; self.extended = extended; self.referred = referred
    }
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
                    switch try expireOrExtend(v, now: now) {
                    case .extended:
                        result.extended.append(v.id.rawValue)
                    case .expired(let referred):
                        result.expired.append(v.id.rawValue)
                        if referred { result.referred.append(v.id.rawValue) }
                    }
                }
                return due.count
            }
            if done < batchSize { return result }
        }
    }
}
