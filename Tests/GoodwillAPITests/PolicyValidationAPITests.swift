import Foundation
import Ledger
import Store
import Testing
@testable import GoodwillAPI

/// POST /v1/policies/validate checks against the server's database what activate would do there:
/// the answer says whether the version is stored and active, and an id and version stored with
/// other content is refused as activate refuses it. The document says exactly that.
@Suite struct PolicyValidationAPITests {
    static func policy(days: Int) -> String {
        #"{"policy": {"id": "tight", "version": 1, "description": "d", "jurisdiction": "any", "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 120, "monthly_goodwill_budget": {"SEK": 100000}}, "rules": [{"name": "late", "conditions": [{"fact": "days_since_expiry", "min": 1}], "outcome": {"kind": "grant", "days": \#(days)}}]}}"#
    }

    @Test func validate_saysWhetherTheVersionIsStoredAndActive() async throws {
        let h = try APIHarness()
        let fresh = await h.post("/v1/policies/validate", Self.policy(days: 30), idempotencyKey: nil)
        #expect(fresh.status == 200, "\(fresh.text)")
        #expect(fresh.json["stored"] as? Bool == false && fresh.json["active"] as? Bool == false, "\(fresh.text)")
        #expect(await h.post("/v1/policies/activate", Self.policy(days: 30)).status == 200)
        let same = await h.post("/v1/policies/validate", Self.policy(days: 30), idempotencyKey: nil)
        #expect(same.json["stored"] as? Bool == true && same.json["active"] as? Bool == true, "\(same.text)")

        let doc = await h.get("/openapi.json").json
        let schema = try #require(((doc["components"] as? [String: Any])?["schemas"] as? [String: Any])?["PolicyValidation"] as? [String: Any])
        let properties = Set(((schema["properties"] as? [String: Any]) ?? [:]).keys)
        #expect(Set(same.json.keys) == properties, "answer \(same.json.keys.sorted()), documented \(properties.sorted())")
        #expect(Set((schema["required"] as? [String]) ?? []) == properties)
    }

