import Foundation
import GoodwillCore
import Testing
@testable import GoodwillAPI

/// Amounts on the wire are whole minor units (50000 is 500.00 SEK). A body that gives one another
/// way is valid JSON, so it is a 422 invalid-amount that shows the amount meant, never a 400.
@Suite struct AmountProblemTests {
    @Test func anAmountWithDecimals_isShownInMinorUnits_onEveryRoute() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue().string("id"))
        await h.expectEveryAmountRoute(voucher: id, toRefuse: [
            (#"{"amount": 99.50, "currency": "SEK"}"#,
             { "'\($0).amount' takes whole minor units, not decimals: 99.50 SEK is {\"amount\": 9950, \"currency\": \"SEK\"}." }),
            (#"{"amount": 1.5, "currency": "KWD"}"#,
             { "'\($0).amount' takes whole minor units, not decimals: 1.500 KWD is {\"amount\": 1500, \"currency\": \"KWD\"}." }),
            (#"{"amount": 1500.5, "currency": "JPY"}"#,
             { "'\($0).amount' takes whole minor units, and 1500.5 is not a whole number of them: JPY has no decimals, so {\"amount\": 1500, \"currency\": \"JPY\"} is 1500 JPY." }),
            (#"{"amount": 99.555, "currency": "SEK"}"#,
             { "'\($0).amount' takes whole minor units, and 99.555 is not a whole number of them: SEK has 2 decimals, so {\"amount\": 9950, \"currency\": \"SEK\"} is 99.50 SEK." }),
            (#"{"amount": "99.50", "currency": "SEK"}"#,
             { "'\($0).amount' takes a number of whole minor units, not a string: 99.50 SEK is {\"amount\": 9950, \"currency\": \"SEK\"}." }),
            (#"{"amount": "9950", "currency": "SEK"}"#,
             { "'\($0).amount' takes a number of whole minor units, not a string: {\"amount\": 9950, \"currency\": \"SEK\"} is 99.50 SEK." }),
            (#"{"amount": 99999999999999999999, "currency": "SEK"}"#,
             { "'\($0).amount' is 99999999999999999999 minor units, more than any amount can be. A voucher holds at most 10000000000.00 SEK, {\"amount\": 1000000000000, \"currency\": \"SEK\"}." }),
        ], code: "invalid-amount")
        #expect(await h.get("/v1/vouchers/\(id)").int("balance", "amount") == 50000)
    }

    /// A whole number written with a point or an exponent (500.00, 100.0, 1e3) reads as the
    /// integer to JSONDecoder: 500.00 meant as SEK would have been 5.00 SEK. Refused with both readings.
    @Test func aWholeAmountWrittenAsADecimal_isRefusedWithBothReadings() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue().string("id"))
        await h.expectEveryAmountRoute(voucher: id, toRefuse: [
            (#"{"amount": 500.00, "currency": "SEK"}"#,
             { _ in "An amount was written 500.00, with a decimal point or exponent; amounts are whole minor units written as integers, so which was meant is a guess: 500.00 SEK is {\"amount\": 50000, \"currency\": \"SEK\"}, and 5.00 SEK is {\"amount\": 500, \"currency\": \"SEK\"}." }),
            (#"{"currency": "JPY", "amount": 1e3}"#,
             { _ in "An amount was written 1e3, with a decimal point or exponent; amounts are whole minor units written as integers: 1000 JPY is {\"amount\": 1000, \"currency\": \"JPY\"}." }),
        ], code: "invalid-amount")
        let tillBody = #"{"amount": {"amount": 100.0, "currency": "SEK"}, "reference": "booking 4711"}"#
        let till = await h.post("/v1/vouchers/\(id)/redemptions", tillBody)
        #expect(till.status == 422 && till.code == "invalid-amount", "\(till.text)")
        #expect(await h.get("/v1/vouchers/\(id)").int("balance", "amount") == 50000)
    }

    /// The ledger's own words are written for the CLI, where 99.50 is typed; over the API the
    /// example is in minor units. Both the fast and the general redemption reader get them.
    @Test func anAmountOfZero_isRefusedWithAnExampleInMinorUnits() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue().string("id"))
        for body in [#"{"amount":{"amount":0,"currency":"SEK"}}"#, #"{"amount": {"amount": -100, "currency": "SEK"}, "reference": "till 4"}"#] {
            let answer = await h.post("/v1/vouchers/\(id)/redemptions", body)
            #expect(answer.status == 422 && answer.code == "invalid-amount")
            #expect(answer.json["detail"] as? String
                    == "The amount must be more than zero, in whole minor units: for example 10000 for 100.00 SEK, or 9950 for 99.50 SEK.")
        }
        let value = await h.post("/v1/vouchers", #"{"value": {"amount": 0, "currency": "JPY"}}"#)
        #expect(value.status == 422 && value.code == "invalid-amount")
        #expect(value.json["detail"] as? String == "A voucher's value must be more than zero, in whole minor units: for example 500 for 500 JPY.")
    }
}
