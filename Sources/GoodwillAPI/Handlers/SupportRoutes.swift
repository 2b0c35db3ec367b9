import Foundation
import GoodwillCore
import HTTPServer
import Ledger
import Support

/// Support and finance over HTTP: thin wrappers over `SupportService`, whose results are the bodies.
enum SupportRoutes {
    static let routes: [Route] = [
        Route(.get, "/v1/holders", .readAll, query: ["q", "limit"], search),
        Route(.post, "/v1/holders/{id}/notes", .writeNotes, note),
        Route(.post, "/v1/holders/{id}/close", .closeHolder, close),
        Route(.post, "/v1/cases", .writeNotes, openCase),
        Route(.post, "/v1/cases/{id}/close", .writeNotes, closeCase),
        Route(.get, "/v1/reports/{name}", .readReports, elsewhere: reportParametersElsewhere, report),
        // A literal segment wins over {name}: the expiring report takes days, the roll-forward a
        // period, each a route of its own so that each documents the parameters it takes.
        Route(.get, "/v1/reports/expiring", .readReports, query: expiringQuery, expiring),
        Route(.get, "/v1/reports/rollforward", .readReports, query: rollForwardQuery, rollForward),
    ]

    /// The other reports' parameters, given to one that takes none: where they are taken instead
    /// (before the two had routes of their own, `days` was said to be the expiring report's).
    static let expiringQuery = ["days"]
    static let rollForwardQuery = ["from", "to", "time_zone"]

    static let reportParametersElsewhere: [String: String] = {
        var elsewhere: [String: String] = [:]
        for name in expiringQuery { elsewhere[name] = "only the expiring report takes \(name): GET /v1/reports/expiring?days=N" }
        for name in rollForwardQuery {
            elsewhere[name] = "only the roll-forward takes \(name): GET /v1/reports/rollforward?from=DAY&to=DAY[&time_zone=ZONE]"
        }
        return elsewhere
    }()

    struct NoteBody: Decodable { var text: String }
    struct CaseBody: Decodable {
        var holder: String
        var subject: String
    }
    struct ResolutionBody: Decodable { var resolution: String }
    struct CloseBody: Decodable {
        var erase: Bool?
        var payoutReference: String?
        var refundAll: Bool?
        enum CodingKeys: String, CodingKey { case erase, payoutReference = "payout_reference", refundAll = "refund_all" }
    }

    /// GET /v1/holders?q=TEXT[&limit=N]: by part of an email or name, or by a voucher code.
    /// A name is matched by reading the holders' names (see `SupportService.searchHolders`): with
    /// 200,000 holders one search took most of a second on an event loop, and a few at once held
    /// `/health` up; so it runs where the reports run, the query checked here first.
    static func search(_ c: inout RequestContext) throws -> Reply {
        let limit = try c.wholeNumber("limit", in: SupportService.holderSearchLimit) ?? 50
        guard let q = c.query["q"] else { throw Problem.invalid("Give q: part of an email or a name, or a voucher code, like ?q=holm.") }
        _ = try SupportService.holderSearchText(q)
        return .slow { ledger in JSON.response(["holders": try SupportService(ledger: ledger).searchHolders(q, limit: limit)]) }
    }

    /// Runs a support write on the writer thread, once per Idempotency-Key.
    static func write(_ c: RequestContext, _ work: @escaping @Sendable (SupportService, String) throws -> HTTPResponse) throws -> Reply {
        try write(c, storing: { s, actor in let r = try work(s, actor); return (r, r) })
    }

    /// `stored`: what a retry gets back, when it must not be the answer itself.
    static func write(_ c: RequestContext,
                      storing work: @escaping @Sendable (SupportService, String) throws -> (answer: HTTPResponse, stored: HTTPResponse)) throws -> Reply {
        let key = c.idempotencyKey
        let actor = c.actor, route = c.route.name + " " + c.parameters.sorted { $0.key < $1.key }.map(\.value).joined(separator: "/")
        let fingerprints = IdempotentWrite.Fingerprints(route: route, body: c.request.body), catalog = c.api.configuration.catalog
        return .write { ledger in
            try IdempotentWrite.run(ledger, actor: actor, key: key, fingerprints, storing: {
                try work(SupportService(ledger: ledger, catalog: catalog), actor)
            })
        }
    }

    static func note(_ c: inout RequestContext) throws -> Reply {
        let body = try JSON.decode(checked: NoteBody.self, from: c.request)
        let holder = c.parameter("id")
        return try write(c) { s, actor in JSON.response(try s.addNote(holder: holder, text: body.text, author: actor), status: .created) }
    }

    static func close(_ c: inout RequestContext) throws -> Reply {
        let body = try JSON.decode(checked: CloseBody.self, from: c.request, emptyIsObject: true)
        let request = CloseRequest(holder: c.parameter("id"), erase: body.erase ?? false, payoutReference: body.payoutReference,
                                   refundAll: body.refundAll ?? false)
        return try write(c, storing: { s, actor in
            let result = try s.close(request, actor: actor)
            // The farewell letter greets the person by name: an erasing close answers with it once,
            // and its retries get the outcome without the letter's words (as `holder_closures` keeps it).
            var kept = result
            if result.erased, var letter = kept.farewell {
                letter.subject = "[erased]"; letter.body = "[erased]"
                kept.farewell = letter
            }
            return (JSON.response(result), JSON.response(kept))
        })
    }

