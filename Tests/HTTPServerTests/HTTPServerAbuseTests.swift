import Foundation
import Testing
@testable import HTTPServer

/// Requests the server must refuse: exact status line, then the connection closes, and the
/// server keeps serving others.
@Suite(.serialized) struct HTTPServerAbuseTests {
    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", "HTTP/1.1 400 Bad Request"),
        ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", "HTTP/1.1 400 Bad Request"),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4000\r\n\r\n", "HTTP/1.1 413 Content Too Large"),
        ("GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 414 URI Too Long"),
        ("GET / HTTP/1.1\r\nHost: x\r\n" + String(repeating: "A: 1\r\n", count: 101) + "\r\n",
         "HTTP/1.1 431 Request Header Fields Too Large"),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: br\r\n\r\n", "HTTP/1.1 501 Not Implemented"),
        ("GET / HTTP/3.0\r\nHost: x\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported"),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
         "HTTP/1.1 400 Bad Request"),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!", "HTTP/1.1 400 Bad Request"),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \r\nContent-Length: 5\r\n\r\nhello",
         "HTTP/1.1 400 Bad Request"),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", "HTTP/1.1 400 Bad Request"),
    ])
    func refusedRequest_getsItsStatus_thenTheConnectionCloses(text: String, statusLine: String) async throws {
        try await withServer { _, port in
            let client = try #require(RawClient(port: port))
            client.send(text)
            let response = try #require(client.readResponse())
            #expect(response.statusLine == statusLine)
            #expect(response.headers["connection"] == "close")
            #expect(client.isClosedByServer())
            try expectStillServes(port: port)
        }
    }

    @Test func errorAfterAGoodPipelinedRequest_comesAfterItsResponse() async throws {
        try await withServer { _, port in
            let client = try #require(RawClient(port: port))
            client.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/9.9\r\nHost: x\r\n\r\n")
            #expect(client.readResponse()?.statusLine == "HTTP/1.1 200 OK")
            #expect(client.readResponse()?.statusLine == "HTTP/1.1 505 HTTP Version Not Supported")
            #expect(client.isClosedByServer())
        }
    }

    @Test func headerTrickle_beyondTheHeaderTimeout_gets408() async throws {
        try await withServer(.test(headerTimeout: .milliseconds(300))) { _, port in
            let client = try #require(RawClient(port: port))
            client.send("GET / HTTP/1.1\r\n")
            client.send("Host: x\r\n")
            // Never finish the head; the server must give up on its own.
            let response = try #require(client.readResponse())
            #expect(response.statusLine == "HTTP/1.1 408 Request Timeout")
            #expect(client.isClosedByServer())
            try expectStillServes(port: port)
        }
    }

    @Test func randomBytes_get400_andTheServerSurvives() async throws {
        try await withServer { _, port in
            var generator = SplitMix(seed: 42)
            for _ in 0..<5 {
                let client = try #require(RawClient(port: port))
                var bytes = (0..<512).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                bytes[0] = 0x00  // never a valid method character
                client.send(bytes + Array("\r\n\r\n".utf8))
                #expect(client.readResponse()?.statusLine == "HTTP/1.1 400 Bad Request")
                #expect(client.isClosedByServer())
            }
            try expectStillServes(port: port)
        }
    }
}

/// Deterministic pseudo-random numbers so the test is reproducible.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Found by Benchmarks/abuse.sh: more pipelined requests than `maxPipelinedRequests` arriving
/// in one read stalled after the first batch, because the rest were already buffered and the
/// socket never signalled them again.
@Suite struct PipelineLimitTests {
    @Test func morePipelinedRequestsThanTheLimit_inOneWrite_areAllAnswered() async throws {
        var configuration = HTTPServer.Configuration.test()
        configuration.maxPipelinedRequests = 4
        try await withServer(configuration) { _, port in
            let client = try #require(RawClient(port: port))
            client.send(String(repeating: "GET /p HTTP/1.1\r\nHost: x\r\n\r\n", count: 50))
            for n in 0..<50 {
                let response = try #require(client.readResponse(), "response \(n) of 50")
                #expect(response.body == "GET /p ")
            }
        }
    }

    @Test func morePipelinedRequestsThanTheLimit_withDelayedResponses_areAllAnswered() async throws {
        var configuration = HTTPServer.Configuration.test()
        configuration.maxPipelinedRequests = 4
        try await withServer(configuration, responder: DelayedResponder()) { _, port in
            let client = try #require(RawClient(port: port))
            client.send(String(repeating: "GET /delay/5 HTTP/1.1\r\nHost: x\r\n\r\n", count: 20))
            for n in 0..<20 {
                let response = try #require(client.readResponse(), "response \(n) of 20")
                #expect(response.body == "/delay/5")
            }
        }
    }

