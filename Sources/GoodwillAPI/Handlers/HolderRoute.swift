import Foundation
import GoodwillCore
import HTTPServer
import Ledger
import Support

/// GET /v1/holders/{id}: everything known about a holder (profile, vouchers held and bought,
/// open cases) and one timeline, newest first: the support view (`SupportService.holderView`).
enum HolderRoute {
    static let route = Route(.get, "/v1/holders/{id}", .readAll, get)

    static func get(_ c: inout RequestContext) throws -> Reply {
        let text = c.parameter("id")
        guard HolderID.parse(text) != nil else {
            throw Problem(.notFound, code: "holder-not-found", detail: "There is no holder '\(text)'. Holder IDs look like hld_… and appear on vouchers.")
        }
        return .response(JSON.response(try SupportService(ledger: try c.ledger).holderView(text)))
    }
}
