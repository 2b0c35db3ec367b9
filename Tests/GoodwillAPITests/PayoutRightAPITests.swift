import Foundation
import GoodwillCore
import HTTPServer
import Ledger
import RepositoryFiles
import Testing
@testable import GoodwillAPI

/// Where the law in force still lets the holder take an expired voucher's balance out as money
/// (Denmark: a year after expiry), the API's "expired" and "no" say so, in words and as
/// `payout_claimable` / `payout_claimable_until`, each documented in the OpenAPI document as served.
@Suite struct PayoutRightAPITests {
    /// 400 DKK issued 2026-03-02 in Copenhagen, valid 12 months (through 2027-03-02), under
    /// `jurisdiction` and the strict policy; the clock then 40 days past its last valid day.
    func fortyDaysLate(_ jurisdiction: String, currency: String = "DKK") async throws -> (APIHarness, String) {
        let h = try APIHarness()
        let setup = try h.ledger()
        try setup.setJurisdiction(code: jurisdiction, actor: "admin")
        try setup.activatePolicy(data: Data(contentsOf: Repository.file("Policies/strict.json")), fileName: "strict.json", actor: "admin")
        let issued = await h.post("/v1/vouchers", #"{"value": {"amount": 40000, "currency": "\#(currency)"}, "validity": {"months": 12}, "time_zone": "Europe/Copenhagen"}"#)
        #expect(issued.status == 201, "\(issued.text)")
        #expect(issued.string("last_valid_day") == "2027-03-02")
        h.clock.set(instant("2027-04-11T10:00:00Z"))
        return (h, try #require(issued.string("id")))
    }

    @Test func inDenmark_theRefusalTheDryRunAndTheDenial_sayThePayoutRightAndItsLastDay() async throws {
        let (h, id) = try await fortyDaysLate("DK")
        let refused = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 100, "currency": "DKK"}}"#)
        #expect(refused.status == 409 && refused.code == "voucher-expired", "\(refused.text)")
        #expect(refused.string("payout_claimable_until") == "2028-03-02")
        #expect(refused.int("payout_claimable", "amount") == 40000)
        let detail = refused.string("detail") ?? ""
        #expect(detail.contains("until 2028-03-02"), "\(detail)")
        #expect(detail.contains("POST /v1/vouchers/{id}/refunds"), "\(detail)")
        #expect(!detail.contains("goodwill refund"), "the API names its route, not the CLI's command: \(detail)")

        let dry = await h.get("/v1/vouchers/\(id)/goodwill")
        #expect(dry.status == 200 && dry.string("outcome") == "deny", "\(dry.text)")
        #expect(dry.string("payout_claimable_until") == "2028-03-02")
        #expect(dry.int("payout_claimable", "amount") == 40000)
        #expect(dry.string("explanation")?.contains("until 2028-03-02") == true)

        let denied = await h.post("/v1/vouchers/\(id)/extensions", #"{"reason": "I was abroad"}"#, key: h.keys[.support])
        #expect(denied.status == 200 && denied.string("decision", "outcome") == "deny", "\(denied.text)")
        #expect(denied.string("decision", "payout_claimable_until") == "2028-03-02")
        #expect(denied.string("decision", "explanation")?.contains("until 2028-03-02") == true)

        // Every field served is documented, in the schema the route names.
        let doc = await h.send(.get, "/openapi.json").json
        let schemas = try #require((doc["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        let problem = Set(((schemas["Problem"]?["properties"]) as? [String: Any])?.keys.map { $0 } ?? [])
        let decision = Set(((schemas["Decision"]?["properties"]) as? [String: Any])?.keys.map { $0 } ?? [])
        #expect(Set(refused.json.keys).subtracting(problem).isEmpty, "undocumented: \(Set(refused.json.keys).subtracting(problem).sorted())")
        #expect(Set(dry.json.keys).subtracting(decision).isEmpty, "undocumented: \(Set(dry.json.keys).subtracting(decision).sorted())")
        let served = Set(((denied.json["decision"]) as? [String: Any])?.keys.map { $0 } ?? [])
        #expect(served.subtracting(decision).isEmpty, "undocumented: \(served.subtracting(decision).sorted())")
    }

    @Test func inSweden_nothingIsSaidOfAPayout() async throws {
        let (h, id) = try await fortyDaysLate("SE", currency: "SEK")
        let refused = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 100, "currency": "SEK"}}"#)
        #expect(refused.code == "voucher-expired")
        #expect(refused.json["payout_claimable"] == nil && refused.json["payout_claimable_until"] == nil)
        #expect(refused.string("detail")?.contains("payout") == false)
        let dry = await h.get("/v1/vouchers/\(id)/goodwill")
        #expect(dry.string("outcome") == "deny")
        #expect(dry.json["payout_claimable"] == nil && dry.json["payout_claimable_until"] == nil)
        let denied = await h.post("/v1/vouchers/\(id)/extensions", #"{"reason": "I was abroad"}"#, key: h.keys[.support])
        #expect((denied.json["decision"] as? [String: Any])?["payout_claimable_until"] == nil)
        #expect(denied.string("decision", "explanation")?.contains("payout") == false)
    }
}
