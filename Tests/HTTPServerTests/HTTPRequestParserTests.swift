import Foundation
import Testing
@testable import HTTPServer

/// Feeds `text` (optionally one byte at a time) and collects events until more data is needed.
private func events(_ text: String, limits: HTTPRequestParser.Limits = .init(), byteByByte: Bool = false) -> [String] {
    var parser = HTTPRequestParser(limits: limits)
    var out: [String] = []
    func drain() -> Bool {
        while true {
            switch parser.next() {
            case .needMoreData: return true
            case .continueExpected: out.append("100-continue")
            case .request(let r):
                out.append("\(r.method) \(r.target) \(r.version) body=\(String(decoding: r.body, as: UTF8.self))")
            case .failure(let e):
                out.append("error \(e.status.code)")
                return false
            }
        }
    }
    if byteByByte {
        for byte in text.utf8 {
            parser.append([byte])
            if !drain() { break }
        }
    } else {
        parser.append(text)
        _ = drain()
    }
    return out
}

private func request(_ text: String) -> HTTPRequest? {
    var parser = HTTPRequestParser()
    parser.append(text)
    if case .request(let r) = parser.next() { return r }
    return nil
}

/// Why `text` was refused, or nil if it was not.
private func failure(_ text: String, limits: HTTPRequestParser.Limits = .init()) -> HTTPParseError? {
    var parser = HTTPRequestParser(limits: limits)
    parser.append(text)
    if case .failure(let e) = parser.next() { return e }
    return nil
}

@Suite struct HTTPRequestParserTests {
    @Test func simpleGet_isParsed() throws {
        let r = try #require(request("GET /v1/items?limit=5&q=a+b%21 HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(r.method == .get)
        #expect(r.target == "/v1/items?limit=5&q=a+b%21")
        #expect(r.path == "/v1/items")
        #expect(r.pathSegments == ["v1", "items"])
        #expect(r.queryItems.first { $0.name == "limit" }?.value == "5")
        #expect(r.queryItems.first { $0.name == "q" }?.value == "a b!")
        #expect(r.body.isEmpty)
        #expect(r.keepAlive)
    }

    @Test func headerNames_areCaseInsensitive_andValuesTrimmed() throws {
        let r = try #require(request("GET / HTTP/1.1\r\nHOST: x\r\ncontent-TYPE: \t text/plain \t\r\n\r\n"))
        #expect(r.headers["Content-Type"] == "text/plain")
        #expect(r.headers["host"] == "x")
    }

    @Test func repeatedHeaders_keepEveryValueInOrder() throws {
        let r = try #require(request("GET / HTTP/1.1\r\nHost: x\r\nAccept: a\r\naccept: b\r\n\r\n"))
        #expect(r.headers.values(for: "ACCEPT") == ["a", "b"])
    }

    @Test func percentEncodedSlash_staysInsideItsSegment() throws {
        let r = try #require(request("GET /a%2Fb/c%20d HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(r.pathSegments == ["a/b", "c d"])
    }

