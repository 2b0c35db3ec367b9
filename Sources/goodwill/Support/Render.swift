import Foundation
import GoodwillCore
import Ledger

/// Human-readable output. JSON output is the Codable views themselves.
enum Render {
    static func money(_ m: Money) -> String { m.description }

    static func person(_ p: PersonView?) -> String? {
        guard let p else { return nil }
        let parts = [p.name, p.email.map { "<\($0)>" }, p.locale.map { "[\($0)]" }].compactMap { $0 }
        return parts.isEmpty ? p.id : parts.joined(separator: " ")
    }

    static func voucher(_ v: VoucherView) -> String {
        Output.fields([
            ("Code", v.code), ("ID", v.id), ("Status", v.status.rawValue),
            ("Balance", "\(money(v.balance)) of \(money(v.value))"),
            ("Valid through", v.lastValidDay.map { "\($0) (\(v.timeZone)); ends \(v.expiresAt ?? "")" } ?? "no expiry"),
            ("Issued", v.issuedAt), ("Kind", v.kind.rawValue), ("Experience", v.experience),
            ("Holder", person(v.holder)), ("Purchaser", person(v.purchaser)), ("Message", v.message),
        ])
    }

    static func receipt(_ r: LedgerReceipt, verb: String) -> String {
        var lines: [String] = []
        if r.replayed { lines.append("(Already done: this is the result of the first request with this idempotency key.)") }
        if let e = r.entry {
            let amount = e.amount.minorUnits == 0 ? "" : " \(money(e.amount))"
            lines.append("\(verb)\(amount) on \(r.voucher.code) — entry \(e.id).")
        }
        lines.append("Balance now \(money(r.voucher.balance)); status \(r.voucher.status.rawValue).")
        return lines.joined(separator: "\n")
    }

    static func voucherList(_ page: VoucherPage) -> String {
        if page.vouchers.isEmpty { return "No vouchers match." }
        var text = Output.table(["CODE", "STATUS", "BALANCE", "VALID THROUGH", "HOLDER"], page.vouchers.map {
            [$0.code, $0.status.rawValue, money($0.balance), $0.lastValidDay ?? "no expiry", $0.holder?.email ?? ""]
        })
        if let next = page.nextCursor { text += "\nMore: add --cursor \(next)" }
        return text
    }

    static func entries(_ entries: [EntryView]) -> String {
        Output.table(["ID", "AT", "KIND", "AMOUNT", "BALANCE", "ACTOR", "NOTE"], entries.map { e in
            let note = [e.reason, e.reference.map { "ref \($0)" }, e.relatedEntryID.map { "reverses \($0)" },
                        e.lastValidDayAfter.map { "valid through \($0)" }].compactMap { $0 }.joined(separator: "; ")
            return [String(e.id), e.at, e.kind.rawValue, money(e.amount), money(e.balanceAfter), e.actor, note]
        })
    }
}
