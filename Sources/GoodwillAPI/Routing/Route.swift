import Foundation
import HTTPServer
import GoodwillCore
import Ledger

/// One route: method and path pattern (`/v1/vouchers/{id}/redemptions`), the permission it needs
/// (nil: public), and its handler. The pattern with the method is the route's name in logs and metrics.
public struct Route: Sendable {
    public enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    public let method: HTTPMethod
    public let pattern: String
    public let permission: Permission?
    let segments: [Segment]
    let handler: Handler

    /// Runs on an event-loop thread with a read connection checked out; must be quick. Slow or
    /// writing work is returned as a `Reply` for the writer thread or the background queue.
    typealias Handler = @Sendable (inout RequestContext) throws -> Reply

    /// False only for routes that never read the database, so they need no connection.
    let usesDatabase: Bool

    /// The query parameters the route takes, each at most once; any other is refused before the
    /// handler runs (`queryParameters(of:)`), so a misspelt filter never widens an answer.
    /// The OpenAPI document lists the same names (a test checks).
    public let query: [String]

    /// Query parameters this route does not take but another near it does, with where: said when
    /// one is given here (`days` on a report other than the expiring one), instead of only refused.
    let elsewhere: [String: String]

    /// True for a route that changes something: its `Idempotency-Key` is checked before the
    /// handler runs, so before the body is read, and without one the answer is 400
    /// idempotency-key-required whatever the body holds, as the document says. Every POST is one
    /// unless it says it `onlyReads` (a policy validated or simulated), so a new writing route
    /// cannot forget its key. The document gives exactly these the IdempotencyKey parameter (a test checks).
    public let needsIdempotencyKey: Bool

    init(_ method: HTTPMethod, _ pattern: String, _ permission: Permission?, usesDatabase: Bool = true, onlyReads: Bool = false,
         query: [String] = [], elsewhere: [String: String] = [:], _ handler: @escaping Handler) {
        needsIdempotencyKey = method == .post && !onlyReads
        self.usesDatabase = usesDatabase
        self.query = query
        self.elsewhere = elsewhere
        self.method = method
        self.pattern = pattern
        self.permission = permission
        self.handler = handler
        segments = pattern.split(separator: "/").map { s in
            s.hasPrefix("{") && s.hasSuffix("}") ? .parameter(String(s.dropFirst().dropLast())) : .literal(String(s))
        }
    }

    public var name: String { "\(method.rawValue) \(pattern)" }

    /// The request's query by name: 422 for a name the route does not take, or one given twice
    /// (which of two limits is meant would be a guess, and parsers differ on it).
    func queryParameters(of request: HTTPRequest) throws -> [String: String] {
        // Most requests, and every hot one, have no query: no parsing, no allocation.
        guard request.target.utf8.contains(UInt8(ascii: "?")) else { return [:] }
        var values: [String: String] = [:]
        for item in request.queryItems {
            guard query.contains(item.name) else {
                let takes = query.isEmpty ? "no query parameters"
                    : query.dropLast().joined(separator: ", ") + (query.count > 1 ? " and " : "") + query[query.count - 1]
                let advice = elsewhere[item.name] ?? (query.isEmpty ? "leave the query off" : nil)
                throw Problem.invalid("Unknown query parameter '\(item.name)'. \(name) takes \(takes)\(advice.map { "; " + $0 } ?? "").")
            }
            guard values.updateValue(item.value, forKey: item.name) == nil else {
                throw Problem.invalid("Give '\(item.name)' once; this request has it more than once, so which one is meant would be a guess.")
            }
        }
        return values
    }
}

/// What a handler asks for.
enum Reply {
    /// The answer, computed already.
    case response(HTTPResponse)
    /// A ledger command for the writer thread's next group commit; `render` turns the receipt into the answer.
    case command(LedgerCommand, idempotencyKey: String, render: @Sendable (LedgerReceipt) -> HTTPResponse)
    /// Other writing work, run alone on the writer thread (policy activation, reminder retry).
    case write(@Sendable (Ledger) throws -> HTTPResponse)
    /// Reading work too slow for an event loop (reports, simulations, loading a policy), run by `SlowReads` on a thread and reader of its own.
    case slow(@Sendable (Ledger) throws -> HTTPResponse)
    /// Writing work whose check is too slow for an event loop (a policy loaded before it is
    /// activated): `check` runs as a slow read, and only when it passes is `write` queued as `.write` is.
    case checkedWrite(check: @Sendable (Ledger) throws -> Void, write: @Sendable (Ledger) throws -> HTTPResponse)
}

/// What a handler sees: the request, the route's parameters, who asks, and a read connection.
struct RequestContext {
    let request: HTTPRequest
    let route: Route
    let parameters: [String: String]
    /// The query, each name one the route declares and given once (`Route.queryParameters(of:)`).
    let query: [String: String]
    let principal: Principal?
    /// A read-only connection, this thread's until the handler returns. Never kept.
    /// nil for routes that do not touch the database (health).
    let reader: Ledger?
    let api: GoodwillAPI
    /// The route's `Idempotency-Key`, checked before the handler ran; nil on a route that takes none.
    let checkedIdempotencyKey: String?

    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// A path parameter as a voucher reference: `vch_…` is an ID, anything else a code.
    /// (VoucherReference.init trims first, which costs a Foundation call per request; a path
    /// segment has no surrounding spaces to trim.)
    func voucher(_ name: String) -> VoucherReference {
        let text = parameter(name)
        if let id = VoucherID.parse(text) { return .id(id) }
        return .code(text)
    }

    /// A query parameter that takes a whole number in `range`; nil when it is not given. One
    /// sentence for every such parameter, with the value as given: one beyond Int64 is out of
    /// range like any other, not "not a number".
    func wholeNumber(_ name: String, in range: ClosedRange<Int>, of unit: String? = nil) throws -> Int? {
        guard let text = query[name] else { return nil }
        guard let n = Int(text), range.contains(n) else {
            let what = unit.map { " of \($0)" } ?? ""
            throw Problem.invalid("\(name) takes a whole number\(what) from \(range.lowerBound) to \(range.upperBound); got '\(text)'.")
        }
        return n
    }

    /// The read connection; every route but the database-free ones has one.
    var ledger: Ledger {
        get throws {
            guard let reader else { throw Problem.internalError }
            return reader
        }
    }

    /// The `Idempotency-Key` of a route that changes something. The dispatcher checked it before
    /// the handler ran, for every route that `needsIdempotencyKey` (each POST not `onlyReads`),
    /// and refused the request without one, so a writing handler always finds it here.
    var idempotencyKey: String {
        guard let checkedIdempotencyKey else {
            preconditionFailure("\(route.name) reads an Idempotency-Key but is marked onlyReads, so none was checked")
        }
        return checkedIdempotencyKey
    }

    /// The `Idempotency-Key` header, required on every request that changes the ledger: exactly
    /// one, not empty (two would leave which one names the request to a guess).
    static func idempotencyKey(of request: HTTPRequest) throws -> String {
        let header = request.headers.firstValue(of: "Idempotency-Key")
        guard header.count <= 1 else { throw Problem.idempotencyKeyRepeated(header.count) }
        guard let key = header.value, !key.isEmpty else { throw Problem.idempotencyKeyRequired }
        return key
    }

    var actor: String { principal?.name ?? "public" }
}
