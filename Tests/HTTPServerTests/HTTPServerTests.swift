import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing
@testable import HTTPServer

/// Completes each request after a delay taken from its path (`/delay/150` waits 150 ms),
/// on a Dispatch thread, so completions arrive out of request order.
struct DelayedResponder: HTTPResponder {
    func respond(to request: HTTPRequest, completion: ResponseCompletion) {
        let milliseconds = Int(request.pathSegments.last ?? "0") ?? 0
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) {
            completion(HTTPResponse(text: request.path))
        }
    }
}

/// Holds every completion until the test releases it.
final class HeldResponder: HTTPResponder {
    let held = Mutex<[ResponseCompletion]>([])
    func respond(to request: HTTPRequest, completion: ResponseCompletion) {
        held.withLock { $0.append(completion) }
    }
    var heldCount: Int { held.withLock { $0.count } }
    func releaseAll(_ response: HTTPResponse) {
        for completion in held.withLock({ taken in defer { taken = [] }; return taken }) { completion(response) }
    }
}

/// Echoes as `EchoResponder` does, and refuses in its own words, keeping each refusal it was asked for.
final class RefusalRecordingResponder: HTTPResponder {
    let refused = Mutex<[HTTPParseError]>([])
    func respond(to request: HTTPRequest, completion: ResponseCompletion) {
        EchoResponder().respond(to: request, completion: completion)
    }
    func refusal(for error: HTTPParseError) -> HTTPResponse {
        refused.withLock { $0.append(error) }
        return HTTPResponse(status: error.status, headers: ["X-Refused-By": "responder"], body: Data(error.reason.utf8))
    }
}

/// Holds the completions of `/hold` requests until released; answers the rest as
/// `EchoResponder` does. Counts every request it is given.
final class HoldingEchoResponder: HTTPResponder {
    let held = Mutex<[ResponseCompletion]>([])
    let seen = Atomic<Int>(0)
    func respond(to request: HTTPRequest, completion: ResponseCompletion) {
        seen.add(1, ordering: .relaxed)
        if request.path == "/hold" {
            held.withLock { $0.append(completion) }
        } else {
            EchoResponder().respond(to: request, completion: completion)
        }
    }
    func releaseAll(_ response: HTTPResponse) {
        for completion in held.withLock({ taken in defer { taken = [] }; return taken }) { completion(response) }
    }
}

/// Waits (bounded) for a condition another thread makes true.
func eventually(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<400 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}