    @Test func contentLengthBody_isRead() {
        #expect(events("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
            == ["POST /p HTTP/1.1 body=hello"])
    }

    @Test func chunkedBody_withExtensionsAndTrailers_isReassembled() {
        let text = "POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n6 ; ext\r\n world\r\n0\r\nTrailer-One: 1\r\n\r\n"
        #expect(events(text) == ["POST /p HTTP/1.1 body=hello world"])
    }

    @Test func twoPipelinedRequests_inOneBuffer_areBothParsed() {
        let text = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
        #expect(events(text) == ["GET /a HTTP/1.1 body=", "POST /b HTTP/1.1 body=hi"])
    }

    @Test func feedingOneByteAtATime_givesTheSameRequests() {
        let texts = [
            "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi",
            "POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nabc\r\n0\r\nT: v\r\n\r\n",
            "\r\nGET / HTTP/1.0\r\n\r\n",
        ]
        for text in texts {
            #expect(events(text, byteByByte: true) == events(text))
            #expect(!events(text).isEmpty)
        }
    }

    @Test func expectContinue_isAnnouncedBeforeTheBody() {
        #expect(events("PUT /p HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
            == ["100-continue"])
        // Body already sent: no interim response is needed.
        #expect(events("PUT /p HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok")
            == ["PUT /p HTTP/1.1 body=ok"])
    }

    @Test func http10_closesUnlessKeepAliveIsAsked() throws {
        #expect(try #require(request("GET / HTTP/1.0\r\n\r\n")).keepAlive == false)
        #expect(try #require(request("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")).keepAlive)
        #expect(try #require(request("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).keepAlive == false)
        // close wins over keep-alive for every version (RFC 9112 §9.3), in one field or two.
        #expect(try #require(request("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n")).keepAlive == false)
        #expect(try #require(request("GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n")).keepAlive == false)
        #expect(try #require(request("GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, close\r\n\r\n")).keepAlive == false)
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400),          // obs-fold
        ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),                   // whitespace before colon
        ("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400),                   // bad request line
        ("GET / HTTP/1.1\r\nHost: x\r\nNo colon\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400),                               // HTTP/1.1 without Host
        ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 12a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),  // bad chunk size
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n7D1\r\n", 413),
        // The largest size the hex parser accepts, after a chunk: the total must not overflow.
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n7fffffffffffffff\r\n", 413),
        ("GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        ("GET / HTTP/1.1\r\nHost: x\r\nBig: \(String(repeating: "b", count: 40000))\r\n\r\n", 431),
        ("GET / HTTP/1.1\r\nHost: x\r\n" + String(repeating: "A: 1\r\n", count: 100) + "\r\n", 431),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        ("GET / HTTP/1.2\r\nHost: x\r\n\r\n", 505),
        // Bare LFs: refused at once, not left waiting for a CRLF CRLF until the header timeout.
        ("GET /health HTTP/1.1\nHost: x\n\n", 400),
        ("GET / HTTP/1.1\r\nHost: x\n\r\n", 400),
        ("\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    ])
    func malformedRequests_areRefusedWithTheirStatus(text: String, status: Int) {
        var limits = HTTPRequestParser.Limits()
        limits.maxBodyBytes = 1000
        #expect(events(text, limits: limits).last == "error \(status)")
        #expect(events(text, limits: limits, byteByByte: true).last == "error \(status)")
    }

    @Test(arguments: [
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
        // An empty Transfer-Encoding is still one, not absent: not chunked, and beside Content-Length.
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \r\nContent-Length: 5\r\n\r\nhello",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: , \r\n\r\nhello",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n\r\n",
    ])
    func smugglingShapedFraming_isRefusedWith400(text: String) {
        #expect(events(text) == ["error 400"])
    }

    /// The reason quotes the value as sent, not just its first element, and no more of it than
    /// a reader needs.
    @Test func aBadContentLength_isQuotedWhole() throws {
        func reason(_ value: String) -> String? {
            failure("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \(value)\r\n\r\n")?.reason
        }
        #expect(reason("2,") == "Content-Length '2,' is not a decimal number of bytes.")
        #expect(reason("2, x") == "Content-Length '2, x' is not a decimal number of bytes.")
        #expect(reason("+5") == "Content-Length '+5' is not a decimal number of bytes.")
        let long = try #require(reason("1, " + String(repeating: "x", count: 5000)))
        #expect(long.hasPrefix("Content-Length '1, xxx") && long.contains("…' is not a decimal number"), "\(long)")
        #expect(long.count < 200)
    }

    /// Content-Length is 1*DIGIT (RFC 9110 §8.6) with no upper bound: a length of more digits
    /// than an integer holds is still a length, and over the limit.
    @Test(arguments: ["99999999999999999999999", "1000000000000000000", "1001", "0000000000000000000001001",
                      "99999999999999999999999, 99999999999999999999999"])
    func aLengthOverTheLimit_is413_howeverManyDigits(value: String) {
        var limits = HTTPRequestParser.Limits()
        limits.maxBodyBytes = 1000
        #expect(failure("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \(value)\r\n\r\n", limits: limits)?.status == .contentTooLarge)
    }

    @Test(arguments: ["99999999999999999999999, 99999999999999999999998", "99999999999999999999999, 5", "5,,5", "", "-99999999999999999999999"])
    func hugeButDifferingOrBrokenLengths_stay400(value: String) {
        #expect(failure("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \(value)\r\n\r\n")?.status == .badRequest)
    }

    @Test func leadingZeros_areStillTheLength() {
        #expect(events("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0000000000000000000005\r\n\r\nhello") == ["POST / HTTP/1.1 body=hello"])
        #expect(events("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 05, 5\r\n\r\nhello") == ["POST / HTTP/1.1 body=hello"])
    }

    @Test func identicalRepeatedContentLengths_areAccepted() {
        #expect(events("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2, 2\r\n\r\nok") == ["POST / HTTP/1.1 body=ok"])
    }

    @Test func trailerBeyondTheHeaderLimit_isRefusedWith431() {
        var limits = HTTPRequestParser.Limits()
        limits.maxHeaderBytes = 64
        let text = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: \(String(repeating: "t", count: 100))\r\n\r\n"
        #expect(events(text, limits: limits) == ["error 431"])
        // Trickled in, the limit holds too: the partial line counts before its LF arrives.
        #expect(events(text, limits: limits, byteByByte: true) == ["error 431"])
        // Several lines that fit one by one but not together.
        let lines = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
            + String(repeating: "T: 0123456789abcdef\r\n", count: 4) + "\r\n"
        #expect(events(lines, limits: limits, byteByByte: true) == ["error 431"])
    }

    @Test func trailersAndChunkSizes_trickledByteByByte_parseAsWhenSentWhole() {
        // Long lines a byte at a time: the line search resumes where it stopped, and must still
        // find every line end, including right after a line consumed in the same call.
        let text = "POST /t HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "3;\(String(repeating: "e", count: 2000))\r\nabc\r\n0000000002\r\nde\r\n0\r\n"
            + "First: \(String(repeating: "f", count: 5000))\r\nSecond: 2\r\nThird: \(String(repeating: "t", count: 3000))\r\n\r\n"
            + "GET /after HTTP/1.1\r\nHost: x\r\n\r\n"
        let expected = ["POST /t HTTP/1.1 body=abcde", "GET /after HTTP/1.1 body="]
        #expect(events(text) == expected)
        #expect(events(text, byteByByte: true) == expected)
    }

    @Test func aPartialTrailerLine_isNotSearchedAgainFromItsStart() {
        var parser = HTTPRequestParser()
        parser.append("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: ")
        for n in 1...100 {
            parser.append("v")
            guard case .needMoreData = parser.next() else { Issue.record("no request expected yet"); return }
            // Each byte is searched once: the next search starts after the bytes already seen.
            #expect(parser.lineScanOffset == 3 + n)
        }
        parser.append("\r\n\r\n")
        guard case .request = parser.next() else { Issue.record("the request did not complete"); return }
    }
}
