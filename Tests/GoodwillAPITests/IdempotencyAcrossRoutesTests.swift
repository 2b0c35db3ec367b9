import Foundation
import Ledger
import PolicyEngine
import Testing
@testable import GoodwillAPI

/// One Idempotency-Key of one API key names one request, whichever POST it came with: a ledger
/// command (a redemption) and any other write (a support note, a policy activation) cannot both
/// be carried out under it, in either order, and a retry of the first still gets its answer.
@Suite struct IdempotencyAcrossRoutesTests {
    static let redemption = #"{"amount": {"amount": 1000, "currency": "SEK"}}"#
    static let note = #"{"text": "Called about the spa day."}"#
    static var activation: String { #"{"policy": \#(EmbeddedPolicies.policies["generous.json"]!)}"# }

    struct Book {
        let h: APIHarness
        let voucherID: String
        let holderID: String

        init() async throws {
            h = try APIHarness()
            let issued = try await h.issue(amount: 50_000)
            voucherID = try #require(issued.string("id"))
            holderID = try #require(issued.string("holder", "id"))
        }

        func redeem(key: String) async -> Answer { await h.post("/v1/vouchers/\(voucherID)/redemptions", redemption, idempotencyKey: key) }
        func writeNote(key: String, _ body: String = note) async -> Answer { await h.post("/v1/holders/\(holderID)/notes", body, idempotencyKey: key) }
        func activate(key: String) async -> Answer { await h.post("/v1/policies/activate", activation, idempotencyKey: key) }
        func balance() async -> Int? { await h.get("/v1/vouchers/\(voucherID)").int("balance", "amount") }
        func notes() throws -> Int64 { try h.ledger().db.scalarInt("SELECT count(*) FROM support_notes") }
        func activePolicy() throws -> String { try h.ledger().db.scalarText("SELECT policy_id FROM active_policy") ?? "" }
    }

    @Test func aKeyUsedForARedemption_isRefusedForANoteOrAPolicy_andTheRedemptionStillReplays() async throws {
        let b = try await Book()
        let redeemed = [await b.redeem(key: "till-7"), await b.redeem(key: "till-8")]
        #expect(redeemed.map(\.status) == [200, 200])

        let note = await b.writeNote(key: "till-7")
        #expect(note.status == 422 && note.code == "idempotency-conflict", "\(note.text)")
        #expect(try b.notes() == 0)
        let activated = await b.activate(key: "till-8")
        #expect(activated.status == 422 && activated.code == "idempotency-conflict", "\(activated.text)")
        #expect(try b.activePolicy() == "default")

        for (key, first) in zip(["till-7", "till-8"], redeemed) {
            let again = await b.redeem(key: key)
            #expect(again.status == 200 && again.headers["Idempotent-Replayed"] == "true")
            #expect(again.int("entry", "id") == first.int("entry", "id"))
        }
        #expect(await b.balance() == 48_000)
    }

    @Test func aKeyUsedForANoteOrAPolicy_isRefusedForARedemption_andTheFirstStillReplays() async throws {
        let b = try await Book()
        let note = await b.writeNote(key: "desk-1")
        #expect(note.status == 201)
        let activated = await b.activate(key: "desk-2")
        #expect(activated.status == 200 && activated.string("id") == "generous")

        for key in ["desk-1", "desk-2"] {
            let redeemed = await b.redeem(key: key)
            #expect(redeemed.status == 422 && redeemed.code == "idempotency-conflict", "\(key): \(redeemed.text)")
        }
        #expect(await b.balance() == 50_000)

        let noteAgain = await b.writeNote(key: "desk-1")
        #expect(noteAgain.status == 201 && noteAgain.headers["Idempotent-Replayed"] == "true" && noteAgain.body == note.body)
        #expect(try b.notes() == 1)
        let activatedAgain = await b.activate(key: "desk-2")
        #expect(activatedAgain.status == 200 && activatedAgain.headers["Idempotent-Replayed"] == "true")
    }

    /// Only a request that was carried out is kept under its key: one refused (a 4xx) keeps nothing,
    /// so its retry is decided again on the voucher as it is then, and the key may still name
    /// another request. The document says so, since "the first answer" would promise the 409 back.
    @Test func aRefusedRequestKeepsNothing_itsRetryIsDecidedAgain_andTheDocumentSaysSo() async throws {
        let b = try await Book()
        #expect(await b.h.post("/v1/vouchers/\(b.voucherID)/block", idempotencyKey: "block-1").status == 200)
        let refused = await b.redeem(key: "till-9")
        #expect(refused.status == 409 && refused.code == "voucher-blocked")
        #expect(await b.h.post("/v1/vouchers/\(b.voucherID)/unblock", idempotencyKey: "unblock-1").status == 200)
        let retried = await b.redeem(key: "till-9")
        #expect(retried.status == 200 && retried.headers["Idempotent-Replayed"] == nil, "\(retried.text)")
        #expect(await b.redeem(key: "till-9").headers["Idempotent-Replayed"] == "true")
        #expect(await b.balance() == 49_000)

        let invalid = await b.h.post("/v1/vouchers/\(b.voucherID)/redemptions", #"{"amount": {"amount": 0, "currency": "SEK"}}"#, idempotencyKey: "till-10")
        #expect(invalid.status == 422)
        #expect(await b.redeem(key: "till-10").status == 200)

        let info = (await b.h.send(.get, "/openapi.json").json["info"] as? [String: Any])?["description"] as? String ?? ""
        #expect(info.contains("A request refused with a 4xx keeps nothing under its key"), "\(info)")
        let key = ((((await b.h.send(.get, "/openapi.json").json["components"] as? [String: Any])?["parameters"] as? [String: Any])?["IdempotencyKey"]
                    as? [String: Any])?["description"] as? String) ?? ""
        #expect(key.contains("refused"), "\(key)")
    }

    /// Before migration 8 the API kept its other writes under `http:<key name>`, so a key may
    /// already have been used for both kinds, both carried out. The migration moves the rest to
    /// the key name; such a pair stays apart, and each request still gets its own first answer.
    @Test func afterTheMigration_aKeyUsedForBothKindsBefore_stillReplaysBoth() async throws {
        let b = try await Book()
        let note = await b.writeNote(key: "both-1")
        #expect(await b.writeNote(key: "note-only-1").status == 201)
        let old = try b.h.ledger()
        // Where the API kept them before the migration.
        try old.db.run("UPDATE idempotency SET scope = 'http:admin-key' WHERE key IN ('both-1', 'note-only-1')")
        let redeemed = await b.redeem(key: "both-1")
        #expect(redeemed.status == 200 && redeemed.headers["Idempotent-Replayed"] == nil)
        // Only 8 is run again: a later one that adds a column (11) cannot run twice on this file.
        try old.db.run("DELETE FROM schema_migrations WHERE version = 8")
        try old.db.execute("PRAGMA user_version = 7")

        let migrated = try b.h.ledger()
        #expect(try migrated.db.scalarInt("PRAGMA user_version") >= 8)
        #expect(try migrated.db.query("SELECT scope FROM idempotency WHERE key = 'note-only-1'") { $0.text(0) } == ["admin-key"])
        let noteAgain = await b.writeNote(key: "both-1")
        #expect(noteAgain.status == 201 && noteAgain.headers["Idempotent-Replayed"] == "true" && noteAgain.body == note.body)
        let redeemedAgain = await b.redeem(key: "both-1")
        #expect(redeemedAgain.status == 200 && redeemedAgain.headers["Idempotent-Replayed"] == "true")
        #expect(redeemedAgain.int("entry", "id") == redeemed.int("entry", "id"))
        #expect(await b.writeNote(key: "both-1", #"{"text": "Another note."}"#).code == "idempotency-conflict")

        let moved = await b.redeem(key: "note-only-1")
        #expect(moved.status == 422 && moved.code == "idempotency-conflict", "\(moved.text)")
        #expect(await b.writeNote(key: "note-only-1").headers["Idempotent-Replayed"] == "true")
        #expect(try b.notes() == 2)
        #expect(await b.balance() == 49_000)
    }
}
