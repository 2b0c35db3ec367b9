import Foundation
import GoodwillCore
@testable import Ledger
import Store
import Testing

/// A request names its voucher by ID or by code; a retry that names the same voucher the other way
/// is the same request, and replays. Records kept before the comparison was made on the voucher
/// (their fingerprint made from the code as given) keep answering their retries.
struct IdempotencyReferenceTests {
    func redeem(_ f: LedgerFixture, _ ref: VoucherReference, _ amount: Money = sek(100), key: String) throws -> LedgerReceipt {
        try f.ledger.perform(.redeem(ref, amount: amount, reference: nil), actor: "till", idempotencyKey: key)
    }

    @Test func aRedemptionRetriedByCodeInsteadOfID_orTheReverse_replays() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500))

        let byID = try redeem(f, .id(VoucherID(rawValue: v.id)), key: "k-1")
        let retriedByCode = try redeem(f, .code(v.code), key: "k-1")
        #expect(retriedByCode.replayed)
        #expect(retriedByCode.entry?.id == byID.entry?.id)
        #expect(try redeem(f, .code(v.code.lowercased().replacingOccurrences(of: "-", with: "")), key: "k-1").replayed)

        let byCode = try redeem(f, .code(v.code), key: "k-2")
        let retriedByID = try redeem(f, .id(VoucherID(rawValue: v.id)), key: "k-2")
        #expect(retriedByID.replayed)
        #expect(retriedByID.entry?.id == byCode.entry?.id)
        #expect(try f.show(v).balance == sek(300))

        // Another voucher, or another amount, under the key is still another request.
        let other = try f.issue(sek(500))
        #expect(ledgerError { _ = try redeem(f, .code(other.code), key: "k-1") } == .idempotencyConflict(key: "k-1"))
        #expect(ledgerError { _ = try redeem(f, .id(VoucherID(rawValue: other.id)), key: "k-2") } == .idempotencyConflict(key: "k-2"))
        #expect(ledgerError { _ = try redeem(f, .code(v.code), sek(200), key: "k-1") } == .idempotencyConflict(key: "k-1"))
        #expect(ledgerError { _ = try redeem(f, .code("NOPE-NOPE"), key: "k-1") } == .idempotencyConflict(key: "k-1"))
        #expect(try f.show(other).balance == sek(500))
        #expect(try f.show(v).balance == sek(300))
    }

    /// The same for every command that names a voucher, not only redemptions.
    @Test func aVoidRetriedByIDAfterItWasSentByCode_replays() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500))
        let first = try f.ledger.perform(.void(.code(v.code), reason: "sold by mistake"), actor: "desk", idempotencyKey: "void-1")
        let again = try f.ledger.perform(.void(.id(VoucherID(rawValue: v.id)), reason: "sold by mistake"), actor: "desk", idempotencyKey: "void-1")
        #expect(again.replayed && again.entry?.id == first.entry?.id)
    }

    /// A record kept before the upgrade has the fingerprint of the code as it was sent: its retry
    /// replays, by that code (as it always did) and by the voucher's ID.
    @Test func aRecordKeptUnderTheCodeFormFingerprint_stillReplays() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500))
        let first = try redeem(f, .code(v.code), key: "old-1")
        let oldForm = LedgerCommand.redeem(.code(v.code), amount: sek(100), reference: nil).fingerprint
        try f.ledger.db.run("UPDATE idempotency SET fingerprint = ? WHERE key = 'old-1'", [.blob(oldForm)])

        let byCode = try redeem(f, .code(v.code), key: "old-1")
        #expect(byCode.replayed && byCode.entry?.id == first.entry?.id)
        let byID = try redeem(f, .id(VoucherID(rawValue: v.id)), key: "old-1")
        #expect(byID.replayed && byID.entry?.id == first.entry?.id)
        #expect(ledgerError { _ = try redeem(f, .code(v.code), sek(1), key: "old-1") } == .idempotencyConflict(key: "old-1"))
        #expect(try f.show(v).balance == sek(400))
    }
}
