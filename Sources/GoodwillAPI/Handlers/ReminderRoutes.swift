import Foundation
import GoodwillCore
import HTTPServer
import Ledger
import Reminders

/// Reminders as support sees them: one voucher's, all in a status, and sending a failed one again.
enum ReminderRoutes {
    static let routes: [Route] = [
        Route(.get, "/v1/vouchers/{id}/reminders", .readAll, forVoucher),
        Route(.get, "/v1/reminders", .readAll, query: ["status", "limit"], list),
        Route(.post, "/v1/reminders/{id}/retry", .retryReminder, retry),
    ]

    static func service(_ c: RequestContext) throws -> ReminderService {
        ReminderService(ledger: try c.ledger, catalog: c.api.configuration.catalog)
    }

    static func forVoucher(_ c: inout RequestContext) throws -> Reply {
        .response(JSON.response(["reminders": try service(c).reminders(for: c.voucher("id"))]))
    }

    static func list(_ c: inout RequestContext) throws -> Reply {
        var status: OutboxStatus?
        var limit = 100
        if let value = c.query["status"] {
            guard let s = OutboxStatus(rawValue: value) else {
                throw Problem.invalid("status '\(value)' is unknown; use one of \(OutboxStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            status = s
        }
        if let n = try c.wholeNumber("limit", in: 1...1000) { limit = n }
        return .response(JSON.response(["reminders": try service(c).reminders(status: status, limit: limit)]))
    }

    static func retry(_ c: inout RequestContext) throws -> Reply {
        let text = c.parameter("id")
        guard let id = Int64(text), id > 0 else { throw Problem(.notFound, code: ReminderError.reminderNotFound(0).code, detail: "A reminder ID is a number, like 12; got '\(text)'.") }
        let key = c.idempotencyKey
        let actor = c.actor, catalog = c.api.configuration.catalog
        let fingerprints = IdempotentWrite.Fingerprints(route: c.route.name + " " + String(id), body: c.request.body)
        return .write { ledger in
            try IdempotentWrite.run(ledger, actor: actor, key: key, fingerprints) {
                JSON.response(try ReminderService(ledger: ledger, catalog: catalog).retry(id: id))
            }
        }
    }
}
