import Foundation
import GoodwillCore
import Testing
@testable import GoodwillAPI

/// Every object inside a request body is held to the contract's shape, as the top level is: a
/// misspelt or missing field in `holder`, `validity`, `value` or `amount` is a 422 naming its path.
@Suite struct NestedBodyFieldTests {
    static let person = "email, locale, name, time_zone"

    @Test func aMisspeltOrMissingFieldInsideAPerson_isRefusedByItsPath() async throws {
        let h = try APIHarness()
        for (fields, detail) in [
            (#""holder": {"emial": "x@example.com"}"#, "Unknown field 'holder.emial'. holder takes \(Self.person)."),
            (#""holder": {"email": "x@example.com", "nmae": "X"}"#, "Unknown field 'holder.nmae'. holder takes \(Self.person)."),
            (#""purchaser": {"email": "x@example.com", "phone": "1", "adress": "x"}"#,
             "Unknown fields 'purchaser.adress', 'purchaser.phone'. purchaser takes \(Self.person)."),
            (#""holder": {"name": "X"}"#, "'holder.email' is missing; it is required. holder takes \(Self.person)."),
            (#""holder": {}"#, "'holder.email' is missing; it is required. holder takes \(Self.person)."),
            (#""purchaser": {"email": null, "name": "X"}"#, "'purchaser.email' is missing; it is required. purchaser takes \(Self.person)."),
            (#""validity": {"months": 12, "days": 3}"#, "Unknown field 'validity.days'. validity takes last_day, months, none."),
        ] {
            let answer = await h.post("/v1/vouchers", #"{"value": {"amount": 50000, "currency": "SEK"}, \#(fields)}"#)
            #expect(answer.status == 422 && answer.code == "invalid-request", "\(fields): \(answer.text)")
            #expect(answer.json["detail"] as? String == detail)
        }
        // None of them issued a voucher; the same person, spelt right, does.
        #expect(await h.get("/v1/vouchers").value(["vouchers"]).flatMap { $0 as? [Any] }?.isEmpty == true)
        let issued = await h.post("/v1/vouchers", #"{"value": {"amount": 50000, "currency": "SEK"}, "holder": {"email": "x@example.com", "name": "X"}}"#)
        #expect(issued.status == 201 && issued.string("holder", "name") == "X")
    }

    /// The same amounts to every route that takes one: redemptions (whose common shape is read by
    /// `FastBody`), adjustments and issue. Each is refused alike and nothing moves.
    @Test func aMisspeltOrMissingFieldInsideAnAmount_isRefusedAlikeOnEveryRoute() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue().string("id"))
        await h.expectEveryAmountRoute(voucher: id, toRefuse: [
            (#"{"amount": 100, "currency": "SEK", "cents": 5}"#, { "Unknown field '\($0).cents'. \($0) takes amount, currency." }),
            (#"{"amount": 100, "curency": "SEK"}"#, { "Unknown field '\($0).curency'. \($0) takes amount, currency." }),
            (#"{"amount": 100}"#, { "'\($0).currency' is missing; it is required. \($0) takes amount, currency." }),
        ], code: "invalid-request")
        #expect(await h.get("/v1/vouchers/\(id)").int("balance", "amount") == 50000)
    }

    /// A validity with its one field null names that field, and what it takes: it used to be read
    /// as a `none` that was not true ("validity: none must be true when given").
    @Test func aValidityWithItsFieldNull_isRefusedByThatField() async throws {
        let h = try APIHarness()
        let before = await h.stored()
        for (validity, detail) in [
            (#"{"months": null}"#, "'validity.months' is null; expected a whole number."),
            (#"{"last_day": null}"#, "'validity.last_day' is null; expected a date like 2027-04-16."),
            (#"{"none": null}"#, "'validity' is not right: validity: none must be true when given"),
            (#"{"none": false}"#, "'validity' is not right: validity: none must be true when given"),
        ] {
            let answer = await h.post("/v1/vouchers", #"{"value": {"amount": 50000, "currency": "SEK"}, "validity": \#(validity)}"#)
            #expect(answer.status == 422 && answer.code == "invalid-request", "\(validity): \(answer.text)")
            #expect(answer.json["detail"] as? String == detail, "\(validity): \(answer.text)")
        }
        #expect(await h.stored() == before)
    }
}
