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
                    case .expired(let referred, _):
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

extension Ledger {
    /// The status an unblock, reversal or adjustment leaves a voucher in when nothing else holds it
    /// (no block), and whether its expiry is then due. A voucher past its last valid day with money
    /// on it whose expiry no entry has recorded (blocked through it, so the sweep left it; used up
    /// then, so there was nothing to expire) is left `active`, as the sweep finds a voucher on the
    /// morning after its day, and `expiryDue` says the sweep's step must follow in the same
    /// transaction. One whose expiry is recorded already (expired, then blocked or adjusted) stays
    /// expired: an expiry is recorded once, and the goodwill at expiry is asked once.
    func returningStatus(of v: Voucher, balance: Int64, at now: Date) throws -> (status: VoucherStatus, expiryDue: Bool) {
        let natural = v.naturalStatus(balance: balance, at: now)
        // `expiryRecorded` also counts an old unblock or reversal straight to `expired` (from before
        // this rule, with no `expired` entry), however many blocks came after it; a voucher whose
        // row says `expired` has such an entry as its last.
        guard natural == .expired, try !store.expiryRecorded(of: v.id) else { return (natural, false) }
        return (.active, true)
    }

    /// The receipt for `entry`, just appended to `v` (as it was before it). When the entry left the
    /// voucher active past its last valid day (`expiryDue`), the sweep's step runs first, at the same
    /// instant: the goodwill check at expiry, then the policy's extension or the `expired` entry
    /// (both the system's, as in the sweep). The receipt shows the voucher as it ends up, beside the
    /// command's own entry, with the decision at expiry when one was recorded.
    func receipt(for v: Voucher, entry: LedgerEntry, expiryDue: Bool, _ ctx: OperationContext) throws -> LedgerReceipt {
        guard expiryDue else { return try receipt(for: v, entry: entry, now: ctx.now) }
        var current = v
        current.balance = Money(minorUnits: entry.balanceAfter, currency: v.value.currency)
        current.storedStatus = entry.statusAfter
        let outcome = try expireOrExtend(current, now: ctx.now)
        guard let after = try store.voucher(id: v.id) else { throw LedgerError.voucherNotFound(v.id.rawValue) }
        return LedgerReceipt(voucher: try view(of: after, now: ctx.now), entry: EntryView(entry), decision: outcome.decision)
    }
}
