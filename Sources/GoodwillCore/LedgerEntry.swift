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
        // Written straight into one buffer: numbers as decimal digits without a String each
        // (a million-row import hashes close to two million entries).
        var out: [UInt8] = []
        out.reserveCapacity(192)
        func field(_ s: String) {
            let bytes = s.utf8
            out.appendDecimal(Int64(bytes.count))
            out.append(58) // ':'
            out.append(contentsOf: bytes)
            out.append(124) // '|'
        }
        func number(_ n: Int64) {
            out.appendDecimal(Int64(Self.decimalLength(n)))
            out.append(58)
            out.appendDecimal(n)
            out.append(124)
        }
        func optional(_ s: String?) { if let s { field(s) } else { out.append(45); out.append(124) } } // "-|"
        func optional(_ n: Int64?) { if let n { number(n) } else { out.append(45); out.append(124) } }
        field("gw1")
        number(id)
        field(voucherID.rawValue)
        field(kind.rawValue)
        number(amount)
        number(balanceAfter)
        field(currency.code)
        number(at.unixMilliseconds)
        field(actor)
        optional(reason)
        optional(reference)
        optional(idempotencyKey)
        optional(relatedEntryID)
        if let e = expiryAfter {
            // "YYYY-MM-DD/zone/ms"
            let day = e.lastValidDay.isoString.utf8, zone = e.timeZone.utf8, ms = e.instant.unixMilliseconds
            out.appendDecimal(Int64(day.count + 1 + zone.count + 1 + Self.decimalLength(ms)))
            out.append(58)
            out.append(contentsOf: day)
            out.append(47) // '/'
            out.append(contentsOf: zone)
            out.append(47)
            out.appendDecimal(ms)
            out.append(124)
        } else {
            out.append(45); out.append(124)
        }
        field(statusAfter.rawValue)
        optional(decisionID)
        return out
    }

    /// How many characters `String(n)` has.
    static func decimalLength(_ n: Int64) -> Int {
        var count = n < 0 ? 2 : 1
        var m = n.magnitude
        while m >= 10 { m /= 10; count += 1 }
        return count
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

extension LedgerEntry {
    /// The reference on every entry an import writes.
    public static let importReference = "import"
    /// The reason on the `redeemed` entry an import writes for what was spent before it.
    public static let importedRedemptionReason = "redeemed before the import"

    /// A `redeemed` entry that records money spent in another system before the import: history
    /// brought along, not a redemption made here, so reversing it would create money. Known by its
    /// reason as well as its reference: a redemption made here never has a reason, so a till that
    /// writes "import" as its reference cannot make one look imported.
    public var isImportedRedemption: Bool {
        kind == .redeemed && reference == Self.importReference && reason == Self.importedRedemptionReason
    }
}
