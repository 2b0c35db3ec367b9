import Foundation
import GoodwillCore
import Store

extension Ledger {
    /// Why a voucher cannot be redeemed right now, or nil when it can.
    public static func redemptionRefusal(for v: Voucher, at now: Date) -> LedgerError? {
        switch v.status(at: now) {
        case .voided: return .voucherVoided
        case .refunded: return .voucherRefunded
        case .blocked: return .voucherBlocked
        case .redeemed: return .voucherFullyUsed
        case .expired: return v.expiry.map { .voucherExpired(lastValidDay: $0.lastValidDay) } ?? .voucherBlocked
        case .active: return nil
        }
    }

    func redeem(_ ref: VoucherReference, amount: Money, reference: String?, _ ctx: OperationContext) throws -> LedgerReceipt {
        var v = try resolve(ref)
        try Self.checkPositive(amount, against: v)
        var goodwill: DecisionView?
        if v.status(at: ctx.now) == .expired, let extended = try softExpiry(v, ctx) { (v, goodwill) = extended }
        if var refusal = Self.redemptionRefusal(for: v, at: ctx.now) {
            if case .voucherExpired(let day, _, _) = refusal {
                refusal = .voucherExpired(lastValidDay: day, goodwill: goodwillHint(for: v, now: ctx.now),
                                          payout: try? payoutRight(for: v, now: ctx.now))
            }
            throw refusal
        }
        guard amount.minorUnits <= v.balance.minorUnits else {
            throw LedgerError.insufficientBalance(balance: v.balance, requested: amount)
        }
        let after = v.balance.minorUnits - amount.minorUnits
        let entry = try append(LedgerEntry(
            id: 0, voucherID: v.id, kind: .redeemed, amount: -amount.minorUnits, balanceAfter: after,
            currency: v.value.currency, at: ctx.now, actor: ctx.actor,
            reference: try Self.clean(reference, field: "reference", max: 200), idempotencyKey: ctx.idempotencyKey,
            statusAfter: after == 0 ? .redeemed : .active), to: v)
        var receipt = try receipt(for: v, entry: entry, now: ctx.now)
        receipt.decision = goodwill
        return receipt
    }

    /// Puts a redemption's amount back, once. The voucher keeps whatever hold it is under (blocked
    /// stays blocked); otherwise its status follows from the balance and the expiry, and a used-up
    /// voucher given money back after its last valid day expires now (`returningStatus`).
    func reverse(entryID: Int64, reason: String?, _ ctx: OperationContext) throws -> LedgerReceipt {
        guard let original = try store.entry(id: entryID) else { throw LedgerError.entryNotFound(entryID) }
        guard original.kind == .redeemed else { throw LedgerError.notARedemption(entryID, kind: original.kind.rawValue) }
        guard !original.isImportedRedemption else { throw LedgerError.importedRedemption(entryID) }
        guard try !store.hasReversal(of: entryID) else { throw LedgerError.alreadyReversed(entryID) }
        guard let v = try store.voucher(id: original.voucherID) else { throw LedgerError.voucherNotFound(original.voucherID.rawValue) }
        try Self.checkNotFinal(v)
        let (after, overflow) = v.balance.minorUnits.addingReportingOverflow(-original.amount)
        guard !overflow else { throw LedgerError.invalidAmount("The reversal would overflow the balance.") }
        // The limit issue and adjust hold a balance to (sums over the book rely on it): reached
        // only when an adjustment already made up for this redemption, so that one is undone first.
        guard after <= Money.voucherLimitMinorUnits else {
            let limit = Money(minorUnits: Money.voucherLimitMinorUnits, currency: v.value.currency)
            let excess = Money(minorUnits: after - Money.voucherLimitMinorUnits, currency: v.value.currency)
            throw LedgerError.invalidAmount("Putting back \(Money(minorUnits: -original.amount, currency: v.value.currency)) would bring the balance to more than \(limit), the most a voucher may hold; the voucher has \(v.balance). If an adjustment already put this money back, adjust the balance down by at least \(excess) first, then reverse.")
        }
        let (status, expiryDue) = v.storedStatus == .blocked ? (.blocked, false) : try returningStatus(of: v, balance: after, at: ctx.now)
        let entry = try append(LedgerEntry(
            id: 0, voucherID: v.id, kind: .redemptionReversed, amount: -original.amount, balanceAfter: after,
            currency: v.value.currency, at: ctx.now, actor: ctx.actor,
            reason: try Self.clean(reason, field: "reason"), idempotencyKey: ctx.idempotencyKey,
            relatedEntryID: entryID, statusAfter: status), to: v)
        return try receipt(for: v, entry: entry, expiryDue: expiryDue, ctx)
    }
}
