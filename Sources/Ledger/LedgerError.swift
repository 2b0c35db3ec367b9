import Foundation
import GoodwillCore
import PolicyEngine

/// Why a ledger operation was refused. Each has a stable machine code (used by the API's
/// problem+json `type`) and a sentence for a person: what is wrong and what to do.
public enum LedgerError: Error, Equatable, CustomStringConvertible {
    case voucherNotFound(String)
    case codeTypo(String)
    case invalidCode(String)
    case invalidAmount(String)
    /// Zero or less where money must move; `isValue`: the voucher's value at issue. Structured so
    /// each front end gives its own example (the CLI's typed 99.50, the API's minor units).
    case amountNotPositive(Money, isValue: Bool)
    case currencyMismatch(voucher: Currency, requested: Currency)
    case insufficientBalance(balance: Money, requested: Money)
    /// `goodwill` says what the policy would do if the holder asked (nil when unknown); `payout`, the
    /// right the law still gives to take the balance out as money (nil where it gives none).
    case voucherExpired(lastValidDay: LocalDate, goodwill: GoodwillHint? = nil, payout: PayoutRight? = nil)
    case voucherVoided
    case voucherRefunded
    case voucherBlocked
    case voucherFullyUsed
    case entryNotFound(Int64)
    case notARedemption(Int64, kind: String)
    case alreadyReversed(Int64)
    /// The redemption is the import's record of what was spent in the old system.
    case importedRedemption(Int64)
    case alreadyInState(VoucherStatus)
    case notBlocked
    case nothingToRefund
    case idempotencyConflict(key: String)
    case invalidRequest(String)
    /// The validity asked for at issue; its words name the CLI's flag, so the API words it itself.
    case invalidValidity(ValidityError)
    case belowLegalMinimum(String)
    case invalidPolicy(String)
    case notPermitted(String)
    case overrideRequired(String)
    case noExpiry

    /// Stable, kebab-case: clients match on this, never on the sentence.
    public var code: String {
        switch self {
        case .voucherNotFound: return "voucher-not-found"
        case .codeTypo: return "code-check-failed"
        case .invalidCode: return "invalid-code"
        case .invalidAmount, .amountNotPositive: return "invalid-amount"
        case .currencyMismatch: return "currency-mismatch"
        case .insufficientBalance: return "insufficient-balance"
        case .voucherExpired: return "voucher-expired"
        case .voucherVoided: return "voucher-voided"
        case .voucherRefunded: return "voucher-refunded"
        case .voucherBlocked: return "voucher-blocked"
        case .voucherFullyUsed: return "voucher-fully-used"
        case .entryNotFound: return "entry-not-found"
        case .notARedemption: return "not-a-redemption"
        case .alreadyReversed: return "already-reversed"
        case .importedRedemption: return "imported-redemption"
        case .alreadyInState: return "already-in-state"
        case .notBlocked: return "not-blocked"
        case .nothingToRefund: return "nothing-to-refund"
        case .idempotencyConflict: return "idempotency-conflict"
        case .invalidRequest, .invalidValidity: return "invalid-request"
        case .belowLegalMinimum: return "below-legal-minimum"
        case .invalidPolicy: return "invalid-policy"
        case .notPermitted: return "not-permitted"
        case .overrideRequired: return "override-required"
        case .noExpiry: return "no-expiry"
        }
    }

    /// Ends the goodwill hint of a redemption refused for expiry when the policy would grant:
    /// the CLI's command, which the API replaces with its route.

    public var description: String {
        switch self {
        case .voucherNotFound(let ref):
            // A path can carry kilobytes; the start is enough to recognise it.
            let shown = ref.count > 64 ? ref.prefix(64) + "…" : Substring(ref)
            if ref.contains("_") {
                return "No voucher has the ID '\(shown)'. Voucher IDs begin with vch_ and are written in lowercase letters and digits, as they are printed (hld_… is a holder's ID); a code looks like XXXX-XXXX-XXXX-XXXX-X."
            }
            return "No voucher has the code or ID '\(shown)'. Check the code with the holder; codes look like XXXX-XXXX-XXXX-XXXX-X."
        case .codeTypo(let reason), .invalidCode(let reason):
            return reason
        case .invalidAmount(let reason):
            return reason
        case .amountNotPositive(_, let isValue):
            return isValue ? "A voucher's value must be more than zero, for example 500." : "The amount must be more than zero, for example 100 or 99.50."
        case .currencyMismatch(let voucher, let requested):
            return "The voucher is in \(voucher.code) but the amount was given in \(requested.code). Give the amount in \(voucher.code)."
        case .insufficientBalance(let balance, let requested):
            return "The voucher has \(balance) left, less than the \(requested) asked for. Redeem at most \(balance), and take the rest another way."
        case .voucherExpired(let day, let goodwill, let payout):
            return "The voucher expired: its last valid day was \(day). "
                + (goodwill.map { $0.sentence + ($0.wouldGrant ? " Use 'goodwill extend'." : "") }
                   ?? "Ask for a goodwill extension ('goodwill policy explain CODE' shows what the policy would do).")
                + (payout.map { " " + $0.sentence(PayoutRight.howCLI) } ?? "")
        case .voucherVoided:
            return "The voucher was voided and can no longer be used. If that was a mistake, issue a new voucher."
        case .voucherRefunded:
            return "The voucher's remaining balance was refunded, so nothing more can be done with it."
        case .voucherBlocked:
            return "The voucher is blocked. Support can unblock it once the reason for the block is cleared."
        case .voucherFullyUsed:
            return "The voucher has been used in full; its balance is 0."
        case .entryNotFound(let id):
            return "There is no ledger entry \(id). List the voucher's entries to find the redemption to reverse."
        case .notARedemption(let id, let kind):
            return "Entry \(id) is '\(kind)', not a redemption; only redemptions can be reversed."
        case .importedRedemption(let id):
            return "Entry \(id) records what was spent before the voucher was imported from another system, not a redemption made here, so it cannot be reversed. To give value back, adjust the voucher with a reason ('goodwill adjust CODE --amount … --reason …')."
        case .alreadyReversed(let id):
            return "Redemption \(id) has already been reversed; a redemption is reversed at most once."
        case .alreadyInState(let status):
            return "The voucher is already \(status.rawValue)."
        case .notBlocked:
            return "The voucher is not blocked, so there is nothing to unblock."
        case .nothingToRefund:
            return "The voucher has no balance left to refund."
        case .idempotencyConflict(let key):
            return "The idempotency key '\(key)' was already used for a different request. Use a new key for a new request; reuse a key only to retry the same request."
        case .invalidRequest(let reason):
            return reason
        case .invalidValidity(let error):
            return error.description
        case .belowLegalMinimum(let reason), .invalidPolicy(let reason), .notPermitted(let reason):
            return reason
        case .overrideRequired(let reason):
            return reason + " (add --override, or \"override\": true)"
        case .noExpiry:
            return "The voucher never expires, so there is nothing to extend."
        }
    }
}

/// What the goodwill policy would do for an expired voucher, in words for both front ends;
/// `wouldGrant` lets each add where to ask (the CLI its command, the API its route).
public struct GoodwillHint: Sendable, Equatable {
    public let sentence: String
    public let wouldGrant: Bool
}
