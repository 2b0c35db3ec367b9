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
