import Foundation
import GoodwillCore
import HTTPServer
import Ledger
import Testing
@testable import GoodwillAPI

/// Where the law in force still lets the holder take an expired voucher's balance out as money
/// (Denmark: a year after expiry), the voucher as the API shows it says so: `payout_claimable` and
/// `payout_claimable_until` on GET, in the list and in the holder's vouchers, and the public balance
/// check tells the holder in words too, nothing personal. Each field served is in the OpenAPI schema.
@Suite struct PayoutRightVoucherAPITests {
    /// 400 in `currency` issued 2026-03-02 in Copenhagen with a holder, valid through 2027-03-02,
    /// under `jurisdiction`; the clock then set to `now` (40 days past its last valid day unless told).
    func issued(_ jurisdiction: String, currency: String = "DKK", now: String = "2027-04-11T10:00:00Z") async throws -> (APIHarness, Answer) {
        let h = try APIHarness()
        try h.ledger().setJurisdiction(code: jurisdiction, actor: "admin")
        let issued = await h.post("/v1/vouchers", #"{"value": {"amount": 40000, "currency": "\#(currency)"}, "validity": {"months": 12}, "time_zone": "Europe/Copenhagen", "holder": {"email": "ida@example.dk", "name": "Ida Holm", "locale": "da"}}"#)
        #expect(issued.status == 201, "\(issued.text)")
        #expect(issued.string("last_valid_day") == "2027-03-02")
        h.clock.set(instant(now))
        return (h, issued)
    }

    /// The voucher as GET, the list and the holder's view serve it.
    func served(_ h: APIHarness, _ issued: Answer) async throws -> [(String, [String: Any])] {
        let id = try #require(issued.string("id")), holder = try #require(issued.string("holder", "id"))
        let get = await h.get("/v1/vouchers/\(id)")
        #expect(get.status == 200, "\(get.text)")
        let list = await h.get("/v1/vouchers")
        let listed = (list.json["vouchers"] as? [[String: Any]])?.first { $0["id"] as? String == id }
        let holderView = await h.get("/v1/holders/\(holder)")
        let held = ((holderView.json["vouchers"] as? [[String: Any]])?.first)?["voucher"] as? [String: Any]
        return [("get", get.json), ("list", try #require(listed)), ("holder", try #require(held, "\(holderView.text)"))]
    }

    @Test func inDenmark_fortyDaysLate_theVoucherAndThePublicCheckSayThePayoutRightAndItsLastDay() async throws {
        let (h, issued) = try await issued("DK")
        for (route, voucher) in try await served(h, issued) {
            #expect(voucher["status"] as? String == "expired", "\(route)")
            #expect((voucher["payout_claimable"] as? [String: Any])?["amount"] as? Int == 40000, "\(route)")
            #expect((voucher["payout_claimable"] as? [String: Any])?["currency"] as? String == "DKK", "\(route)")
            #expect(voucher["payout_claimable_until"] as? String == "2028-03-02", "\(route)")
        }
        let code = try #require(issued.string("code"))
        let balance = await h.send(.get, "/v1/public/balance/\(code)")
        #expect(balance.status == 200, "\(balance.text)")
        #expect(balance.string("status") == "expired")
        #expect(balance.int("payout_claimable", "amount") == 40000)
        #expect(balance.string("payout_claimable_until") == "2028-03-02")
        let words = balance.string("payout_note") ?? ""
        #expect(words.contains("400.00 DKK") && words.contains("until 2028-03-02") && words.contains("as money"), "\(words)")
        // Nothing personal, and nothing meant for staff.
        for secret in ["Ida", "ida@", "vch_", "hld_", "POST", "goodwill refund", "confidence"] {
            #expect(!balance.text.contains(secret), "\(secret) in \(balance.text)")
        }
    }

    @Test func inSweden_nothingIsAdded() async throws {
        let (h, issued) = try await issued("SE", currency: "SEK")
        try await expectNothing(h, issued, status: "expired")
    }

    @Test func inDenmark_pastTheRightsEnd_nothingIsAdded() async throws {
        let (h, issued) = try await issued("DK", now: "2028-03-03T10:00:00Z")
        try await expectNothing(h, issued, status: "expired")
    }

    @Test func anActiveVoucher_nothingIsAdded() async throws {
        let (h, issued) = try await issued("DK", now: "2027-02-11T10:00:00Z")
        try await expectNothing(h, issued, status: "active")
    }

    func expectNothing(_ h: APIHarness, _ issued: Answer, status: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for (route, voucher) in try await served(h, issued) {
            #expect(voucher["status"] as? String == status, "\(route)", sourceLocation: sourceLocation)
            #expect(voucher["payout_claimable"] == nil && voucher["payout_claimable_until"] == nil, "\(route)", sourceLocation: sourceLocation)
        }
        let balance = await h.send(.get, "/v1/public/balance/\(try #require(issued.string("code")))")
        #expect(balance.status == 200, sourceLocation: sourceLocation)
        #expect(Set(balance.json.keys) == ["status", "balance", "expires_at", "last_valid_day"], "\(balance.text)", sourceLocation: sourceLocation)
    }

    /// The OpenAPI document describes every field served, the new ones included.
    @Test func everyFieldServed_isInTheSchemaItsRouteNames() async throws {
        let (h, issued) = try await issued("DK")
        let doc = await h.send(.get, "/openapi.json").json
        let schemas = try #require((doc["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        func properties(_ name: String) -> Set<String> { Set(((schemas[name]?["properties"]) as? [String: Any])?.keys.map { $0 } ?? []) }
        let voucher = properties("Voucher"), publicBalance = properties("PublicBalance")
        #expect(voucher.isSuperset(of: ["payout_claimable", "payout_claimable_until"]))
        #expect(publicBalance.isSuperset(of: ["payout_claimable", "payout_claimable_until", "payout_note"]))
        for (route, served) in try await served(h, issued) {
            #expect(Set(served.keys).subtracting(voucher).isEmpty, "\(route) undocumented: \(Set(served.keys).subtracting(voucher).sorted())")
        }
        let balance = await h.send(.get, "/v1/public/balance/\(try #require(issued.string("code")))")
        #expect(Set(balance.json.keys).subtracting(publicBalance).isEmpty, "undocumented: \(Set(balance.json.keys).subtracting(publicBalance).sorted())")
    }

    /// The hand-written GET answer says what JSONEncoder says, the payout right included.
    @Test func theFastAnswer_matchesJSONEncoder_withThePayoutRight() async throws {
        let (h, issued) = try await issued("DK")
        let view = try h.ledger().voucherView(VoucherReference(try #require(issued.string("id"))))
        #expect(view.payoutClaimableUntil == "2028-03-02")
        let fast = try JSONSerialization.jsonObject(with: FastJSON.response(view).body) as? NSDictionary
        let encoded = try JSONSerialization.jsonObject(with: JSON.response(view).body) as? NSDictionary
        #expect(fast != nil && fast == encoded)
    }
}
