import Foundation

/// One event on one voucher. Entries are appended, never changed; each carries the
/// SHA-256 of the previous entry's hash and its own canonical content (a chain).
public struct LedgerEntry: Sendable, Equatable {
    public var id: Int64
    public var voucherID: VoucherID
    public var kind: EntryKind
    /// Signed change to the balance in minor units (a redemption of 100 is -100).
    public var amount: Int64
    public var balanceAfter: Int64
    public var currency: Currency
    public var at: Date
    /// Who did it: an API key's name, `cli`, or `system`.
    public var actor: String
    public var reason: String?
    public var reference: String?
    public var idempotencyKey: String?
    /// For a reversal, the redemption it reverses.
    public var relatedEntryID: Int64?
    /// For issued and extended entries: the expiry from this entry on (nil: no expiry).
    public var expiryAfter: Expiry?
    public var statusAfter: VoucherStatus
    /// For an extension: the goodwill decision that granted it.
    public var decisionID: Int64?
    public var previousHash: [UInt8]
    public var hash: [UInt8]

    public init(id: Int64, voucherID: VoucherID, kind: EntryKind, amount: Int64, balanceAfter: Int64,
                currency: Currency, at: Date, actor: String, reason: String? = nil, reference: String? = nil,
                idempotencyKey: String? = nil, relatedEntryID: Int64? = nil, expiryAfter: Expiry? = nil,
                statusAfter: VoucherStatus, decisionID: Int64? = nil, previousHash: [UInt8] = [], hash: [UInt8] = []) {
        self.id = id; self.voucherID = voucherID; self.kind = kind; self.amount = amount
        self.balanceAfter = balanceAfter; self.currency = currency; self.at = at; self.actor = actor
        self.reason = reason; self.reference = reference; self.idempotencyKey = idempotencyKey
        self.relatedEntryID = relatedEntryID; self.expiryAfter = expiryAfter; self.statusAfter = statusAfter
        self.decisionID = decisionID; self.previousHash = previousHash; self.hash = hash
    }

    /// The bytes the chain hashes: every field that matters, each length-prefixed so no two
    /// different entries can produce the same text. Version-tagged so the format can evolve.
    public var canonicalContent: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(192)
        func field(_ s: String) {
            let bytes = s.utf8
            out.append(contentsOf: String(bytes.count).utf8)
            out.append(58) // ':'
            out.append(contentsOf: bytes)
            out.append(124) // '|'
        }
        func optional(_ s: String?) { if let s { field(s) } else { out.append(contentsOf: "-|".utf8) } }
        field("gw1")
        field(String(id))
        field(voucherID.rawValue)
        field(kind.rawValue)
        field(String(amount))
        field(String(balanceAfter))
        field(currency.code)
        field(String(at.unixMilliseconds))
        field(actor)
        optional(reason)
        optional(reference)
        optional(idempotencyKey)
        optional(relatedEntryID.map { String($0) })
        optional(expiryAfter.map { "\($0.lastValidDay.isoString)/\($0.timeZone)/\($0.instant.unixMilliseconds)" })
        field(statusAfter.rawValue)
        optional(decisionID.map { String($0) })
        return out
    }

    /// SHA-256(previous hash ‖ canonical content).
    public static func chainHash(previous: [UInt8], content: [UInt8]) -> [UInt8] {
        var h = SHA256()
        h.update(previous)
        h.update(content)
        return h.finalize()
    }

    /// The hash before the first entry.
    public static let genesisHash = [UInt8](repeating: 0, count: 32)
}
