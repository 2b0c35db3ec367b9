import Foundation
import GoodwillCore
import Testing
@testable import GoodwillAPI

/// The amounts a request may carry: each body's own schema, with the bounds the server keeps, so
/// that the amount at each edge is taken and the one beyond it refused as invalid-amount.
extension OpenAPIRulesTests {
    /// The `amount` of a request's money field, through its `$ref`, with the currency beside it.
    func requestAmount(_ doc: [String: Any], _ schema: String, _ field: String) throws -> (amount: [String: Any], currency: [String: Any]) {
        let ref = try #require(try property(doc, schema, field)["$ref"] as? String, "\(schema).\(field)")
        let money = try self.schema(doc, String(ref.split(separator: "/").last!))
        #expect(Set(money["required"] as? [String] ?? []) == ["amount", "currency"] && money["additionalProperties"] as? Bool == false, "\(ref)")
        let properties = try #require(money["properties"] as? [String: [String: Any]], "\(ref)")
        return (try #require(properties["amount"]), try #require(properties["currency"]))
    }

    func bound(_ amount: [String: Any], _ name: String) throws -> Int64 {
        try #require((amount[name] as? NSNumber)?.int64Value, "\(name) of \(amount)")
    }

    /// A voucher's value is 1 to the voucher limit in minor units, whatever the currency's decimals.
    @Test func anIssuesValue_isFromOneToTheVoucherLimit_inEveryCurrency() async throws {
        let h = try APIHarness()
        let doc = try await document(h)
        let (amount, currency) = try requestAmount(doc, "IssueRequest", "value")
        let low = try bound(amount, "minimum"), high = try bound(amount, "maximum")
        #expect(low == 1 && high == Money.voucherLimitMinorUnits)
        #expect(currency["enum"] as? [String] == Currency.allKnown.map(\.code))
        // The response's Money keeps no bounds: a balance is 0 once used.
        #expect(try property(doc, "Money", "amount")["minimum"] == nil)
        for code in Currency.allKnown.map(\.code) {
            for (value, taken) in [(low, true), (high, true), (low - 1, false), (high + 1, false)] {
                let answer = await h.post("/v1/vouchers", #"{"value": {"amount": \#(value), "currency": "\#(code)"}}"#)
                #expect(taken ? answer.status == 201 : answer.status == 422 && answer.code == "invalid-amount", "\(value) \(code): \(answer.text)")
            }
        }
    }

    /// A redemption's amount is more than 0; the largest the body reads is Int64's, and a balance
    /// (a state the schema cannot know) bounds it below that.
    @Test func aRedemptionsAmount_isMoreThanZero() async throws {
        let h = try APIHarness()
        let doc = try await document(h)
        let (amount, _) = try requestAmount(doc, "RedemptionRequest", "amount")
        #expect(try bound(amount, "minimum") == 1 && bound(amount, "maximum") == Int64.max)
        let id = try #require(try await h.issue(amount: 500).string("id"))
        for (value, status, code) in [("1", 200, nil), ("0", 422, "invalid-amount"), ("-1", 422, "invalid-amount"),
                                      ("\(Int64.max)", 409, "insufficient-balance"), ("9223372036854775808", 422, "invalid-amount")] {
            let answer = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": \#(value), "currency": "SEK"}}"#)
            #expect(answer.status == status && answer.code == code, "\(value): \(answer.text)")
        }
    }

    /// An adjustment is signed: not 0, and at most the voucher limit either way.
    @Test func anAdjustmentsAmount_isNotZero_andAtMostTheVoucherLimitEitherWay() async throws {
        let h = try APIHarness()
        let doc = try await document(h)
        let (amount, _) = try requestAmount(doc, "AdjustmentRequest", "amount")
        let low = try bound(amount, "minimum"), high = try bound(amount, "maximum")
        #expect(low == -Money.voucherLimitMinorUnits && high == Money.voucherLimitMinorUnits)
        #expect((amount["not"] as? [String: Any])?["const"] as? Int == 0)
        // From a balance of 0 the whole limit can be added, and then all of it taken away.
        let id = try #require(try await h.issue(amount: 100).string("id"))
        #expect(await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 100, "currency": "SEK"}}"#).status == 200)
        func adjust(_ value: Int64) async -> Answer {
            await h.post("/v1/vouchers/\(id)/adjustments", #"{"amount": {"amount": \#(value), "currency": "SEK"}, "reason": "correction"}"#)
        }
        for value in [high, low] {
            let answer = await adjust(value)
            #expect(answer.status == 200, "\(value): \(answer.text)")
        }
        for value in [high + 1, low - 1, 0] {
            let answer = await adjust(value)
            #expect(answer.status == 422 && answer.code == "invalid-amount", "\(value): \(answer.text)")
        }
    }
}
