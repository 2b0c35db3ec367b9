import Foundation
import Testing
@testable import GoodwillAPI

/// A bad amount, and the detail expected with the name of the field that holds it (amount or value).
typealias BadAmount = (money: String, detail: (String) -> String)

extension APIHarness {
    /// Sends each amount to every route that takes one — redemptions (whose common shape `FastBody`
    /// reads, so it must leave these to the general decoder), adjustments and issue — and expects
    /// each refused alike, with `code`.
    func expectEveryAmountRoute(voucher id: String, toRefuse amounts: [BadAmount], code: String,
                                sourceLocation: SourceLocation = #_sourceLocation) async {
        let routes: [(path: String, field: String, body: (String) -> String)] = [
            ("/v1/vouchers/\(id)/redemptions", "amount", { #"{"amount": \#($0)}"# }),
            ("/v1/vouchers/\(id)/adjustments", "amount", { #"{"amount": \#($0), "reason": "goodwill"}"# }),
            ("/v1/vouchers", "value", { #"{"value": \#($0)}"# }),
        ]
        for route in routes {
            for amount in amounts {
                let body = route.body(amount.money)
                if route.field == "amount" { #expect(FastBody.redemption(Data(body.utf8)) == nil, "\(body)", sourceLocation: sourceLocation) }
                let answer = await post(route.path, body)
                #expect(answer.status == 422 && answer.code == code, "\(route.path) \(body): \(answer.text)", sourceLocation: sourceLocation)
                #expect(answer.json["detail"] as? String == amount.detail(route.field), "\(route.path) \(body)", sourceLocation: sourceLocation)
            }
        }
    }
}
