import Foundation
import Testing
import GoodwillCore
import HTTPServer
import Ledger
import Reminders
import Store
@testable import GoodwillAPI

/// An answer as a test reads it.
struct Answer: @unchecked Sendable {
    // Immutable; `json` holds only Foundation property-list values.
    let status: Int
    let headers: HTTPHeaders
    let body: Data

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var code: String? { json["code"] as? String }
    var text: String { String(decoding: body, as: UTF8.self) }
    func string(_ path: String...) -> String? { value(path) as? String }
    func int(_ path: String...) -> Int? { value(path) as? Int }
    func value(_ path: [String]) -> Any? {
        var current: Any? = json
        for p in path { current = (current as? [String: Any])?[p] }
        return current
    }
}

/// The API in-process on a fresh database: a key per role, a clock the test moves, no log.
final class APIHarness: @unchecked Sendable {
    // Immutable after init, apart from the clock, which is itself thread-safe.
    let folder = TemporaryFolder()
    let clock: ManualClock
    /// The monotonic time the public balance's rate limiter runs on.
    let uptime = ManualUptime()
    let api: GoodwillAPI
    let keys: [Role: String]
    var admin: String { keys[.admin]! }

    init(now: String = "2026-03-02T10:00:00Z", publicBalance: RateLimiter.Configuration = .init(), policies: String? = nil,
         durable: Bool = false, readConnections: Int = 4, slowReadThreads: Int = 2, slowReadQueue: Int = 16) throws {
        clock = ManualClock(instant(now))
        let setup = try Ledger(path: folder.database, clock: clock, options: .init(durable: false))
        var keys: [Role: String] = [:]
        for role in Role.allCases {
            keys[role] = try APIKeyStore(setup.db).create(name: "\(role.rawValue)-key", role: role, now: clock.now()).secret
        }
        self.keys = keys
        var configuration = GoodwillAPI.Configuration(databasePath: folder.database, policiesDirectory: policies, catalog: try MessageCatalog.embedded(),
                                                      durable: durable, readConnections: readConnections, log: false, publicBalance: publicBalance)
        configuration.slowReadThreads = slowReadThreads
        configuration.slowReadQueue = slowReadQueue
        api = try GoodwillAPI(configuration: configuration, clock: clock, uptime: { [uptime] in uptime.now() })
    }

    /// Time passes: the wall clock and the monotonic clock move together.
    func elapse(seconds: TimeInterval) {
        clock.advance(seconds: seconds)
        uptime.advance(seconds: seconds)
    }

    deinit { api.close() }

    /// A second, writable connection for checks and set-ups the API does not offer.
    func ledger() throws -> Ledger { try Ledger(path: folder.database, clock: clock, options: .init(durable: false)) }

    func send(_ method: HTTPMethod, _ target: String, key: String? = nil, json: String? = nil, idempotencyKey: String? = nil,
              headers extra: [String: String] = [:], adding repeated: [(String, String)] = [],
              rawBody: Data? = nil, remoteAddress: String = "192.0.2.7") async -> Answer {
        var headers = HTTPHeaders()
        if let key { headers["Authorization"] = "Bearer \(key)" }
        if let json { headers["Content-Type"] = "application/json"; _ = json }
        if let idempotencyKey { headers["Idempotency-Key"] = idempotencyKey }
        for (k, v) in extra { headers[k] = v }
        for (k, v) in repeated { headers.add(k, v) }
        let request = HTTPRequest(method: method, target: target, headers: headers, body: rawBody ?? Data((json ?? "").utf8),
                                  remoteAddress: remoteAddress, id: UInt64.random(in: 1...UInt64.max >> 1))
        let response: HTTPResponse = await withCheckedContinuation { continuation in
            api.handle(request) { continuation.resume(returning: $0) }
        }
        return Answer(status: response.status.code, headers: response.headers, body: response.body)
    }

    func post(_ target: String, _ json: String = "{}", key: String? = nil, idempotencyKey: String? = UUID().uuidString) async -> Answer {
        await send(.post, target, key: key ?? admin, json: json, idempotencyKey: idempotencyKey)
    }

    func get(_ target: String, key: String? = nil) async -> Answer {
        await send(.get, target, key: key ?? admin)
    }

    /// Issues a voucher through the API and returns its JSON.
    func issue(amount: Int = 50_000, validity: String = #"{"months": 12}"#, holder: String? = #"{"email": "anna@example.com", "name": "Anna Berg", "locale": "sv"}"#) async throws -> Answer {
        var body = #"{"value": {"amount": \#(amount), "currency": "SEK"}, "validity": \#(validity)"#
        if let holder { body += #", "holder": \#(holder)"# }
        body += "}"
        let answer = await post("/v1/vouchers", body)
        guard answer.status == 201 else { throw HarnessError.unexpected(answer.status, answer.text) }
        return answer
    }

    /// What the ledger holds, as the API shows it: every voucher and its entries. A refused
    /// request leaves it as it was.
    func stored() async -> String {
        let list = await get("/v1/vouchers?limit=1000")
        // A failed list would make every before == after comparison pass on two error texts.
        #expect(list.status == 200, "\(list.text)")
        var text = list.text
        for voucher in (list.json["vouchers"] as? [[String: Any]]) ?? [] {
            if let id = voucher["id"] as? String { text += await get("/v1/vouchers/\(id)/entries").text }
        }
        return text
    }
}

enum HarnessError: Error { case unexpected(Int, String) }
