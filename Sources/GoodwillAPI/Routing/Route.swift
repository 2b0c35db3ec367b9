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

    init(_ method: HTTPMethod, _ pattern: String, _ permission: Permission?, usesDatabase: Bool = true, _ handler: @escaping Handler) {
        self.usesDatabase = usesDatabase
        self.method = method
        self.pattern = pattern
        self.permission = permission
        self.handler = handler
        segments = pattern.split(separator: "/").map { s in
            s.hasPrefix("{") && s.hasSuffix("}") ? .parameter(String(s.dropFirst().dropLast())) : .literal(String(s))
        }
    }

    public var name: String { "\(method.rawValue) \(pattern)" }
}

/// What a handler asks for.
enum Reply {
    /// The answer, computed already.
    case response(HTTPResponse)
    /// A ledger command for the writer thread's next group commit; `render` turns the receipt into the answer.
    case command(LedgerCommand, idempotencyKey: String, render: @Sendable (LedgerReceipt) -> HTTPResponse)
    /// Other writing work, run alone on the writer thread (policy activation, reminder retry).
    case write(@Sendable (Ledger) throws -> HTTPResponse)
    /// Reading work too slow for an event loop (reports, simulations), run by `SlowReads` on a thread and reader of its own.
    case slow(@Sendable (Ledger) throws -> HTTPResponse)
}

/// What a handler sees: the request, the route's parameters, who asks, and a read connection.
struct RequestContext {
    let request: HTTPRequest
    let route: Route
    let parameters: [String: String]
    let principal: Principal?
    /// A read-only connection, this thread's until the handler returns. Never kept.
    /// nil for routes that do not touch the database (health).
    let reader: Ledger?
    let api: GoodwillAPI

    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// A path parameter as a voucher reference: `vch_…` is an ID, anything else a code.
    /// (VoucherReference.init trims first, which costs a Foundation call per request; a path
    /// segment has no surrounding spaces to trim.)
    func voucher(_ name: String) -> VoucherReference {
        let text = parameter(name)
        if let id = VoucherID.parse(text) { return .id(id) }
        return .code(text)
    }

    /// The read connection; every route but the database-free ones has one.
    var ledger: Ledger {
        get throws {
            guard let reader else { throw Problem.internalError }
            return reader
        }
    }

    /// The `Idempotency-Key` header, required on every request that changes the ledger: exactly
    /// one, not empty (two would leave which one names the request to a guess).
    func idempotencyKey() throws -> String {
        let keys = request.headers.values(for: "Idempotency-Key")
        guard keys.count <= 1 else { throw Problem.idempotencyKeyRepeated(keys.count) }
        guard let key = keys.first, !key.isEmpty else { throw Problem.idempotencyKeyRequired }
        return key
    }

    var actor: String { principal?.name ?? "public" }
}