    static func openCase(_ c: inout RequestContext) throws -> Reply {
        let body = try JSON.decode(checked: CaseBody.self, from: c.request)
        return try write(c) { s, actor in JSON.response(try s.openCase(holder: body.holder, subject: body.subject, actor: actor), status: .created) }
    }

    static func closeCase(_ c: inout RequestContext) throws -> Reply {
        let text = c.parameter("id")
        guard let id = Int64(text), id > 0 else { throw Problem(.notFound, code: "case-not-found", detail: "A case number is a whole number, like 12; got '\(text)'.") }
        let body = try JSON.decode(checked: ResolutionBody.self, from: c.request)
        return try write(c) { s, actor in JSON.response(try s.closeCase(id, resolution: body.resolution, actor: actor)) }
    }

    /// GET /v1/reports/{liability|breakage|goodwill|redemption|reconciliation|ageing|curves}
    static func report(_ c: inout RequestContext) throws -> Reply {
        let text = c.parameter("name")
        guard let name = ReportName(rawValue: text) else {
            throw Problem(.notFound, code: "report-not-found",
                          detail: "There is no report '\(text)'. Reports: \(ReportName.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return slowReport(name)
    }

    /// GET /v1/reports/expiring[?days=N]
    static func expiring(_ c: inout RequestContext) throws -> Reply {
        slowReport(.expiring, days: try c.wholeNumber("days", in: SupportService.expiringReportDays, of: "days"))
    }

    /// Reports read every voucher: off the event loop, on a reader of their own. `days` (the
    /// expiring report's window) left out takes the service's default.
    static func slowReport(_ name: ReportName, days: Int? = nil) -> Reply {
        .slow { ledger in
            let service = SupportService(ledger: ledger)
            let report = try days.map { try service.report(name, days: $0) } ?? service.report(name)
            return JSON.response(AnyEncodable(report))
        }
    }

    /// GET /v1/reports/rollforward?from=YYYY-MM-DD&to=YYYY-MM-DD[&time_zone=ZONE]: the period opens at the
    /// start of `from` and closes at the end of `to` in the zone (UTC unless named), or now.
    static func rollForward(_ c: inout RequestContext) throws -> Reply {
        let query = c.query
        func day(_ name: String, _ what: String) throws -> LocalDate {
            guard let text = query[name] else {
                throw Problem.invalid("Give \(name): the period's \(what) as YYYY-MM-DD, like ?from=2026-01-01&to=2026-03-31.")
            }
            guard let d = LocalDate(iso: text) else { throw Problem.invalid("\(name) is a day as YYYY-MM-DD, like 2026-01-31; got '\(text)'.") }
            return d
        }
        let from = try day("from", "first day"), to = try day("to", "last day (included)")
        let zone = query["time_zone"] ?? SupportService.periodDefaultZone
        // It replays every entry: off the event loop, on a reader of its own, like the other reports.
        return .slow { ledger in JSON.response(try SupportService(ledger: ledger).rollForwardReport(from: from, to: to, timeZone: zone)) }
    }

    struct AnyEncodable: Encodable {
        let value: any Encodable
        init(_ value: any Encodable) { self.value = value }
        func encode(to encoder: Encoder) throws { try value.encode(to: encoder) }
    }
}

extension Problem {
    static func from(_ e: SupportError) -> Problem {
        switch e {
        // The service's own texts name the CLI's flags and commands; an HTTP client is told its fields and routes.
        case .holderNotFound(let ref):
            return Problem(.notFound, code: "holder-not-found",
                           detail: "No holder '\(ref)' is on file. Search with GET /v1/holders?q=TEXT (email, name or voucher code).")
        case .badHolderReference: return Problem(.notFound, code: "holder-not-found", detail: e.description)
        case .caseNotFound(let id):
            return Problem(.notFound, code: "case-not-found",
                           detail: "There is no support case \(id). A holder's cases are listed in GET /v1/holders/{id}.")
        case .caseAlreadyClosed: return Problem(.conflict, code: "case-already-closed", detail: e.description)
        case .payoutReferenceRequired(let count):
            return Problem(.unprocessableContent, code: "payout-reference-required",
                           detail: "Closing pays out \(Plural.count(count, "voucher balance")); send the payout's reference (a bank transfer or payment id) as \"payout_reference\" so finance can match it. Nothing was changed.")
        case .payoutReferenceUsed:
            return Problem(.conflict, code: "payout-reference-used", detail: e.payoutReferenceUsedSentence
                + " Send this payout's own reference (its bank transfer or payment id) as \"payout_reference\". Nothing was changed.")
        case .invalid, .importRejected: return Problem(.unprocessableContent, code: "invalid-request", detail: e.description)
        case .tooLargeToAdd(let what, let currency):
            return Problem(.conflict, code: "total-too-large", detail: SupportError.tooLargeToAddSentence(what: what, currency: currency)
                + " Find them with GET /v1/vouchers (each with its balance), and void them (POST /v1/vouchers/{id}/void) or adjust them (POST /v1/vouchers/{id}/adjustments).")
        }
    }
}
