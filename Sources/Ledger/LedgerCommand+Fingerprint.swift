import GoodwillCore

extension LedgerCommand {
    /// What makes two requests "the same" for idempotency: the operation and every field that
    /// matters, codes normalized (case, dashes, look-alikes), each length-prefixed so no two
    /// different requests share the text. Hand-written because the hot path cannot afford JSON.
    var canonicalFields: [String?] {
        func ref(_ r: VoucherReference) -> String {
            switch r {
            case .id(let id): return "id:" + id.rawValue
            case .code(let c): return "code:" + VoucherCode.normalize(c)
            }
        }
        func money(_ m: Money) -> String { "\(m.minorUnits) \(m.currency.code)" }
        func person(_ p: PersonInput?) -> [String?] {
            guard let p else { return [nil, nil, nil, nil] }
            return [p.email.map(Holder.normalize(email:)), p.name, p.locale, p.timeZone]
        }
        switch self {
        case .issue(let r):
            let validity: String?
            switch r.validity {
            case .months(let m)?: validity = "months \(m)"
            case .lastDay(let d)?: validity = "last \(d.isoString)"
            case .none?: validity = "none"
            case nil: validity = nil
            }
            return ["issue", money(r.value), validity, r.timeZone] + person(r.holder) + person(r.purchaser)
                + [r.kind?.rawValue, r.experience, r.message]
        case .redeem(let r, let amount, let reference): return ["redeem", ref(r), money(amount), reference]
        case .reverse(let id, let reason): return ["reverse", String(id), reason]
        case .void(let r, let reason): return ["void", ref(r), reason]
        case .block(let r, let reason): return ["block", ref(r), reason]
        case .unblock(let r, let reason): return ["unblock", ref(r), reason]
        case .adjust(let r, let amount, let reason): return ["adjust", ref(r), money(amount), reason]
        case .refund(let r, let reference, let reason): return ["refund", ref(r), reference, reason]
        case .extend(let r, let e):
            return ["extend", ref(r), e.days.map(String.init), e.reason, e.override ? "override" : "-", e.requester.rawValue, e.role]
        }
    }

    /// The voucher the command names, by ID or by code; nil for one that names none (issue, reverse).
    var voucherReference: VoucherReference? {
        switch self {
        case .issue, .reverse: return nil
        case .redeem(let r, _, _), .void(let r, _), .block(let r, _), .unblock(let r, _), .adjust(let r, _, _), .refund(let r, _, _),
             .extend(let r, _):
            return r
        }
    }

    /// The same command, naming its voucher as `ref`.
    func naming(_ ref: VoucherReference) -> LedgerCommand {
        switch self {
        case .issue, .reverse: return self
        case .redeem(_, let amount, let reference): return .redeem(ref, amount: amount, reference: reference)
        case .void(_, let reason): return .void(ref, reason: reason)
        case .block(_, let reason): return .block(ref, reason: reason)
        case .unblock(_, let reason): return .unblock(ref, reason: reason)
        case .adjust(_, let amount, let reason): return .adjust(ref, amount: amount, reason: reason)
        case .refund(_, let reference, let reason): return .refund(ref, reference: reference, reason: reason)
        case .extend(_, let request): return .extend(ref, request)
        }
    }

    /// SHA-256 of the canonical fields, the voucher named as the request names it. A record is
    /// kept under the fingerprint of the command naming its voucher by ID (see
    /// `Ledger.performInTransaction`); records kept before that have this one, a code as sent.
    public var fingerprint: [UInt8] {
        // The same bytes as ever (stored fingerprints must keep matching), gathered first and
        // hashed in one update rather than four small generic ones per field.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(160)
        for field in canonicalFields {
            if let f = field {
                bytes.append(contentsOf: String(f.utf8.count).utf8)
                bytes.append(58)
                bytes.append(contentsOf: f.utf8)
            } else {
                bytes.append(UInt8(ascii: "-"))
            }
            bytes.append(124)
        }
        var h = SHA256()
        bytes.withUnsafeBytes { h.update($0) }
        return h.finalize()
    }
}
