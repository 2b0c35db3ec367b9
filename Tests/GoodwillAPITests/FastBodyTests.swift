import Foundation
import GoodwillCore
import Testing
@testable import GoodwillAPI

/// The byte-level reader of redemption bodies must agree with JSONDecoder wherever it answers.
@Suite struct FastBodyTests {
    func decoded(_ text: String) -> RedemptionBody? { try? JSONDecoder().decode(RedemptionBody.self, from: Data(text.utf8)) }

    @Test func readsTheCommonShapes_likeJSONDecoder() throws {
        for text in [#"{"amount":{"amount":100,"currency":"SEK"}}"#, #" { "amount" : { "amount" : 0 , "currency" : "EUR" } } "#,
                     "{\n\t\"amount\": {\"amount\": 999999999999999999, \"currency\": \"JPY\"}\r\n}"] {
            let fast = try #require(FastBody.redemption(Data(text.utf8)), "\(text)")
            let slow = try #require(decoded(text))
            #expect(fast.amount == slow.amount)
            #expect(fast.reference == nil && slow.reference == nil)
        }
    }

    @Test func leavesEverythingElseToTheDecoder() {
        for text in [#"{"amount":{"amount":-100,"currency":"SEK"}}"#, #"{"amount":{"amount":0100,"currency":"SEK"}}"#,
                     #"{"amount":{"amount":1.5,"currency":"SEK"}}"#, #"{"amount":{"amount":1e3,"currency":"SEK"}}"#,
                     #"{"amount":{"amount":9999999999999999999,"currency":"SEK"}}"#, #"{"amount":{"amount":100,"currency":"sek"}}"#,
                     #"{"amount":{"amount":100,"currency":"QQQ"}}"#, #"{"amount":{"currency":"SEK","amount":100}}"#,
                     #"{"amount":{"amount":100,"currency":"SEK"},"reference":"till 4"}"#, #"{"amount":{"amount":100,"currency":"SEK"}}x"#,
                     #"{"amount":{"amount":100,"currency":"SEK"}"#, #"{"amount":{"amount":"100","currency":"SEK"}}"#, "", "{}"] {
            #expect(FastBody.redemption(Data(text.utf8)) == nil, "\(text)")
        }
    }
}
