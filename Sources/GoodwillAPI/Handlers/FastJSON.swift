import Foundation
import GoodwillCore
import HTTPServer
import Ledger

/// The hot answers (a voucher, a receipt) written straight to bytes: JSONEncoder took a fifth of
/// the CPU of a GET. Same members, same order (sorted keys) and same omissions as JSONEncoder
/// gives for these types; a test holds the two to each other.
enum FastJSON {
    static func response(_ voucher: VoucherView, status: HTTPStatus = .ok) -> HTTPResponse {
        var w = JSONWriter()
        w.voucher(voucher)
        return HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Data(w.bytes))
    }

    static func response(_ receipt: LedgerReceipt, status: HTTPStatus = .ok) -> HTTPResponse {
        // Decisions are rare and rich: the encoder writes those.
        guard receipt.decision == nil else { return JSON.response(receipt, status: status) }
        var w = JSONWriter()
        w.raw("{")
        if let entry = receipt.entry {
            w.key("entry", first: true); w.entry(entry)
            w.key("replayed")
        } else {
            w.key("replayed", first: true)
        }
        w.raw(receipt.replayed ? "true" : "false")
        w.key("voucher"); w.voucher(receipt.voucher)
        w.raw("}")
        return HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Data(w.bytes))
    }
}

struct JSONWriter {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(768) }

    mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func key(_ name: StaticString, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func int(_ v: Int64) { bytes.appendDecimal(v) }

    /// RFC 8259 §7, and '/' left alone as JSONEncoder's .withoutEscapingSlashes does.
    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        // Nearly every string (IDs, codes, instants) needs no escape: checked and copied whole from
        // its UTF-8 storage (a per-byte walk of `s.utf8` was a tenth of an answer's encoding time).
        let copied = s.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            for b in utf8 where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if copied == true {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0..<0x20:
                raw("\\u00")
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(hex[Int(b >> 4)]); bytes.append(hex[Int(b & 15)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func optionalString(_ s: String?) {
        if let s { string(s) } else { raw("null") }
    }

    mutating func money(_ m: Money) {
        raw("{\"amount\":"); int(m.minorUnits); raw(",\"currency\":"); string(m.currency.code); raw("}")
    }

    /// Synthesized Codable leaves nil members out.
    mutating func person(_ p: PersonView) {
        raw("{")
        if let e = p.email { key("email", first: true); string(e); key("id") } else { key("id", first: true) }
        string(p.id)
        if let l = p.locale { key("locale"); string(l) }
        if let n = p.name { key("name"); string(n) }
        if let z = p.timeZone { key("time_zone"); string(z) }
        raw("}")
    }

    /// VoucherView writes every member, null included (the contract's voucher JSON), but the payout
    /// right, which it writes only where there is one.
    mutating func voucher(_ v: VoucherView) {
        raw("{")
        key("balance", first: true); money(v.balance)
        key("code"); string(v.code)
        key("experience"); optionalString(v.experience)
        key("expires_at"); optionalString(v.expiresAt)
        key("holder"); if let h = v.holder { person(h) } else { raw("null") }
        key("id"); string(v.id)
        key("issued_at"); string(v.issuedAt)
        key("issuer"); string(v.issuer)
        key("kind"); string(v.kind.rawValue)
        key("last_valid_day"); optionalString(v.lastValidDay)
        key("message"); optionalString(v.message)
        // Only where the law still gives a payout right past expiry (VoucherView writes it only then).
        if let p = v.payoutClaimable { key("payout_claimable"); money(p) }
        if let u = v.payoutClaimableUntil { key("payout_claimable_until"); string(u) }
        key("purchaser"); if let p = v.purchaser { person(p) } else { raw("null") }
        key("status"); string(v.status.rawValue)
        key("time_zone"); string(v.timeZone)
        key("value"); money(v.value)
        raw("}")
    }

    mutating func entry(_ e: EntryView) {
        raw("{")
        key("actor", first: true); string(e.actor)
        key("amount"); money(e.amount)
        key("at"); string(e.at)
        key("balance_after"); money(e.balanceAfter)
        if let d = e.decisionID { key("decision_id"); int(d) }
        if let x = e.expiresAtAfter { key("expires_at_after"); string(x) }
        key("hash"); string(e.hash)
        key("id"); int(e.id)
        key("kind"); string(e.kind.rawValue)
        if let l = e.lastValidDayAfter { key("last_valid_day_after"); string(l) }
        if let r = e.reason { key("reason"); string(r) }
        if let r = e.reference { key("reference"); string(r) }
        if let r = e.relatedEntryID { key("related_entry_id"); int(r) }
        key("status_after"); string(e.statusAfter.rawValue)
        key("voucher_id"); string(e.voucherID)
        raw("}")
    }
}
