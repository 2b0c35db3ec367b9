import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import GoodwillCore
import HTTPServer
import Ledger
import Reminders
import Testing
@testable import GoodwillAPI

/// The API behind a real socket on port 0, spoken to with URLSession and with raw bytes.
final class LiveServer: @unchecked Sendable {
    // Immutable after init.
    let harness: APIHarness
    let server: HTTPServer
    let port: UInt16
    var base: String { "http://127.0.0.1:\(port)" }

    init(harness: APIHarness? = nil, maxConnections: Int = 1000) throws {
        self.harness = try harness ?? APIHarness()
        server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0, eventLoopCount: 2, maxBodyBytes: 64 * 1024,
                                                 headerTimeout: .milliseconds(700), maxConnections: maxConnections),
                            responder: self.harness.api)
        try server.start()
        port = server.port!
    }

    func stop() async { await server.shutdown() }

    /// One request with its own ephemeral session, so concurrent calls are concurrent connections.
    func send(_ method: String, _ path: String, key: String? = nil, json: String? = nil, idempotencyKey: String? = nil) async throws -> Answer {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if let json { request.httpBody = Data(json.utf8); request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        if let idempotencyKey { request.setValue(idempotencyKey, forHTTPHeaderField: "Idempotency-Key") }
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var headers = HTTPHeaders()
        for (k, v) in http.allHeaderFields { headers[String(describing: k)] = String(describing: v) }
        return Answer(status: http.statusCode, headers: headers, body: data)
    }

    /// A connected socket with a receive timeout of `wait` seconds, or nil; the caller closes it.
    func connected(wait: Int = 3) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else { close(fd); return nil }
        var timeout = timeval(tv_sec: wait, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Sends raw bytes on a fresh connection and returns everything the server says before it
    /// closes (or `wait` passes).
    func raw(_ bytes: [UInt8], pauseAfter: Int? = nil, pause: useconds_t = 0, wait: Int = 3) -> String {
        guard let fd = connected(wait: wait) else { return "" }
        defer { close(fd) }
        let first = pauseAfter.map { Array(bytes.prefix($0)) } ?? bytes
        _ = first.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if let n = pauseAfter {
            usleep(pause)
            let rest = Array(bytes.dropFirst(n))
            _ = rest.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { break }
            out += chunk[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }
}

@Suite(.serialized) struct LiveServerTests {
    @Test func theSameCallsWork_inProcessAndOverASocket() async throws {
        let live = try LiveServer()
        let h = live.harness
        for transport in ["in-process", "socket"] {
            func call(_ method: String, _ path: String, _ json: String? = nil, key: String? = h.admin, idem: String? = nil) async throws -> Answer {
                if transport == "socket" { return try await live.send(method, path, key: key, json: json, idempotencyKey: idem) }
                return await h.send(HTTPMethod(method), path, key: key, json: json, idempotencyKey: idem)
            }
            #expect(try await call("GET", "/health", key: nil).status == 200)
            let issued = try await call("POST", "/v1/vouchers", #"{"value": {"amount": 50000, "currency": "SEK"}, "validity": {"months": 12}}"#, idem: "issue-\(transport)")
            #expect(issued.status == 201, "\(transport)")
            let id = try #require(issued.string("id")), code = try #require(issued.string("code"))
            #expect(try await call("GET", "/v1/vouchers/\(code)").string("id") == id)
            let body = #"{"amount": {"amount": 2500, "currency": "SEK"}, "reference": "till 4"}"#
            let first = try await call("POST", "/v1/vouchers/\(id)/redemptions", body, idem: "r-\(transport)")
            let again = try await call("POST", "/v1/vouchers/\(id)/redemptions", body, idem: "r-\(transport)")
            #expect(first.status == 200 && again.status == 200 && again.headers["Idempotent-Replayed"] == "true", "\(transport)")
            let conflict = try await call("POST", "/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 1, "currency": "SEK"}}"#, idem: "r-\(transport)")
            #expect(conflict.status == 422 && conflict.code == "idempotency-conflict" && conflict.headers["Content-Type"] == "application/problem+json")
            #expect(try await call("GET", "/v1/vouchers/\(id)").int("balance", "amount") == 47500)
            let noKey = try await call("GET", "/v1/vouchers/\(id)", key: nil)
            #expect(noKey.status == 401 && noKey.code == "unauthorized")
            let balance = try await call("GET", "/v1/public/balance/\(code)", key: nil)
            #expect(balance.status == 200 && balance.int("balance", "amount") == 47500 && balance.json["holder"] == nil && balance.json["id"] == nil)
        }
        await live.stop()
    }

    /// Durable, as served: answers wait for the WAL to be synced.
    @Test func sixtyFourClientsRedeemingTenFromFiveHundred_exactlyFiftyWin() async throws {
        let live = try LiveServer(harness: try APIHarness(durable: true))
        let h = live.harness
        let id = try #require(try await h.issue(amount: 50000).string("id"))
        let answers = try await withThrowingTaskGroup(of: Answer.self) { group in
            for i in 0..<64 {
                group.addTask {
                    try await live.send("POST", "/v1/vouchers/\(id)/redemptions", key: h.keys[.redeemer],
                                        json: #"{"amount": {"amount": 1000, "currency": "SEK"}}"#, idempotencyKey: "client-\(i)")
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.filter { (200..<300).contains($0.status) }.count == 50)
        let refused = answers.filter { !(200..<300).contains($0.status) }
        #expect(refused.count == 14)
        #expect(refused.allSatisfy { $0.status == 409 && $0.code == "insufficient-balance" && $0.headers["Content-Type"] == "application/problem+json" })
        #expect(await h.get("/v1/vouchers/\(id)").int("balance", "amount") == 0)
        let entries = (await h.get("/v1/vouchers/\(id)/entries").json["entries"] as? [[String: Any]]) ?? []
        #expect(entries.filter { $0["kind"] as? String == "redeemed" && $0["actor"] as? String == "redeemer-key" }.count == 50)
        await live.stop()
        #expect(try h.ledger().verify().ok)
        #expect(h.api.commitStatistics.syncs >= 1 && h.api.commitStatistics.commands == 65)
    }

    /// Malformed, oversized, slow and smuggling-shaped requests get their 4xx/5xx and a closed
    /// connection; after each one the server still answers /health.
    @Test func abusiveRequests_areAnsweredAndTheServerStaysUp() async throws {
        let live = try LiveServer()
        let key = live.harness.admin
        let cases: [(name: String, bytes: [UInt8], expect: String, pauseAfter: Int?)] = [
            ("garbage", Array("HELLO\r\n\r\n".utf8), "400", nil),
            ("bad version", Array("GET /health HTTP/2.0\r\nHost: x\r\n\r\n".utf8), "505", nil),
            ("long target", Array("GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: x\r\n\r\n".utf8), "414", nil),
            ("huge header", Array("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 40_000))\r\n\r\n".utf8), "431", nil),
            ("too many headers", Array(("GET /health HTTP/1.1\r\nHost: x\r\n" + (0..<150).map { "X-\($0): 1\r\n" }.joined() + "\r\n").utf8), "431", nil),
            ("body too large", Array("POST /v1/vouchers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(key)\r\nContent-Length: 10000000\r\n\r\n".utf8), "413", nil),
            ("length beyond Int", Array("POST /v1/vouchers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(key)\r\nContent-Length: 99999999999999999999999\r\n\r\n".utf8), "413", nil),
            ("CL and TE", Array("POST /v1/vouchers HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".utf8), "400", nil),
            ("two lengths", Array("POST /v1/vouchers HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde".utf8), "400", nil),
            ("unknown coding", Array("POST /v1/vouchers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n".utf8), "501", nil),
            ("slow headers", Array("GET /health HTTP/1.1\r\nHost: x\r\n".utf8), "408", 10),
            ("malformed JSON", Array("POST /v1/vouchers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(key)\r\nIdempotency-Key: k1\r\nContent-Length: 9\r\n\r\n{\"value\":".utf8), "400", nil),
            ("chunked JSON", Array("POST /v1/vouchers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(key)\r\nIdempotency-Key: k2\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n8\r\n{\"value\"\r\n25\r\n: {\"amount\": 100, \"currency\": \"SEK\"}}\r\n0\r\n\r\n".utf8), "201", nil),
        ]
        let refusedCodes = ["400": "bad-request", "408": "request-timeout", "413": "body-too-large", "414": "uri-too-long",
                            "431": "headers-too-large", "501": "not-implemented", "505": "http-version-not-supported"]
        for c in cases {
            let answer = c.name == "slow headers"
                ? live.raw(c.bytes, pauseAfter: c.pauseAfter, pause: 1_500_000)
                : live.raw(c.bytes)
            #expect(answer.hasPrefix("HTTP/1.1 \(c.expect)"), "\(c.name): \(answer.prefix(80))")
            if c.expect == "400" && c.name == "malformed JSON" { #expect(answer.contains("malformed-json")) }
            // Refused before routing, and still problem+json with a stable code, like every error.
            if let code = refusedCodes[c.expect], c.name != "malformed JSON" {
                #expect(answer.contains("Content-Type: application/problem+json"), "\(c.name): \(answer.prefix(300))")
                #expect(answer.contains(#""code":"\#(code)""#), "\(c.name): \(answer.suffix(300))")
            }
            let health = live.raw(Array("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
            #expect(health.hasPrefix("HTTP/1.1 200"), "after \(c.name): \(health.prefix(60))")
        }
        // Counted in /metrics under the route "refused": the eleven cases refused before routing.
        let metrics = live.raw(Array("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
        let refused = metrics.split(separator: "\n").filter {
            $0.hasPrefix("goodwill_http_requests_total{") && $0.contains(#"route="refused""#)
        }.compactMap { Int($0.split(separator: " ").last ?? "") }.reduce(0, +)
        #expect(refused == 11, "\(metrics.split(separator: "\n").filter { $0.contains("refused") })")
        await live.stop()
    }

    /// A client beyond the connection limit gets a problem with its own code like any other
    /// refusal before routing, with a request id, counted under the route "refused".
    @Test func atTheConnectionLimit_the503IsAProblem_countedUnderRefused() async throws {
        let live = try LiveServer(maxConnections: 1)
        // A keep-alive connection that has been answered holds the only place.
        let held = try #require(live.connected())
        defer { close(held) }
        let request = Array("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { Glibc.send(held, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var chunk = [UInt8](repeating: 0, count: 4096)
        #expect(String(decoding: chunk[0..<max(0, recv(held, &chunk, chunk.count, 0))], as: UTF8.self).hasPrefix("HTTP/1.1 200"))

        let refused = live.raw(Array("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
        #expect(refused.hasPrefix("HTTP/1.1 503"), "\(refused.prefix(300))")
        #expect(refused.contains("Content-Type: application/problem+json"), "\(refused.prefix(300))")
        #expect(refused.contains(#""code":"over-capacity""#), "\(refused.suffix(300))")
        #expect(refused.contains("X-Request-Id: req_"), "\(refused.prefix(300))")
        #expect(refused.contains("Connection: close") && refused.contains("Retry-After: 1"), "\(refused.prefix(300))")
        #expect(live.harness.api.metrics.requestCount(route: "refused", status: 503) == 1)
        await live.stop()
    }

    /// A clean stop closes every connection, the writer's last, so SQLite checkpoints and deletes
    /// the -wal and -shm files, as it does after each CLI command.
    @Test func aCleanStop_leavesNoWALOrSharedMemoryFileBehind() async throws {
        let live = try LiveServer(harness: try APIHarness(durable: true))
        let h = live.harness
        let path = h.folder.database
        let reminders = ReminderLoop(databasePath: path, clock: h.clock, catalog: try MessageCatalog.embedded(),
                                     channel: MaildirChannel(root: h.folder.url.appendingPathComponent("maildir").path), log: false)
        reminders.start()
        let id = try #require(try await live.send("POST", "/v1/vouchers", key: h.admin, json: #"{"value": {"amount": 500, "currency": "SEK"}}"#,
                                                   idempotencyKey: "k1").string("id"))
        #expect(try await live.send("GET", "/v1/vouchers/\(id)", key: h.admin).status == 200)      // a reader
        #expect(try await live.send("GET", "/v1/reports/liability", key: h.admin).status == 200)  // a slow read's reader
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        await live.stop()
        reminders.stop()
        h.api.close()
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
        #expect(try h.ledger().verify().vouchers == 1)
    }
}