    @Test func aClientThatHalfCloses_getsEveryPipelinedAnswer() async throws {
        var configuration = HTTPServer.Configuration.test()
        configuration.maxPipelinedRequests = 4
        try await withServer(configuration) { _, port in
            let client = try #require(RawClient(port: port))
            client.send(String(repeating: "GET /h HTTP/1.1\r\nHost: x\r\n\r\n", count: 30))
            shutdown(client.fd, Int32(SHUT_WR))
            for n in 0..<30 {
                let response = try #require(client.readResponse(), "response \(n) of 30")
                #expect(response.body == "GET /h ")
            }
            #expect(client.isClosedByServer())
        }
    }
}

/// Answers `/big` with `size` bytes of body, anything else as `EchoResponder` does.
struct LargeResponder: HTTPResponder {
    let size: Int
    func respond(to request: HTTPRequest, completion: ResponseCompletion) {
        guard request.path == "/big" else { return EchoResponder().respond(to: request, completion: completion) }
        completion(HTTPResponse(status: .ok, body: Data(repeating: UInt8(ascii: "x"), count: size)))
    }
}

/// A client that pipelines without reading must not grow the server's memory, and the write
/// timeout measures a lack of progress, not time since the first full socket buffer.
@Suite(.serialized) struct WriteBackpressureTests {
    @Test func aClientThatPipelinesButNeverReads_staysWithinTheBufferBound_andIsClosed() async throws {
        var configuration = HTTPServer.Configuration.test(idleTimeout: .seconds(1))
        configuration.maxBufferedResponseBytes = 64 * 1024
        configuration.maxPipelinedRequests = 2
        let responseSize = 16 * 1024
        try await withServer(configuration, responder: LargeResponder(size: responseSize)) { server, port in
            let client = try #require(RawClient(port: port, receiveBufferBytes: 4096))
            // 62 KB of requests, which the kernel buffers take whether or not the server reads;
            // answered in full they would be 32 MB, far beyond what the kernel buffers hold.
            let requests = Array(String(repeating: "GET /big HTTP/1.1\r\nHost: x\r\n\r\n", count: 2000).utf8)
            #expect(client.sendUntilStalled(requests, limit: requests.count, stall: .seconds(2)) == requests.count)
            // No bytes leave while the client does not read: the write timeout resets it.
            let start = ContinuousClock.now
            #expect(client.waitForCloseWithoutReading(timeout: .seconds(5)))
            #expect(ContinuousClock.now - start > .milliseconds(500), "closed before the write timeout")
            // The bound, plus what one pass over a full pipeline may add on top of it.
            let peak = server.peakBufferedResponseBytes
            #expect(peak >= 64 * 1024, "the server never filled its buffer: the test tested nothing")
            #expect(peak <= 64 * 1024 + 2 * (responseSize + 200), "server held \(peak) unsent response bytes")
            try expectStillServes(port: port)
        }
    }

    @Test func aSlowReaderThatKeepsTakingBytes_outlivesTheIdleTimeout() async throws {
        // More than the kernel's socket buffers take on loopback (a few MB once autotuned), so
        // the server holds unsent bytes, and waits on the client, for longer than the timeout.
        let size = 12 << 20
        try await withServer(.test(idleTimeout: .seconds(1)), responder: LargeResponder(size: size)) { _, port in
            let client = try #require(RawClient(port: port, receiveBufferBytes: 256 * 1024))
            client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
            let start = ContinuousClock.now
            var received = 0
            var sincePause = 0
            var expected: Int?
            var head: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while expected.map({ received < $0 }) ?? true {
                let n = recv(client.fd, &chunk, chunk.count, 0)
                guard n > 0 else { break }
                received += n
                if expected == nil {
                    head.append(contentsOf: chunk[0..<n])
                    if let end = head.firstRange(of: Array("\r\n\r\n".utf8)) { expected = end.upperBound + size }
                }
                // Pacing, not synchronisation: about 5 MB/s, each pause far shorter than the
                // timeout, so the server's writes keep progressing but take seconds in all. A
                // thread's sleep, not Task.sleep, whose resumption waits for a free thread of the
                // cooperative pool: in a full parallel run the server once hung up after 2.3 MB,
                // as it should on a reader that stopped reading for the 1 s timeout.
                sincePause += n
                if sincePause >= 256 * 1024 {
                    sincePause = 0
                    usleep(50_000)
                }
            }
            #expect(received == (expected ?? -1), "got \(received) bytes")
            #expect(ContinuousClock.now - start > .milliseconds(1500), "the read was not slow enough to test anything")
        }
    }
}
