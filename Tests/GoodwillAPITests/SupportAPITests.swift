import Foundation
import GoodwillCore
import HTTPServer
import Ledger
import Testing
@testable import GoodwillAPI

/// The support and finance routes: the holder timeline, search, notes, cases, closing, reports.
@Suite struct SupportAPITests {
    @Test func holderTimeline_searchNotesAndCases() async throws {
        let h = try APIHarness()
        let issued = try await h.issue()
        let holderID = try #require(issued.string("voucher", "holder", "id") ?? issued.string("holder", "id"))
        let support = h.keys[.support]!

        let found = await h.get("/v1/holders?q=anna", key: support)
        #expect(found.status == 200)
        #expect(((found.json["holders"] as? [[String: Any]])?.first?["id"] as? String) == holderID)
        #expect(await h.get("/v1/holders", key: support).code == "invalid-request")

        let note = await h.post("/v1/holders/\(holderID)/notes", #"{"text": "Prefers email."}"#, key: support)
        #expect(note.status == 201 && note.string("author") == "support-key")
        let opened = await h.post("/v1/cases", #"{"holder": "anna@example.com", "subject": "Spa day cancelled"}"#, key: support)
        #expect(opened.status == 201 && opened.value(["open"]) as? Bool == true)
        let caseID = try #require(opened.int("id"))

        let view = await h.get("/v1/holders/\(holderID)", key: support)
        #expect(view.status == 200)
        #expect(view.string("profile", "email") == "anna@example.com")
        #expect((view.json["open_cases"] as? [[String: Any]])?.count == 1)
        let kinds = (view.json["timeline"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
        #expect(kinds.prefix(2) == ["case_opened", "note"] && kinds.contains("entry") && kinds.last == "joined")

        let closed = await h.post("/v1/cases/\(caseID)/close", #"{"resolution": "Rebooked."}"#, key: support)
        #expect(closed.status == 200 && closed.value(["open"]) as? Bool == false)
        let again = await h.post("/v1/cases/\(caseID)/close", #"{"resolution": "Again."}"#, key: support)
        #expect(again.status == 409 && again.code == "case-already-closed")
        #expect(await h.get("/v1/holders/hld_nobody", key: support).code == "holder-not-found")
        // An auditor reads but writes no notes.
        #expect(await h.post("/v1/holders/\(holderID)/notes", #"{"text": "x"}"#, key: h.keys[.auditor]!).status == 403)
    }

    @Test func closingAHolder_overHTTP_isAdminOnly_andIdempotent() async throws {
        let h = try APIHarness()
        let issued = try await h.issue()
        let holderID = try #require(issued.string("voucher", "holder", "id") ?? issued.string("holder", "id"))
        #expect(await h.post("/v1/holders/\(holderID)/close", #"{"erase": true}"#, key: h.keys[.support]!).status == 403)
        let first = await h.post("/v1/holders/\(holderID)/close", #"{"erase": true}"#)
        #expect(first.status == 200 && first.value(["erased"]) as? Bool == true && first.value(["already_closed"]) as? Bool == false)
        #expect(((first.json["vouchers"] as? [[String: Any]])?.first?["action"] as? String) == "kept")
        let second = await h.post("/v1/holders/\(holderID)/close", "{}")
        #expect(second.status == 200 && second.value(["already_closed"]) as? Bool == true)
        #expect(try h.ledger().verify().ok)
    }

    @Test func supportBodies_refuseUnknownFields_andCloseNothing() async throws {
        let h = try APIHarness()
        let issued = try await h.issue()
        let holderID = try #require(issued.string("voucher", "holder", "id") ?? issued.string("holder", "id"))
        // "refundAll" for "refund_all": closing cannot be undone, so the misspelling must not close.
        let misspelt = await h.post("/v1/holders/\(holderID)/close", #"{"refundAll": true}"#)
        #expect(misspelt.status == 422 && misspelt.code == "invalid-request")
        #expect(misspelt.json["detail"] as? String == "Unknown field 'refundAll'. This route takes erase, payout_reference, refund_all.")
        #expect(await h.get("/v1/holders/\(holderID)", key: h.keys[.support]!).value(["profile", "closed_at"]) as? String == nil)
        let support = h.keys[.support]!
        #expect(await h.post("/v1/holders/\(holderID)/notes", #"{"txt": "Prefers email."}"#, key: support).status == 422)
        #expect(await h.post("/v1/cases", #"{"holder": "anna@example.com", "subject": "x", "priority": 1}"#, key: support).status == 422)
        let opened = await h.post("/v1/cases", #"{"holder": "anna@example.com", "subject": "Spa day"}"#, key: support)
        let caseID = try #require(opened.int("id"))
        #expect(await h.post("/v1/cases/\(caseID)/close", #"{"resolution": "ok", "closed": true}"#, key: support).status == 422)
        // Nothing was closed: a correct close still does its work.
        let unpaid = await h.post("/v1/holders/\(holderID)/close", #"{"refund_all": true}"#)
        #expect(unpaid.status == 422 && unpaid.code == "payout-reference-required")
        #expect((unpaid.json["detail"] as? String)?.contains(#""payout_reference""#) == true)
        let closed = await h.post("/v1/holders/\(holderID)/close", #"{"refund_all": true, "payout_reference": "BANK-77"}"#)
        #expect(closed.status == 200 && closed.value(["already_closed"]) as? Bool == false)
        #expect(((closed.json["vouchers"] as? [[String: Any]])?.first?["action"] as? String) == "refunded")
        #expect(await h.post("/v1/cases/999/close", #"{"resolution": "ok"}"#, key: support).json["detail"] as? String
                == "There is no support case 999. A holder's cases are listed in GET /v1/holders/{id}.")
    }

    /// Erasure reaches the answers the API keeps for retries: a note's text, a case's subject,
    /// the farewell letter that greets the person by name.
    @Test func erasingAHolder_erasesTheStoredAnswersThatNameThem() async throws {
        let h = try APIHarness()
        let issued = try await h.issue()
        let holderID = try #require(issued.string("voucher", "holder", "id") ?? issued.string("holder", "id"))
        let support = h.keys[.support]!
        let noteBody = #"{"text": "Anna Berg called from 070-123 45 67."}"#
        let note = await h.post("/v1/holders/\(holderID)/notes", noteBody, key: support, idempotencyKey: "note-1")
        #expect(note.status == 201)
        let caseBody = #"{"holder": "anna@example.com", "subject": "Anna Berg's spa day"}"#
        #expect(await h.post("/v1/cases", caseBody, key: support, idempotencyKey: "case-1").status == 201)
        // Another holder's stored answer is not touched.
        let other = try await h.issue(holder: #"{"email": "bo@example.com", "name": "Bo Ek", "locale": "sv"}"#)
        let otherID = try #require(other.string("voucher", "holder", "id") ?? other.string("holder", "id"))
        let otherNote = #"{"text": "Bo Ek prefers email."}"#
        #expect(await h.post("/v1/holders/\(otherID)/notes", otherNote, key: support, idempotencyKey: "note-2").status == 201)
        // A ledger command's stored answer names her voucher, not her: it still replays.
        let voucherID = try #require(issued.string("id"))
        let redemption = #"{"amount": {"amount": 1000, "currency": "SEK"}}"#
        let redeemed = await h.post("/v1/vouchers/\(voucherID)/redemptions", redemption, idempotencyKey: "redeem-1")
        #expect(redeemed.status == 200)

        let closeBody = #"{"erase": true, "refund_all": true, "payout_reference": "BANK-1"}"#
        let closed = await h.post("/v1/holders/\(holderID)/close", closeBody, idempotencyKey: "close-1")
        #expect(closed.status == 200)
        #expect(closed.text.contains("Anna"), "the answer itself carries the farewell letter")

        let noteAgain = await h.post("/v1/holders/\(holderID)/notes", noteBody, key: support, idempotencyKey: "note-1")
        #expect(noteAgain.status == 410 && noteAgain.code == "answer-erased")
        #expect(noteAgain.headers["Idempotent-Replayed"] == "true")
        #expect(!noteAgain.text.contains("070"))
        let caseAgain = await h.post("/v1/cases", caseBody, key: support, idempotencyKey: "case-1")
        #expect(caseAgain.status == 410 && !caseAgain.text.contains("Anna"))
        // Nothing was carried out again, and another body under the key is still refused.
        let notes = try h.ledger().db.scalarInt("SELECT count(*) FROM support_notes WHERE holder_id = '\(holderID)'")
        #expect(notes == 1)
        #expect(await h.post("/v1/holders/\(holderID)/notes", #"{"text": "x"}"#, key: support, idempotencyKey: "note-1").status == 422)

        let closeAgain = await h.post("/v1/holders/\(holderID)/close", closeBody, idempotencyKey: "close-1")
        #expect(closeAgain.status == 200 && closeAgain.headers["Idempotent-Replayed"] == "true")
        #expect(!closeAgain.text.contains("Anna"), "\(closeAgain.text)")
        #expect(closeAgain.value(["farewell", "body"]) as? String == "[erased]")

        let otherAgain = await h.post("/v1/holders/\(otherID)/notes", otherNote, key: support, idempotencyKey: "note-2")
        #expect(otherAgain.status == 201 && otherAgain.text.contains("Bo Ek prefers email."))
        let redeemedAgain = await h.post("/v1/vouchers/\(voucherID)/redemptions", redemption, idempotencyKey: "redeem-1")
        #expect(redeemedAgain.status == 200 && redeemedAgain.headers["Idempotent-Replayed"] == "true", "\(redeemedAgain.text)")
        #expect(redeemedAgain.int("entry", "id") == redeemed.int("entry", "id"))
    }

    /// A holder closed, then issued a voucher again, is a customer again: a retry of the first
    /// close (its Idempotency-Key) still answers with the first close; a new request closes anew,
    /// and the timeline tells the story.
    @Test func closeAfterComingBack_isANewClose_andTheFirstClosesRetryReplays() async throws {
        let h = try APIHarness()
        let issued = try await h.issue()
        let holderID = try #require(issued.string("voucher", "holder", "id") ?? issued.string("holder", "id"))
        let body = #"{"refund_all": true, "payout_reference": "BANK-1"}"#
        let first = await h.post("/v1/holders/\(holderID)/close", body, idempotencyKey: "close-first")
        #expect(first.status == 200 && first.value(["already_closed"]) as? Bool == false)
        let back = try await h.issue(amount: 20_000)
        #expect((back.string("voucher", "holder", "id") ?? back.string("holder", "id")) == holderID)
        let retry = await h.post("/v1/holders/\(holderID)/close", body, idempotencyKey: "close-first")
        #expect(retry.status == 200 && retry.headers["Idempotent-Replayed"] == "true")
        #expect(retry.text == first.text)
        let second = await h.post("/v1/holders/\(holderID)/close", #"{"refund_all": true, "payout_reference": "BANK-2"}"#, idempotencyKey: "close-second")
        #expect(second.status == 200 && second.value(["already_closed"]) as? Bool == false)
        let refunded = (second.json["vouchers"] as? [[String: Any]] ?? []).filter { $0["action"] as? String == "refunded" }
        #expect(refunded.map { $0["code"] as? String } == [back.string("code") ?? back.string("voucher", "code")])
        let view = await h.get("/v1/holders/\(holderID)", key: h.keys[.support]!)
        let kinds = (view.json["timeline"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        #expect(Array(kinds.filter { $0 == "closed" || $0 == "reopened" }.reversed()) == ["closed", "reopened", "closed"])
    }

    @Test func reports_areForAuditors() async throws {
        let h = try APIHarness()
        _ = try await h.issue()
        let auditor = h.keys[.auditor]!
        let liability = await h.get("/v1/reports/liability", key: auditor)
        #expect(liability.status == 200)
        #expect((((liability.json["totals"] as? [[String: Any]])?.first?["amount"]) as? [String: Any])?["amount"] as? Int == 50_000)
        #expect(await h.get("/v1/reports/expiring?days=400", key: auditor).int("days") == 400)
        #expect(await h.get("/v1/reports/reconciliation", key: auditor).value(["balanced"]) as? Bool == true)
        #expect(await h.get("/v1/reports/nonsense", key: auditor).code == "report-not-found")
        #expect(await h.get("/v1/reports/liability", key: h.keys[.issuer]!).status == 403)
    }
}

/// One payout reference, one payment: the API refuses it on a second holder's close with 409.
@Suite struct PayoutReferenceAPITests {
    @Test func aPayoutReferenceUsedOnAnotherHoldersClose_is409_andChangesNothing() async throws {
        let h = try APIHarness()
        let anna = try #require(try await h.issue().string("holder", "id"))
        let ole = try #require(try await h.issue(holder: #"{"email": "ole@example.com", "name": "Ole", "locale": "da"}"#).string("holder", "id"))
        let body = #"{"refund_all": true, "payout_reference": "BANK-9"}"#
        #expect(await h.post("/v1/holders/\(anna)/close", body, idempotencyKey: "close-anna").status == 200)
        let before = await h.stored()
        let reused = await h.post("/v1/holders/\(ole)/close", body)
        #expect(reused.status == 409 && reused.code == "payout-reference-used", "\(reused.text)")
        #expect(reused.json["detail"] as? String == "The payout reference 'BANK-9' was already given when holder \(anna) was closed on 2026-03-02; a payout reference identifies one payment. Send this payout's own reference (its bank transfer or payment id) as \"payout_reference\". Nothing was changed.")
        #expect(await h.stored() == before)
        // The same close sent again, with or without its key, still answers with that close.
        #expect(await h.post("/v1/holders/\(anna)/close", body, idempotencyKey: "close-anna").status == 200)
        let retried = await h.post("/v1/holders/\(anna)/close", body)
        #expect(retried.status == 200 && retried.value(["already_closed"]) as? Bool == true)
        #expect(await h.post("/v1/holders/\(ole)/close", #"{"refund_all": true, "payout_reference": "BANK-10"}"#).status == 200)
    }
}
