import Foundation
import GoodwillCore
import Ledger
import Testing
@testable import GoodwillAPI

@Suite struct VoucherAPITests {
    @Test func issuingWithTheContractBody_returnsTheVoucherJSONWithLocation() async throws {
        let h = try APIHarness()
        let a = await h.post("/v1/vouchers", #"{"value": {"amount": 50000, "currency": "SEK"}, "validity": {"last_day": "2027-04-16"}, "time_zone": "Europe/Stockholm", "holder": {"email": "anna@example.com", "name": "Anna", "locale": "sv"}, "purchaser": {"email": "erik@example.com"}, "kind": "experience", "experience": "Rooftop walk", "message": "Grattis!"}"#)
        #expect(a.status == 201)
        #expect(a.headers["Content-Type"] == "application/json")
        let id = try #require(a.string("id"))
        #expect(a.headers["Location"] == "/v1/vouchers/\(id)")
        #expect(a.int("balance", "amount") == 50000 && a.string("balance", "currency") == "SEK")
        #expect(a.string("last_valid_day") == "2027-04-16" && a.string("expires_at") == "2027-04-16T22:00:00Z")
        #expect(a.string("kind") == "experience" && a.string("holder", "email") == "anna@example.com")
        #expect(a.string("purchaser", "email") == "erik@example.com")
        // The actor of the entry is the key's name.
        let entries = await h.get("/v1/vouchers/\(id)/entries")
        let list = try #require(entries.json["entries"] as? [[String: Any]])
        #expect(list.count == 1 && list[0]["actor"] as? String == "admin-key" && list[0]["kind"] as? String == "issued")
    }

    @Test func fieldsLeftOutTakeTheIssuersDefaults() async throws {
        let h = try APIHarness()
        let a = await h.post("/v1/vouchers", #"{"value": {"amount": 10000, "currency": "SEK"}}"#)
        #expect(a.status == 201)
        #expect(a.string("time_zone") == "Europe/Stockholm" && a.string("kind") == "gift_card")
        #expect(a.string("last_valid_day") == "2027-03-02")
    }

    @Test func getByCodeOrID_andTheCodeAsTyped() async throws {
        let h = try APIHarness()
        let v = try await h.issue()
        let id = try #require(v.string("id")), code = try #require(v.string("code"))
        #expect(await h.get("/v1/vouchers/\(id)").string("code") == code)
        #expect(await h.get("/v1/vouchers/\(code)").string("id") == id)
        #expect(await h.get("/v1/vouchers/\(code.lowercased().replacingOccurrences(of: "-", with: ""))").string("id") == id)
        let missing = await h.get("/v1/vouchers/vch_0000000000000000")
        #expect(missing.status == 404 && missing.code == "voucher-not-found")
        #expect(missing.headers["Content-Type"] == "application/problem+json")
    }

    /// Text with an underscore is an ID, not a code a holder read out: one in capitals, of a
    /// holder, or cut or padded is not found, and the answer says what a voucher ID looks like
    /// instead of asking for the code to be read again.
    @Test func anIDOfTheWrongCaseOrKind_isNotFound_andToldWhatAVoucherIDIs() async throws {
        let h = try APIHarness()
        let v = try await h.issue()
        let id = try #require(v.string("id")), holder = try #require(v.string("holder", "id"))
        let long = "vch_" + String(repeating: "a", count: 300)
        for (label, answer) in [
            ("capitals", await h.get("/v1/vouchers/\(id.uppercased())")),
            ("holder ID", await h.get("/v1/vouchers/\(holder)")),
            ("too long", await h.get("/v1/vouchers/\(long)")),
            ("redeem by holder ID", await h.post("/v1/vouchers/\(holder)/redemptions", #"{"amount": {"amount": 100, "currency": "SEK"}}"#)),
            ("entries in capitals", await h.get("/v1/vouchers/\(id.uppercased())/entries")),
        ] {
            #expect(answer.status == 404 && answer.code == "voucher-not-found", "\(label): \(answer.text)")
            #expect(answer.headers["Content-Type"] == "application/problem+json")
            let detail = answer.string("detail") ?? ""
            #expect(detail.contains("vch_") && detail.contains("lowercase") && !detail.contains("read the code again"), "\(label): \(detail)")
            #expect(detail.count < 400, "\(label): the detail echoes the whole path: \(detail.count) characters")
        }
        #expect(await h.get("/v1/vouchers/\(id)").status == 200)
    }

    @Test func aRedemptionTakesFromTheBalance_andTooMuchIsAProblemWithTheBalance() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue(amount: 50000).string("id"))
        let r = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 12000, "currency": "SEK"}, "reference": "booking 7"}"#)
        #expect(r.status == 200)
        #expect(r.int("voucher", "balance", "amount") == 38000)
        #expect(r.string("entry", "kind") == "redeemed" && r.string("entry", "reference") == "booking 7")
        let tooMuch = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 40000, "currency": "SEK"}}"#)
        #expect(tooMuch.status == 409 && tooMuch.code == "insufficient-balance")
        #expect(tooMuch.headers["Content-Type"] == "application/problem+json")
        #expect(tooMuch.string("type") == "urn:goodwill:problem:insufficient-balance")
        #expect(tooMuch.string("title") == "Conflict" && tooMuch.int("status") == 409)
        #expect(tooMuch.int("balance", "amount") == 38000)
        #expect(tooMuch.string("detail")?.contains("380") == true)
        let euro = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 100, "currency": "EUR"}}"#)
        #expect(euro.status == 422 && euro.code == "currency-mismatch")
    }

    @Test func anExpiredVoucher_saysWhetherGoodwillWouldExtendIt() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue(validity: #"{"last_day": "2026-03-10"}"#).string("id"))
        // 18 days late: beyond the default policy's soft expiry at the till (14 days).
        h.clock.set(instant("2026-03-28T10:00:00Z"))
        let r = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 100, "currency": "SEK"}}"#)
        #expect(r.status == 409 && r.code == "voucher-expired", "\(r.text)")
        #expect(r.string("goodwill")?.contains("would extend it by 30 days") == true)
        #expect(r.string("last_valid_day") == "2026-03-10")
        #expect(r.string("detail")?.contains("2026-03-10") == true)
    }

    @Test func theSameKeyAndBody_replaysTheFirstAnswer_anotherBodyIsRefused() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue().string("id"))
        let body = #"{"amount": {"amount": 1000, "currency": "SEK"}}"#
        let first = await h.post("/v1/vouchers/\(id)/redemptions", body, idempotencyKey: "till-1-0001")
        let again = await h.post("/v1/vouchers/\(id)/redemptions", body, idempotencyKey: "till-1-0001")
        #expect(first.status == 200 && again.status == 200)
        #expect(first.headers["Idempotent-Replayed"] == nil && again.headers["Idempotent-Replayed"] == "true")
        #expect(again.json["replayed"] as? Bool == true)
        #expect(again.int("entry", "id") == first.int("entry", "id"))
        #expect(await h.get("/v1/vouchers/\(id)").int("balance", "amount") == 49000)
        let other = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 2000, "currency": "SEK"}}"#, idempotencyKey: "till-1-0001")
        #expect(other.status == 422 && other.code == "idempotency-conflict")
        #expect(await h.get("/v1/vouchers/\(id)").int("balance", "amount") == 49000)
        // Keys are scoped per API key: another key's identical key is its own request.
        let mine = await h.post("/v1/vouchers/\(id)/redemptions", body, key: h.keys[.redeemer], idempotencyKey: "till-1-0001")
        #expect(mine.status == 200 && mine.headers["Idempotent-Replayed"] == nil)
    }

    /// Two keys, or two Authorization headers, leave which one is meant to a guess (a proxy may
    /// keep the other): refused, nothing done. An empty key is no key.
    @Test func repeatedKeysOrAnEmptyOne_areRefusedAndChangeNothing() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue().string("id"))
        let body = #"{"amount": {"amount": 1000, "currency": "SEK"}}"#
        let two = await h.send(.post, "/v1/vouchers/\(id)/redemptions", key: h.admin, json: body,
                               adding: [("Idempotency-Key", "dup-a"), ("Idempotency-Key", "dup-b")])
        #expect(two.status == 400 && two.code == "idempotency-key-required" && two.text.contains("had 2"), "\(two.text)")
        let empty = await h.send(.post, "/v1/vouchers/\(id)/redemptions", key: h.admin, json: body, idempotencyKey: "")
        #expect(empty.status == 400 && empty.code == "idempotency-key-required")
        let auditor = try #require(h.keys[.auditor]), redeemer = try #require(h.keys[.redeemer])
        for pair in [[auditor, redeemer], [redeemer, auditor]] {
            let both = await h.send(.post, "/v1/vouchers/\(id)/redemptions", json: body, idempotencyKey: UUID().uuidString,
                                    adding: pair.map { ("Authorization", "Bearer \($0)") })
            #expect(both.status == 401 && both.code == "unauthorized" && both.text.contains("exactly one"), "\(both.text)")
        }
        #expect(await h.get("/v1/vouchers/\(id)").int("balance", "amount") == 50000)
    }

    @Test func aPostWithoutIdempotencyKey_isRefusedAndChangesNothing() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue().string("id"))
        let r = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 1000, "currency": "SEK"}}"#, idempotencyKey: nil)
        #expect(r.status == 400 && r.code == "idempotency-key-required")
        #expect(await h.get("/v1/vouchers/\(id)").int("balance", "amount") == 50000)
    }

    @Test func malformedAndMistypedBodies_areTold400Or422() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue().string("id"))
        let broken = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 10"#)
        #expect(broken.status == 400 && broken.code == "malformed-json")
        let empty = await h.post("/v1/vouchers/\(id)/redemptions", "")
        #expect(empty.status == 400 && empty.code == "malformed-json")
        let wrongType = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": "ten", "currency": "SEK"}}"#)
        // A string is not an amount's number: invalid-amount, saying amounts are whole minor units.
        #expect(wrongType.status == 422 && wrongType.code == "invalid-amount")
        #expect(wrongType.string("detail")?.contains("amount.amount") == true)
        let missing = await h.post("/v1/vouchers/\(id)/redemptions", #"{"reference": "x"}"#)
        #expect(missing.status == 422 && missing.string("detail")?.contains("'amount' is missing") == true)
        let unknown = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 10, "currency": "SEK"}, "amuont": 1}"#)
        #expect(unknown.status == 422 && unknown.string("detail")?.contains("'amuont'") == true)
        let currency = await h.post("/v1/vouchers", #"{"value": {"amount": 100, "currency": "XXQ"}}"#)
        #expect(currency.status == 422)
        let validity = await h.post("/v1/vouchers", #"{"value": {"amount": 100, "currency": "SEK"}, "validity": {"months": 12, "none": true}}"#)
        #expect(validity.status == 422 && validity.string("detail")?.contains("validity") == true)
        #expect(await h.get("/v1/vouchers/\(id)").int("balance", "amount") == 50000)
    }

    @Test func reversalVoidBlockAdjustRefund_changeTheVoucherAsTheLedgerSays() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue(amount: 50000).string("id"))
        let redemption = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 20000, "currency": "SEK"}}"#)
        let entryID = try #require(redemption.int("entry", "id"))
        let reversal = await h.post("/v1/vouchers/\(id)/reversals", #"{"entry_id": \#(entryID), "reason": "wrong voucher"}"#)
        #expect(reversal.status == 200 && reversal.int("voucher", "balance", "amount") == 50000)
        let twice = await h.post("/v1/vouchers/\(id)/reversals", #"{"entry_id": \#(entryID)}"#)
        #expect(twice.status == 409 && twice.code == "already-reversed")
        let notHere = await h.post("/v1/vouchers/\(id)/reversals", #"{"entry_id": 999999}"#)
        #expect(notHere.status == 404 && notHere.code == "entry-not-found")

        #expect(await h.post("/v1/vouchers/\(id)/block", #"{"reason": "reported stolen"}"#).string("voucher", "status") == "blocked")
        let blocked = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 100, "currency": "SEK"}}"#)
        #expect(blocked.status == 409 && blocked.code == "voucher-blocked")
        #expect(await h.post("/v1/vouchers/\(id)/unblock", "").string("voucher", "status") == "active")
        let notBlocked = await h.post("/v1/vouchers/\(id)/unblock", "")
        #expect(notBlocked.status == 409 && notBlocked.code == "not-blocked")

        let adjust = await h.post("/v1/vouchers/\(id)/adjustments", #"{"amount": {"amount": -5000, "currency": "SEK"}, "reason": "double issue"}"#)
        #expect(adjust.status == 200 && adjust.int("voucher", "balance", "amount") == 45000)
        let noReason = await h.post("/v1/vouchers/\(id)/adjustments", #"{"amount": {"amount": 100, "currency": "SEK"}}"#)
        #expect(noReason.status == 422)

        let refund = await h.post("/v1/vouchers/\(id)/refunds", #"{"reference": "payout 9"}"#)
        #expect(refund.status == 200 && refund.string("voucher", "status") == "refunded" && refund.int("voucher", "balance", "amount") == 0)
        let again = await h.post("/v1/vouchers/\(id)/void", "")
        #expect(again.status == 409 && again.code == "already-in-state", "\(again.text)")

        let other = try #require(try await h.issue().string("id"))
        #expect(await h.post("/v1/vouchers/\(other)/void", #"{"reason": "test"}"#).string("voucher", "status") == "voided")
        let kinds = (await h.get("/v1/vouchers/\(id)/entries").json["entries"] as? [[String: Any]])?.map { $0["kind"] as? String }
        #expect(kinds == ["issued", "redeemed", "redemption_reversed", "blocked", "unblocked", "adjusted", "refunded"])
        #expect(try h.ledger().verify().ok)
    }

    @Test func listingPagesWithACursorAndFilters() async throws {
        let h = try APIHarness()
        for i in 0..<5 { _ = try await h.issue(amount: 1000 + i, holder: i % 2 == 0 ? #"{"email": "even@example.com"}"# : nil) }
        let first = await h.get("/v1/vouchers?limit=2")
        #expect((first.json["vouchers"] as? [Any])?.count == 2)
        let cursor = try #require(first.string("next_cursor"))
        let second = await h.get("/v1/vouchers?limit=2&cursor=\(cursor)")
        let third = await h.get("/v1/vouchers?limit=2&cursor=\(try #require(second.string("next_cursor")))")
        #expect((third.json["vouchers"] as? [Any])?.count == 1 && third.string("next_cursor") == nil)
        let amounts = [first, second, third].flatMap { ($0.json["vouchers"] as? [[String: Any]]) ?? [] }
            .compactMap { ($0["value"] as? [String: Any])?["amount"] as? Int }
        #expect(amounts == [1000, 1001, 1002, 1003, 1004])
        #expect((await h.get("/v1/vouchers?holder_email=EVEN@example.com").json["vouchers"] as? [Any])?.count == 3)
        #expect((await h.get("/v1/vouchers?status=voided").json["vouchers"] as? [Any])?.count == 0)
        #expect(await h.get("/v1/vouchers?status=lost").status == 422)
        #expect(await h.get("/v1/vouchers?limit=0").status == 422)
        #expect(await h.get("/v1/vouchers?colour=red").status == 422)
    }

    @Test func unknownPathsAndMethods_areProblemsToo() async throws {
        let h = try APIHarness()
        let missing = await h.get("/v1/nothing")
        #expect(missing.status == 404 && missing.code == "not-found")
        let method = await h.send(.delete, "/v1/vouchers", key: h.admin)
        #expect(method.status == 405 && method.headers["Allow"] == "GET, HEAD, POST")
        let post = await h.send(.post, "/health", key: h.admin)
        #expect(post.status == 405 && post.headers["Allow"] == "GET, HEAD")
    }
}
