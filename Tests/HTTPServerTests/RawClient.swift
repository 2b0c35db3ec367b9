import Foundation
import Glibc
@testable import HTTPServer

/// A blocking TCP client for speaking raw bytes to the server under test. Every read has a
/// receive timeout, so a server bug fails the test instead of hanging it.
final class RawClient {
    let fd: Int32
    private var pending: [UInt8] = []

    /// Nil when the connection is refused. `receiveBufferBytes` shrinks the socket's receive
    /// buffer (before connecting, so the window is small from the start) for tests of a
    /// client that reads slowly or not at all.
    init?(port: UInt16, timeoutSeconds: Int = 5, receiveBufferBytes: Int32? = nil) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBufferBytes {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard ok == 0 else {
            Glibc.close(fd)
            return nil
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { Glibc.close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Sends every byte, blocking as needed; false if the connection failed (or the send
    /// timed out) first.
    func sendAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                offset += n
            } else if !(n < 0 && errno == EINTR) {
                return false
            }
        }
        return true
    }

    /// Sends `chunk` over and over without blocking until `limit` bytes have gone or the
    /// socket has accepted nothing for `stall`; returns the bytes sent.
    func sendUntilStalled(_ chunk: [UInt8], limit: Int, stall: Duration) -> Int {
        var total = 0
        var offset = 0
        let stallMilliseconds = Int32(stall.components.seconds * 1000 + stall.components.attoseconds / 1_000_000_000_000_000)
        while total < limit {
            let n = chunk.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if n > 0 {
                total += n
                offset = (offset + n) % chunk.count
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&p, 1, stallMilliseconds) == 0 { break }
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        return total
    }

    /// Waits up to `timeout` for the server to close or reset the connection, without reading
    /// (so a server waiting for the client to read sees no progress). True if it did.
    func waitForCloseWithoutReading(timeout: Duration) -> Bool {
        // POLLRDHUP (0x2000, Linux): the peer shut down its sending side; a reset raises POLLERR/POLLHUP.
        var p = pollfd(fd: fd, events: 0x2000, revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&p, 1, milliseconds) > 0 else { return false }
        return p.revents & (0x2000 | Int16(POLLERR) | Int16(POLLHUP)) != 0
    }

    /// Reads more bytes; false on EOF, reset or timeout.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = recv(fd, &chunk, chunk.count, 0)
        guard n > 0 else { return false }
        pending.append(contentsOf: chunk[0..<n])
        return true
    }

    struct Response {
        var statusLine: String
        var headers: [String: String]  // lower-cased names
        var body: String
        var status: Int { Int(statusLine.split(separator: " ")[1]) ?? 0 }
    }

    /// Reads one response framed by Content-Length (`bodyless` for HEAD). Nil if the
    /// connection ended first.
    func readResponse(bodyless: Bool = false) -> Response? {
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            if let range = pending.firstRange(of: separator) { headEnd = range.upperBound } else if !fill() { return nil }
        }
        let head = String(decoding: pending[0..<headEnd!], as: UTF8.self)
        pending.removeFirst(headEnd!)
        var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let statusLine = lines.removeFirst()
        var headers: [String: String] = [:]
        for line in lines {
            let parts = line.split(separator: ":", maxSplits: 1)
            headers[parts[0].lowercased()] = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        }
        let length = bodyless ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        while pending.count < length { if !fill() { return nil } }
        let body = String(decoding: pending[0..<length], as: UTF8.self)
        pending.removeFirst(length)
        return Response(statusLine: statusLine, headers: headers, body: body)
    }

    /// True when the server has closed the connection (EOF or reset, not a timeout).
    func isClosedByServer() -> Bool {
        while true {
            if !pending.isEmpty { return false }
            var byte: UInt8 = 0
            let n = recv(fd, &byte, 1, 0)
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
            pending.append(byte)
        }
    }
}

/// Runs `body` against a started server on an ephemeral port, then shuts it down.
func withServer(
    _ configuration: HTTPServer.Configuration = .test(),
    responder: some HTTPResponder = EchoResponder(),
    _ body: (HTTPServer, UInt16) async throws -> Void
) async throws {
    let server = HTTPServer(configuration: configuration, responder: responder)
    try server.start()
    let port = try #require(server.port)
    do {
        try await body(server, port)
    } catch {
        await server.shutdown()
        throw error
    }
    await server.shutdown()
}

import Testing

extension HTTPServer.Configuration {
    static func test(
        headerTimeout: Duration = .seconds(5), idleTimeout: Duration = .seconds(5),
        maxConnections: Int = 100, maxBodyBytes: Int = 1024
    ) -> Self {
        .init(host: "127.0.0.1", port: 0, eventLoopCount: 2, maxBodyBytes: maxBodyBytes,
              headerTimeout: headerTimeout, bodyTimeout: .seconds(5), idleTimeout: idleTimeout,
              maxConnections: maxConnections, shutdownGracePeriod: .seconds(5))
    }
}

/// Answers at once with method, path and body, synchronously on the event loop.
struct EchoResponder: HTTPResponder {
    func respond(to request: HTTPRequest, completion: ResponseCompletion) {
        completion(HTTPResponse(text: "\(request.method) \(request.path) \(String(decoding: request.body, as: UTF8.self))"))
    }
}

/// Asserts the server still serves a fresh connection after some abuse.
func expectStillServes(port: UInt16, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let client = try #require(RawClient(port: port), sourceLocation: sourceLocation)
    client.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    let response = try #require(client.readResponse(), sourceLocation: sourceLocation)
    #expect(response.statusLine == "HTTP/1.1 200 OK", sourceLocation: sourceLocation)
    #expect(response.body == "GET /health ", sourceLocation: sourceLocation)
}
