import Foundation
import Testing
@testable import GoodwillAPI

/// The contract's Money schema says `^[A-Z]{3}$`; the server holds bodies to it.
@Suite struct CurrencySpellingTests {
    @Test func aCurrencyNotInCapitals_isRefusedOnEveryAmountRoute() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue().string("id"))
        let before = await h.stored()
        await h.expectEveryAmountRoute(voucher: id, toRefuse: [
            (#"{"amount": 100, "currency": "sek"}"#, { "'\($0).currency' is 'sek' — currency codes are three capital letters, like SEK." }),
            (#"{"amount": 100, "currency": " SEK"}"#, { "'\($0).currency' is ' SEK' — currency codes are three capital letters, like SEK." }),
            (#"{"amount": 100, "currency": "Eur"}"#, { "'\($0).currency' is 'Eur' — currency codes are three capital letters, like EUR." }),
            (#"{"amount": 100, "currency": "kronor"}"#, { "'\($0).currency' is 'kronor' — currency codes are three capital letters, like SEK." }),
        ], code: "invalid-request")
        #expect(await h.stored() == before)
        // In capitals it is taken, and answered in the same spelling.
        let redeemed = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 100, "currency": "SEK"}, "reference": "r1"}"#)
        #expect(redeemed.status == 201 || redeemed.status == 200, "\(redeemed.text)")
        #expect(redeemed.string("entry", "amount", "currency") == "SEK")
    }
}
