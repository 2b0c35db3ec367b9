import Foundation
import GoodwillCore
import Store

extension Ledger {
    /// Cancels a voucher (issued by mistake, fraud, chargeback). Its balance leaves the books.
    func void(_ ref: VoucherReference, reason: String?, _ ctx: OperationContext) throws -> LedgerReceipt {
        let v = try resolve(ref)
        if v.storedStatus.isFinal { throw LedgerError.alreadyInState(v.storedStatus) }
        let entry = try append(LedgerEntry(
            id: 0, voucherID: v.id, kind: .voided, amount: -v.balance.minorUnits, balanceAfter: 0,
            currency: v.value.currency, at: ctx.now, actor: ctx.actor, reason: try Self.clean(reason, field: "reason"),
            idempotencyKey: ctx.idempotencyKey, statusAfter: .voided), to: v)
        return try receipt(for: v, entry: entry, now: ctx.now)
    }

    /// Freezes a voucher: nothing can be redeemed or refunded until it is unblocked.
    func block(_ ref: VoucherReference, reason: String?, _ ctx: OperationContext) throws -> LedgerReceipt {
        let v = try resolve(ref)
        try Self.checkNotFinal(v)
        if v.storedStatus == .blocked { throw LedgerError.alreadyInState(.blocked) }
        let entry = try append(LedgerEntry(
            id: 0, voucherID: v.id, kind: .blocked, amount: 0, balanceAfter: v.balance.minorUnits,
            currency: v.value.currency, at: ctx.now, actor: ctx.actor, reason: try Self.clean(reason, field: "reason"),
            idempotencyKey: ctx.idempotencyKey, statusAfter: .blocked), to: v)
        return try receipt(for: v, entry: entry, now: ctx.now)
    }

    /// Lifts a block. A voucher whose last valid day passed while it was blocked expires now, as the
    /// sweep would have expired it (goodwill at expiry first): see `returningStatus`.
    func unblock(_ ref: VoucherReference, reason: String?, _ ctx: OperationContext) throws -> LedgerReceipt {
        let v = try resolve(ref)
        guard v.storedStatus == .blocked else { throw LedgerError.notBlocked }
        let (status, expiryDue) = try returningStatus(of: v, balance: v.balance.minorUnits, at: ctx.now)
        let entry = try append(LedgerEntry(
            id: 0, voucherID: v.id, kind: .unblocked, amount: 0, balanceAfter: v.balance.minorUnits,
            currency: v.value.currency, at: ctx.now, actor: ctx.actor, reason: try Self.clean(reason, field: "reason"),
            idempotencyKey: ctx.idempotencyKey, statusAfter: status), to: v)
        return try receipt(for: v, entry: entry, expiryDue: expiryDue, ctx)
    }

    /// An admin correction, up or down, always with a reason. The balance never goes below zero.
    func adjust(_ ref: VoucherReference, amount: Money, reason: String, _ ctx: OperationContext) throws -> LedgerReceipt {
        let v = try resolve(ref)
        guard amount.currency == v.value.currency else {
            throw LedgerError.currencyMismatch(voucher: v.value.currency, requested: amount.currency)
        }
        guard amount.minorUnits != 0 else {
            throw LedgerError.invalidAmount("An adjustment of zero changes nothing. Give a positive amount to add or a negative one to take away.")
        }
        guard let reason = try Self.clean(reason, field: "reason") else {
            throw LedgerError.invalidRequest("An adjustment needs a reason, so the correction can be understood later.")
        }
        try Self.checkNotFinal(v)
        // The same limit as a voucher's value: a balance adjusted past it could make totals overflow.
        let limit = Money(minorUnits: Money.voucherLimitMinorUnits, currency: v.value.currency)
        guard amount.minorUnits.magnitude <= UInt64(Money.voucherLimitMinorUnits) else {
            throw LedgerError.invalidAmount("An adjustment can be at most \(limit) either way; \(amount) was asked. Check the amount for extra digits.")
        }
        // Checked still: a voucher issued before the limit existed may hold more.
        let (after, overflow) = v.balance.minorUnits.addingReportingOverflow(amount.minorUnits)
        guard !overflow, amount.minorUnits < 0 || after <= Money.voucherLimitMinorUnits else {
            throw LedgerError.invalidAmount("Adding \(amount) would bring the balance to more than \(limit), the most a voucher may hold; the voucher has \(v.balance). Add at most \(Money(minorUnits: max(0, Money.voucherLimitMinorUnits - v.balance.minorUnits), currency: amount.currency)).")
        }
        guard after >= 0 else {
            throw LedgerError.invalidAmount("Taking away \(Money(minorUnits: -amount.minorUnits, currency: amount.currency)) would leave the balance below zero; the voucher has \(v.balance).")
        }
        // Money added to a voucher past its day whose expiry is not recorded yet expires with it.
        let (status, expiryDue) = v.storedStatus == .blocked ? (.blocked, false) : try returningStatus(of: v, balance: after, at: ctx.now)
        let entry = try append(LedgerEntry(
            id: 0, voucherID: v.id, kind: .adjusted, amount: amount.minorUnits, balanceAfter: after,
            currency: v.value.currency, at: ctx.now, actor: ctx.actor, reason: reason,
            idempotencyKey: ctx.idempotencyKey, statusAfter: status), to: v)
        return try receipt(for: v, entry: entry, expiryDue: expiryDue, ctx)
    }

    /// Pays the remaining balance back (cash-out). Allowed after expiry too, where the law gives a
    /// right to it (Denmark); a blocked voucher must be unblocked first.
    func refund(_ ref: VoucherReference, reference: String?, reason: String?, _ ctx: OperationContext) throws -> LedgerReceipt {
        let v = try resolve(ref)
        try Self.checkNotFinal(v)
        if v.storedStatus == .blocked { throw LedgerError.voucherBlocked }
        guard v.balance.minorUnits > 0 else { throw LedgerError.nothingToRefund }
        let entry = try append(LedgerEntry(
            id: 0, voucherID: v.id, kind: .refunded, amount: -v.balance.minorUnits, balanceAfter: 0,
            currency: v.value.currency, at: ctx.now, actor: ctx.actor, reason: try Self.clean(reason, field: "reason"),
            reference: try Self.clean(reference, field: "payout reference", max: 200),
            idempotencyKey: ctx.idempotencyKey, statusAfter: .refunded), to: v)
        return try receipt(for: v, entry: entry, now: ctx.now)
    }
}
