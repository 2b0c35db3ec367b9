import Foundation
import Testing
import GoodwillCore

/// The chain hashes `canonicalContent`, so its bytes may never change: these tests hold it to the
/// original String-built text (every number through `String(_:)`), which the byte writer replaced.
@Suite("Ledger entry canonical content")
struct CanonicalContentTests {
    /// The format as first written: each field "length:text|", absent ones "-|".
    static func reference(_ e: LedgerEntry) -> [UInt8] {
        func field(_ s: String) -> String { "\(s.utf8.count):\(s)|" }
        func optional(_ s: String?) -> String { s.map(field) ?? "-|" }
        let text = field("gw1") + field(String(e.id)) + field(e.voucherID.rawValue) + field(e.kind.rawValue)
            + field(String(e.amount)) + field(String(e.balanceAfter)) + field(e.currency.code)
            + field(String(e.at.unixMilliseconds)) + field(e.actor) + optional(e.reason) + optional(e.reference)
            + optional(e.idempotencyKey) + optional(e.relatedEntryID.map { String($0) })
            + optional(e.expiryAfter.map { "\($0.lastValidDay.isoString)/\($0.timeZone)/\($0.instant.unixMilliseconds)" })
            + field(e.statusAfter.rawValue) + optional(e.decisionID.map { String($0) })
        return Array(text.utf8)
    }

    static let sek = Currency(code: "SEK")!

    static let entries: [LedgerEntry] = [
        LedgerEntry(id: 1, voucherID: VoucherID(rawValue: "vch_0123456789abcdef"), kind: .issued, amount: 50_000, balanceAfter: 50_000,
                    currency: sek, at: Date(unixMilliseconds: 1_772_359_200_000), actor: "cli", reason: "imported from book.csv",
                    reference: "import", expiryAfter: Expiry(lastValidDay: LocalDate(year: 2027, month: 3, day: 1)!, timeZone: "Europe/Stockholm",
                                                             instant: Date(unixMilliseconds: 1_804_028_399_999)),
                    statusAfter: .active),
        LedgerEntry(id: 9_999_999_999, voucherID: VoucherID(rawValue: "vch_x"), kind: .redeemed, amount: -12_345, balanceAfter: 0,
                    currency: sek, at: Date(unixMilliseconds: -1), actor: "kassa-1 åäö", idempotencyKey: "k-1",
                    relatedEntryID: 0, statusAfter: .redeemed, decisionID: 42),
        LedgerEntry(id: 0, voucherID: VoucherID(rawValue: ""), kind: .expired, amount: Int64.min, balanceAfter: Int64.max,
                    currency: sek, at: Date(unixMilliseconds: 0), actor: "", reason: "", relatedEntryID: -7,
                    expiryAfter: Expiry(lastValidDay: LocalDate(year: 12, month: 1, day: 9)!, timeZone: "", instant: Date(unixMilliseconds: -86_400_000)),
                    statusAfter: .expired, decisionID: Int64.min),
    ]

    @Test(arguments: CanonicalContentTests.entries)
    func canonicalContent_isTheOriginalText(entry: LedgerEntry) {
        #expect(entry.canonicalContent == Self.reference(entry))
    }

    @Test func canonicalContent_ofAnIssuedEntry_isPinned() {
        let text = String(decoding: Self.entries[0].canonicalContent, as: UTF8.self)
        #expect(text == "3:gw1|1:1|20:vch_0123456789abcdef|6:issued|5:50000|5:50000|3:SEK|13:1772359200000|3:cli|22:imported from book.csv|6:import|-|-|41:2027-03-01/Europe/Stockholm/1804028399999|6:active|-|")
    }
}
