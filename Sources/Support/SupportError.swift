import GoodwillCore

/// What support and finance operations refuse, in words a support agent can act on.
public enum SupportError: Error, Sendable, Equatable, CustomStringConvertible {
    case holderNotFound(String)
    case badHolderReference(String)
    case caseNotFound(Int64)
    case caseAlreadyClosed(Int64)
    case invalid(String)
    case payoutReferenceRequired(count: Int)
    /// The payout reference is already that of an earlier close (`holder`'s, closed on
    /// `closedOn`): of another holder's, or of this holder's before they came back.
    case payoutReferenceUsed(reference: String, holder: String, closedOn: String, sameHolder: Bool)
    case importRejected(rows: Int, firstLine: Int)
    /// A sum of money over the books does not fit in 64-bit minor units (`what`: which sum).
    case tooLargeToAdd(what: String, currency: String)

    public var description: String {
        switch self {
        case .holderNotFound(let ref):
            return "No holder '\(ref)' is on file. Search with 'goodwill holder search TEXT' (email, name or voucher code)."
        case .badHolderReference(let ref):
            return "'\(ref)' is neither a holder ID (hld_…) nor an email address. Give one of those."
        case .caseNotFound(let id):
            return "There is no support case \(id). List a holder's cases with 'goodwill holder show EMAIL'."
        case .caseAlreadyClosed(let id):
            return "Support case \(id) is already closed; nothing was changed."
        case .invalid(let message):
            return message
        case .payoutReferenceRequired(let count):
            return "Closing pays out \(Plural.count(count, "voucher balance")); give the payout's reference with --payout-reference REF (a bank transfer or payment id) so finance can match it. Nothing was changed."
        case .payoutReferenceUsed:
            return payoutReferenceUsedSentence + " Give the reference of this payout (its own bank transfer or payment id). Nothing was changed."
        case .importRejected(let rows, let line):
            return "\(rows) row\(rows == 1 ? " of the file is" : "s of the file are") invalid (the first on line \(line)); nothing was imported. Fix them, or add --skip-invalid --rejects FILE to import the good rows."
        case .tooLargeToAdd(let what, let currency):
            return Self.tooLargeToAddSentence(what: what, currency: currency) + " Find them with 'goodwill export vouchers', and void or adjust them."
        }
    }

    /// `payoutReferenceUsed` in words for both front ends; each adds how to give another.
    public var payoutReferenceUsedSentence: String {
        guard case .payoutReferenceUsed(let reference, let holder, let day, let same) = self else { return description }
        let when = same ? "this holder was closed before, on \(day)" : "holder \(holder) was closed on \(day)"
        return "The payout reference '\(reference)' was already given when \(when); a payout reference identifies one payment."
    }

    /// `tooLargeToAdd` in words for both front ends; each adds where to find those vouchers and how
    /// to fix them (the CLI its commands in `description`, the API its routes).
    public static func tooLargeToAddSentence(what: String, currency: String) -> String {
        "The \(what) in \(currency) is too large to add up in 64-bit minor units, so nothing was computed or changed. The books hold \(currency) vouchers with impossible amounts (over 10^12 minor units, the most a voucher may hold now; written before that limit)."
    }
}