@Suite(.serialized) struct HTTPServerTests {
    /// URLSession (swift-corelibs-foundation) as the client. Three times on 7 Dec, each time while
    /// other worktrees compiled on both cores, one of its requests here got no answer for 60 s
    /// (-1001) although the server answered everything else; corelibs knows such hangs (SR-4567,
    /// SR-4647). So each request goes through its own ephemeral session with a 15 s timeout, and
    /// a timed-out one is asked again once, after a raw socket has shown the server answering that
    /// very request. A server that does not answer still fails the test.
    ///
    /// The server answers on its event loop (`GreetingResponder`). It used to answer from an async
    /// handler, a Task on Swift's cooperative pool: two threads on these machines, which other tests
    /// running beside this one can hold with blocking waits for seconds. In a clean-clone CI run
    /// (7 Dec, 12:58 UTC, nothing else running) a URLSession request timed out and the raw client's
    /// retry got no answer within 5 s either. The async handler has its own test below.
    @Test func urlSession_getAndPost_roundTrip() async throws {
        let server = HTTPServer(configuration: .test(), responder: GreetingResponder())
        try server.start()
        let port = try #require(server.port)
        func fetch(_ request: URLRequest) async throws -> (Data, URLResponse) {
            func once() async throws -> (Data, URLResponse) {
                let configuration = URLSessionConfiguration.ephemeral
                configuration.timeoutIntervalForRequest = 15
                let session = URLSession(configuration: configuration)
                defer { session.finishTasksAndInvalidate() }
                return try await session.data(for: request)
            }
            do { return try await once() } catch let error as URLError where error.code == .timedOut {
                let raw = try #require(RawClient(port: port))
                let body = request.httpBody.map { String(decoding: $0, as: UTF8.self) } ?? ""
                raw.send("\(request.httpMethod ?? "GET") \(request.url?.path ?? "/") HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                #expect(raw.readResponse() != nil, "the server did not answer the request URLSession timed out on")
                return try await once()
            }
        }
        let (data, response) = try await fetch(URLRequest(url: URL(string: "http://127.0.0.1:\(port)/greeting")!))
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200)
        #expect(String(decoding: data, as: UTF8.self) == "hello")
        #expect(http.value(forHTTPHeaderField: "X-Request-Path") == "/greeting")
        #expect(http.value(forHTTPHeaderField: "Date") != nil)

        var post = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/items")!)
        post.httpMethod = "POST"
        post.httpBody = Data(#"{"amount":500}"#.utf8)
        let (echoed, postResponse) = try await fetch(post)
        #expect((postResponse as? HTTPURLResponse)?.statusCode == 201)
        #expect(String(decoding: echoed, as: UTF8.self) == #"{"amount":500}"#)
        await server.shutdown()
    }

    /// `HTTPServer(configuration:handler:)`: an async handler's answer reaches the client. The
    /// client waits up to 30 s, as the handler runs on the cooperative pool other tests share.
    @Test func anAsyncHandler_answers() async throws {
        let server = HTTPServer(configuration: .test()) { request in
            HTTPResponse(status: .ok, body: Data("async \(request.path)".utf8))
        }
        try server.start()
        let port = try #require(server.port)
        let client = try #require(RawClient(port: port, timeoutSeconds: 30))
        client.send("GET /greeting HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try #require(client.readResponse())
        #expect(response.statusLine == "HTTP/1.1 200 OK" && response.body == "async /greeting")
        await server.shutdown()
    }

    @Test func keepAlive_servesTwoRequestsOnOneConnection() async throws {
        try await withServer { _, port in
            let client = try #require(RawClient(port: port))
            client.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(client.readResponse()?.body == "GET /one ")
            client.send("POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
            let second = try #require(client.readResponse())
            #expect(second.body == "POST /two abc")
            #expect(second.headers["connection"] == nil)
        }
    }

    @Test func pipelinedRequests_areAnsweredInOrder_evenWhenCompletedOutOfOrder() async throws {
        try await withServer(responder: DelayedResponder()) { _, port in
            let client = try #require(RawClient(port: port))
            client.send("GET /delay/150 HTTP/1.1\r\nHost: x\r\n\r\nGET /delay/0 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /delay/60 HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(client.readResponse()?.body == "/delay/150")
            #expect(client.readResponse()?.body == "/delay/0")
            #expect(client.readResponse()?.body == "/delay/60")
        }
    }

    @Test func chunkedRequestBody_reachesTheHandler() async throws {
        try await withServer { _, port in
            let client = try #require(RawClient(port: port))
            client.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n")
            #expect(client.readResponse()?.body == "POST /c abc")
        }
    }

    @Test func expectContinue_getsInterimResponse_beforeTheBodyIsSent() async throws {
        try await withServer { _, port in
            let client = try #require(RawClient(port: port))
            client.send("PUT /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
            #expect(client.readResponse(bodyless: true)?.statusLine == "HTTP/1.1 100 Continue")
            client.send("data")
            #expect(client.readResponse()?.body == "PUT /e data")
        }
    }

    @Test func expectContinue_isNotSentAfterTheFinalResponse_whenTheBodyCameAnyway() async throws {
        let responder = HoldingEchoResponder()
        try await withServer(responder: responder) { _, port in
            let client = try #require(RawClient(port: port))
            // The PUT asks for 100 Continue while the GET before it is still unanswered, so the
            // interim response is owed until the GET's response has gone out.
            client.send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n"
                + "PUT /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
            #expect(await eventually { responder.seen.load(ordering: .relaxed) == 1 })
            // The client does not wait for it (RFC 9110 §10.1.1 allows that) and sends the body.
            client.send("data")
            #expect(await eventually { responder.seen.load(ordering: .relaxed) == 2 })
            responder.releaseAll(HTTPResponse(text: "held"))
            #expect(client.readResponse()?.body == "held")
            #expect(client.readResponse()?.body == "PUT /e data")
            // The next thing on the wire must be the answer to the next request, not a late 100.
            client.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
            let next = try #require(client.readResponse())
            #expect(next.statusLine == "HTTP/1.1 200 OK")
            #expect(next.body == "GET /next ")
        }
    }

    @Test func expectContinue_withTooLargeBody_gets413WithoutSendingIt() async throws {
        try await withServer { _, port in
            let client = try #require(RawClient(port: port))
            client.send("PUT /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 999999\r\n\r\n")
            #expect(client.readResponse()?.statusLine == "HTTP/1.1 413 Content Too Large")
            #expect(client.isClosedByServer())
        }
    }

    @Test func http10_isClosedAfterTheResponse_unlessKeepAliveIsAsked() async throws {
        try await withServer { _, port in
            let plain = try #require(RawClient(port: port))
            plain.send("GET /old HTTP/1.0\r\n\r\n")
            let response = try #require(plain.readResponse())
            #expect(response.body == "GET /old ")
            #expect(response.headers["connection"] == "close")
            #expect(plain.isClosedByServer())

            let kept = try #require(RawClient(port: port))
            kept.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(kept.readResponse()?.headers["connection"] == "keep-alive")
            kept.send("GET /b HTTP/1.0\r\n\r\n")
            #expect(kept.readResponse()?.body == "GET /b ")
            #expect(kept.isClosedByServer())

            // close wins even when keep-alive is listed too (RFC 9112 §9.3).
            let both = try #require(RawClient(port: port))
            both.send("GET /c HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n")
            let closing = try #require(both.readResponse())
            #expect(closing.body == "GET /c ")
            #expect(closing.headers["connection"] == "close")
            #expect(both.isClosedByServer())
        }
    }

    @Test func connectionClose_isHonoured() async throws {
        try await withServer { _, port in
            let client = try #require(RawClient(port: port))
            client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(client.readResponse()?.headers["connection"] == "close")
            #expect(client.isClosedByServer())
        }
    }

    @Test func head_getsContentLengthButNoBody() async throws {
        try await withServer { _, port in
            let client = try #require(RawClient(port: port))
            client.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /h HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = try #require(client.readResponse(bodyless: true))
            #expect(head.statusLine == "HTTP/1.1 200 OK")
            #expect(head.headers["content-length"] == "\("HEAD /h ".utf8.count)")
            // The next bytes on the wire must be the GET's status line, so no body was sent for
            // HEAD (a body would come first and be read as the start of this response).
            let get = try #require(client.readResponse())
            #expect(get.statusLine == "HTTP/1.1 200 OK")
            #expect(get.body == "GET /h ")
        }
    }

    @Test func connectionsBeyondTheLimit_get503AndAreClosed() async throws {
        try await withServer(.test(maxConnections: 1)) { _, port in
            let first = try #require(RawClient(port: port))
            first.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(first.readResponse()?.status == 200)
            let second = try #require(RawClient(port: port))
            #expect(second.readResponse()?.statusLine == "HTTP/1.1 503 Service Unavailable")
            #expect(second.isClosedByServer())
            // The first connection is unaffected.
            first.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(first.readResponse()?.body == "GET /again ")
        }
    }

    /// The 503 is the responder's refusal, as every other refusal before a request reaches it is:
    /// an API answers it in its own error format and logs and counts it.
    @Test func connectionsBeyondTheLimit_areRefusedThroughTheResponder() async throws {
        let responder = RefusalRecordingResponder()
        try await withServer(.test(maxConnections: 1), responder: responder) { _, port in
            let first = try #require(RawClient(port: port))
            first.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(first.readResponse()?.status == 200)
            let second = try #require(RawClient(port: port))
            let refused = try #require(second.readResponse())
            #expect(refused.statusLine == "HTTP/1.1 503 Service Unavailable")
            #expect(refused.headers["x-refused-by"] == "responder")
            #expect(refused.headers["connection"] == "close")
            #expect(second.isClosedByServer())
            let asked = responder.refused.withLock { $0 }
            #expect(asked.map(\.status) == [.serviceUnavailable])
            #expect(asked.first?.reason.contains("connection limit") == true)
        }
    }

    @Test func aRefusedClientThatSendsItsRequestAtOnce_stillGetsThe503() async throws {
        try await withServer(.test(maxConnections: 1)) { _, port in
            let first = try #require(RawClient(port: port))
            first.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(first.readResponse()?.status == 200)
            // Sent without waiting for an answer, and more than the kernel takes unread: a server
            // that closes with it unread resets the connection and this write fails.
            let second = try #require(RawClient(port: port))
            let body = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
            let request = Array("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
            let sentWhole = second.sendAll(request)
            #expect(sentWhole, "the server reset the connection while the request was sent")
            shutdown(second.fd, Int32(SHUT_WR))
            #expect(second.readResponse()?.statusLine == "HTTP/1.1 503 Service Unavailable")
            #expect(second.isClosedByServer())
            first.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(first.readResponse()?.body == "GET /again ")
        }
    }

    @Test func droppedCompletion_answers500_andLateOrRepeatedCallsAreHarmless() async throws {
        let held = HeldResponder()
        try await withServer(responder: held) { _, port in
            let client = try #require(RawClient(port: port))
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await eventually { held.heldCount == 1 })
            let completion = try #require(held.held.withLock { $0.first })
            held.held.withLock { $0.removeAll() }
            completion(HTTPResponse(text: "first"))
            completion(HTTPResponse(text: "second"))
            #expect(client.readResponse()?.body == "first")

            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await eventually { held.heldCount == 1 })
            held.held.withLock { $0.removeAll() }  // released without a call
            #expect(client.readResponse()?.status == 500)
        }
    }

    /// A handler may answer after the server has stopped (its grace period ran out first). The
    /// loop wakes itself by writing its eventfd after letting go of its mailbox's lock, so that
    /// descriptor must stay open for as long as anyone holds the loop; closed when `run()` ended,
    /// as it was, the number could be reused and the late answer would write 8 bytes into
    /// whatever file got it.
    @Test func anAnswerAfterTheServerStopped_isDropped_andTheLoopsEventFDIsStillItsOwn() async throws {
        let held = HeldResponder()
        var configuration = HTTPServer.Configuration.test()
        configuration.shutdownGracePeriod = .milliseconds(100)
        let server = HTTPServer(configuration: configuration, responder: held)
        try server.start()
        let port = try #require(server.port)
        let client = try #require(RawClient(port: port))
        client.send("GET /late HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await eventually { held.heldCount == 1 })
        await server.shutdown()
        #expect(client.isClosedByServer())
        let completion = try #require(held.held.withLock { $0.first })
        let wakeFD = completion.loop.wakeFD
        #expect(completion.loop.mailbox.withLock { $0.closed })
        var target = [CChar](repeating: 0, count: 64)
        let length = readlink("/proc/self/fd/\(wakeFD)", &target, target.count - 1)
        #expect(length > 0 && String(decoding: target[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) == "anon_inode:[eventfd]")
        held.releaseAll(HTTPResponse(text: "too late"))
        #expect(completion.loop.mailbox.withLock { $0.responses.isEmpty })
    }

    @Test func gracefulShutdown_finishesInFlightRequest_thenRefusesConnects() async throws {
        let held = HeldResponder()
        let server = HTTPServer(configuration: .test(), responder: held)
        try server.start()
        let port = try #require(server.port)
        let idle = try #require(RawClient(port: port))
        let busy = try #require(RawClient(port: port))
        busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await eventually { held.heldCount == 1 })

        let stopping = Task { await server.shutdown() }
        #expect(await eventually { RawClient(port: port) == nil })
        #expect(idle.isClosedByServer())
        held.releaseAll(HTTPResponse(text: "done"))
        let response = try #require(busy.readResponse())
        #expect(response.body == "done")
        #expect(response.headers["connection"] == "close")
        await stopping.value
        #expect(RawClient(port: port) == nil)
    }
}

/// Configuration values set after `init` that used to trap or stop the server from answering.
@Suite struct ConfigurationClampTests {
    @Test func countsSetAfterInit_areHeldToTheirMinimum() {
        var configuration = HTTPServer.Configuration()
        configuration.eventLoopCount = 0
        configuration.maxPipelinedRequests = 0
        configuration.maxBufferedResponseBytes = -5
        #expect(configuration.eventLoopCount == 1)
        #expect(configuration.maxPipelinedRequests == 1)
        #expect(configuration.maxBufferedResponseBytes == 1)
        configuration.maxHeaderCount = -1
        configuration.maxBodyBytes = Int.max
        #expect(configuration.parserLimits.maxHeaderCount == 0)
        #expect(configuration.parserLimits.maxBodyBytes == 1 << 40)
    }

    @Test func durations_convertWithoutTrapping() {
        #expect(Duration.milliseconds(1500).nanoseconds == 1_500_000_000)
        #expect(Duration.seconds(-5).nanoseconds == 0)
        #expect(Duration.milliseconds(-1).nanoseconds == 0)
        #expect(Duration.seconds(Int64.max).nanoseconds == Duration.longestNanoseconds)
        #expect(Duration.seconds(Int64.max).nanoseconds < UInt64.max - monotonicNanoseconds())
    }

    @Test func aServerConfiguredWithExtremesAfterInit_startsAndAnswers() async throws {
        var configuration = HTTPServer.Configuration.test()
        configuration.eventLoopCount = 0          // was: 1..<0 trapped in start()
        configuration.maxPipelinedRequests = 0    // was: every connection closed unanswered
        configuration.maxBufferedResponseBytes = 0
        configuration.maxRequestLineBytes = Int.max  // was: the parser's limit + 1 trapped
        configuration.maxHeaderBytes = Int.max
        configuration.headerTimeout = .seconds(Int64.max)  // was: the nanosecond conversion trapped
        configuration.bodyTimeout = .seconds(Int64.max)
        configuration.idleTimeout = .seconds(Int64.max)
        configuration.shutdownGracePeriod = .seconds(Int64.max)
        try await withServer(configuration) { _, port in
            let client = try #require(RawClient(port: port))
            client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(client.readResponse()?.body == "GET /a ")
            #expect(client.readResponse()?.body == "GET /b ")
        }
    }
}

/// Answers at once on the event loop: "hello" to a GET, the body back with 201 to a POST, and the
/// path in `X-Request-Path`.
struct GreetingResponder: HTTPResponder {
    func respond(to request: HTTPRequest, completion: ResponseCompletion) {
        var response = HTTPResponse(status: request.method == .post ? .created : .ok,
                                    body: request.method == .post ? request.body : Data("hello".utf8))
        response.headers["X-Request-Path"] = request.path
        completion(response)
    }
}