    /// Rolling back to a version stored before a later check existed (here a rule after a
    /// catch-all) works over the API as in the ledger: for those very bytes, and no others.
    @Test func activate_rollsBackToAVersionStoredBeforeALaterCheck_forThoseBytesOnly() async throws {
        let h = try APIHarness()
        func policy(_ days: Int) -> String {
            #"{"id": "tight", "version": 1, "description": "d", "jurisdiction": "any", "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 120, "monthly_goodwill_budget": {"SEK": 100000}}, "rules": [{"name": "all", "outcome": {"kind": "grant", "days": 30}}, {"name": "late", "conditions": [{"fact": "days_since_expiry", "min": 1}], "outcome": {"kind": "grant", "days": \#(days)}}]}"#
        }
        let old = policy(60)
        try h.ledger().db.run("INSERT INTO policies (id, version, hash, source, file_name, added_at) VALUES ('tight', 1, ?, ?, 'inline.json', 0)",
                              [.text(Ledger.hasher(Data(old.utf8))), .blob(Array(old.utf8))])
        let back = await h.post("/v1/policies/activate", #"{"policy": \#(old)}"#)
        #expect(back.status == 200, "\(back.text)")
        let other = await h.post("/v1/policies/activate", #"{"policy": \#(policy(61))}"#)
        #expect(other.status == 422 && other.string("detail")?.contains("can never decide") == true, "\(other.text)")
    }

    @Test func validate_refusesAChangedFileUnderAStoredVersion_asActivateWould() async throws {
        let h = try APIHarness()
        #expect(await h.post("/v1/policies/activate", Self.policy(days: 30)).status == 200)
        let before = await h.get("/v1/policies").text
        let changed = await h.post("/v1/policies/validate", Self.policy(days: 60), idempotencyKey: nil)
        #expect(changed.status == 422 && changed.code == "invalid-policy", "\(changed.text)")
        #expect(changed.string("detail")?.contains("policy tight version 1 is already stored with different content, and a version must keep its meaning, so it cannot be activated. Give the changed policy a new version number: 2") == true, "\(changed.text)")
        let activated = await h.post("/v1/policies/activate", Self.policy(days: 60))
        #expect(activated.status == 422 && activated.string("detail") == changed.string("detail"))
        #expect(await h.get("/v1/policies").text == before)

        let doc = await h.get("/openapi.json").json
        let validate = (((doc["paths"] as? [String: Any])?["/v1/policies/validate"] as? [String: Any])?["post"] as? [String: Any])
        #expect((validate?["description"] as? String)?.contains("already stored with other content") == true)
    }

    /// `rows` is an integer (the document says so): true was read as 1. A boolean, a text or a
    /// number out of range is refused naming the field; a whole number is taken.
    @Test func simulate_refusesRowsThatAreNoWholeNumber() async throws {
        let h = try APIHarness()
        let policy = #"{"id": "tight", "version": 1, "description": "d", "jurisdiction": "any", "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 120, "monthly_goodwill_budget": {"SEK": 100000}}, "rules": [{"name": "late", "conditions": [{"fact": "days_since_expiry", "min": 1}], "outcome": {"kind": "grant", "days": 30}}]}"#
        for rows in ["true", "false", #""5""#, "-1", "10001", "2.5"] {
            let answer = await h.post("/v1/policies/simulate", #"{"policy": \#(policy), "rows": \#(rows)}"#, idempotencyKey: nil)
            #expect(answer.status == 422 && answer.code == "invalid-request", "rows \(rows): \(answer.text)")
            #expect(answer.string("detail")?.contains("rows") == true, "rows \(rows): \(answer.text)")
        }
        for rows in ["0", "3", "10000"] {
            let answer = await h.post("/v1/policies/simulate", #"{"policy": \#(policy), "rows": \#(rows)}"#, idempotencyKey: nil)
            #expect(answer.status == 200, "rows \(rows): \(answer.text)")
        }
    }

    /// `rows` is read from its own bytes, not by decoding the body (and its policy) again; the
    /// words are those the decoder gave, and a name written with an escape is not passed over.
    @Test func simulate_rowsRefusals_sayWhatToGive() async throws {
        let h = try APIHarness()
        let policy = #"{"id": "tight", "version": 1, "description": "d", "jurisdiction": "any", "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 120, "monthly_goodwill_budget": {"SEK": 100000}}, "rules": [{"name": "late", "conditions": [{"fact": "days_since_expiry", "min": 1}], "outcome": {"kind": "grant", "days": 30}}]}"#
        let give = "give a whole number of rows from 0 to 10000, like 20 (the default)."
        let cases = [
            ("true", "'rows' has the wrong type; expected a whole number."),
            ("null", "'rows' is null; expected a whole number."),
            (#""5""#, "'rows' has the wrong type; expected a whole number."),
            ("[1]", "'rows' has the wrong type; expected a whole number."),
            ("2.5", "'rows' is 2.5; " + give),
            ("10001", "'rows' is 10001; " + give),
            ("99999999999999999999", "'rows' is 99999999999999999999; " + give),
            ("1e-999999", "'rows' is a number with an exponent too large or too small to read exactly; " + give),
        ]
        for (rows, detail) in cases {
            let answer = await h.post("/v1/policies/simulate", #"{"policy": \#(policy), "rows": \#(rows)}"#, idempotencyKey: nil)
            #expect(answer.status == 422 && answer.string("detail") == detail, "rows \(rows): \(answer.text)")
        }
        for rows in ["1e3", "10.0", "-0"] {
            let answer = await h.post("/v1/policies/simulate", #"{"policy": \#(policy), "rows": \#(rows)}"#, idempotencyKey: nil)
            #expect(answer.status == 200, "rows \(rows): \(answer.text)")
        }
        let escaped = await h.post("/v1/policies/simulate", #"{"policy": \#(policy), "r\u006fws": true}"#, idempotencyKey: nil)
        #expect(escaped.status == 422 && escaped.string("detail")?.contains("rows") == true, "\(escaped.text)")
    }
}
