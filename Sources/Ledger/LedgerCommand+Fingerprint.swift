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

    /// SHA-256 of the canonical fields.
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
