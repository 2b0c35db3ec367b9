import Foundation
import Testing
@testable import GoodwillAPI

/// A field or query parameter that takes a whole number is refused by name, with the range it
/// takes, whatever number it gets: one beyond Int64 or with a fraction is valid JSON, so a 422
/// like any other number out of range, never the decoder's 400 "does not parse".
@Suite struct WholeNumberFieldTests {
    @Test func aBodyNumberBeyondInt64OrWithAFraction_isRefusedByName_andChangesNothing() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue().string("id"))
        let entries = "an entry ID is a whole number from 1 up, like 4711: GET /v1/vouchers/{id}/entries lists the voucher's entries."
        let days = "give a whole number of days from 1 to 3660, like 30."
        let months = #"give a whole number of months from 1 to 1200, or validity.last_day, or {"none": true} for no expiry."#
        let before = await h.stored()
        for (target, body, detail) in [
            ("/v1/vouchers/\(id)/reversals", #"{"entry_id": 99999999999999999999}"#, "'entry_id' is 99999999999999999999; \(entries)"),
            ("/v1/vouchers/\(id)/reversals", #"{"entry_id": 12.5, "reason": "till"}"#, "'entry_id' is 12.5; \(entries)"),
            ("/v1/vouchers/\(id)/reversals", #"{"entry_id": 4710.99999999999999999}"#, "'entry_id' is 4710.99999999999999999; \(entries)"),
            ("/v1/vouchers/\(id)/reversals", #"{"entry_id": -3}"#, "'entry_id' is -3; \(entries)"),
            // Beyond what Decimal holds: JSONDecoder read it as entry 0 (a 404 for "entry 0").
            ("/v1/vouchers/\(id)/reversals", #"{"entry_id": 1e-999999}"#, "'entry_id' is a number with an exponent too large or too small to read exactly; \(entries)"),
            ("/v1/vouchers/\(id)/extensions", #"{"reason": "late", "days": 99999999999999999999}"#, "'days' is 99999999999999999999; \(days)"),
            ("/v1/vouchers/\(id)/extensions", #"{"reason": "late", "days": 30.5}"#, "'days' is 30.5; \(days)"),
            ("/v1/vouchers/\(id)/extensions", #"{"reason": "late", "days": 0}"#, "'days' is 0; \(days)"),
            ("/v1/vouchers", #"{"value": {"amount": 500, "currency": "SEK"}, "validity": {"months": 99999999999999999999}}"#,
             "'validity.months' is 99999999999999999999; \(months)"),
            ("/v1/vouchers", #"{"value": {"amount": 500, "currency": "SEK"}, "validity": {"months": 12.5}}"#, "'validity.months' is 12.5; \(months)"),
            ("/v1/vouchers", #"{"value": {"amount": 500, "currency": "SEK"}, "validity": {"months": 1201}}"#, "'validity.months' is 1201; \(months)"),
        ] {
            let answer = await h.post(target, body)
            #expect(answer.status == 422 && answer.code == "invalid-request", "\(body): \(answer.text)")
            #expect(answer.json["detail"] as? String == detail, "\(body)")
        }
        #expect(await h.stored() == before)
        // Whole numbers in range, however written, are still taken.
        let entry = try #require(await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 100, "currency": "SEK"}}"#).int("entry", "id"))
        let reversed = await h.post("/v1/vouchers/\(id)/reversals", #"{"entry_id": \#(entry).0}"#)
        #expect(reversed.status == 200, "\(reversed.text)")
        #expect(await h.post("/v1/vouchers", #"{"value": {"amount": 500, "currency": "SEK"}, "validity": {"months": 1200}}"#).status == 201)
    }

    @Test func aQueryNumberBeyondInt64_isOutOfRange_likeAnyOther() async throws {
        let h = try APIHarness()
        let huge = "99999999999999999999"
        for (query, detail) in [
            ("/v1/vouchers?expiring_within_days=\(huge)", "expiring_within_days takes a whole number of days from 0 to 36500; got '\(huge)'."),
            ("/v1/vouchers?expiring_within_days=-5", "expiring_within_days takes a whole number of days from 0 to 36500; got '-5'."),
            ("/v1/vouchers?expiring_within_days=7.5", "expiring_within_days takes a whole number of days from 0 to 36500; got '7.5'."),
            ("/v1/vouchers?limit=\(huge)", "limit takes a whole number from 1 to 1000; got '\(huge)'."),
            ("/v1/reminders?limit=\(huge)", "limit takes a whole number from 1 to 1000; got '\(huge)'."),
            ("/v1/holders?q=anna&limit=\(huge)", "limit takes a whole number from 1 to 500; got '\(huge)'."),
            ("/v1/reports/expiring?days=\(huge)", "days takes a whole number of days from 1 to 3650; got '\(huge)'."),
        ] {
            let answer = await h.get(query)
            #expect(answer.status == 422 && answer.code == "invalid-request", "\(query): \(answer.text)")
            #expect(answer.json["detail"] as? String == detail, "\(query)")
        }
        #expect(await h.get("/v1/vouchers?expiring_within_days=36500&limit=1000").status == 200)
    }
}
