import Foundation
import GoodwillCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 receiver on 127.0.0.1, port 0, on raw sockets: one request per connection,
/// answered from a script, everything it got kept for inspection.
final class TestWebhookReceiver: Sendable {
    /// What follows the answer's headers.
    enum AnswerBody: Sendable {
        case empty
        /// Zeros sent until the sender hangs up, the end marked only by closing (no Content-Length).
        case endless
    }

    struct Request: Sendable {
        let method: String
        let path: String
        let headers: [String: String]
        let body: [UInt8]
    }

    let port: UInt16
    private let listener: Int32
    private let received = Mutex<[Request]>([])
    /// Answers used in order; the last one repeats.
    private let script: Mutex<[(Int, [String: String])]>
    private let answerBody: AnswerBody
    private let bodyProgress = Mutex<(bytes: Int, hungUp: Bool)>((0, false))

    init(answers: [(Int, [String: String])] = [(200, [:])], body: AnswerBody = .empty) throws {
        script = Mutex(answers)
        answerBody = body
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        guard listener >= 0 else { throw POSIXError(.EIO) }
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { close(listener); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let port = UInt16(bigEndian: address.sin_port)
        self.port = port
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)/hooks/goodwill")! }
    var requests: [Request] { received.withLock { $0 } }
    /// Body bytes the sender took (or its kernel buffered), and whether it closed the connection on them.
    var sentBody: (bytes: Int, hungUp: Bool) { bodyProgress.withLock { $0 } }

    func answer(_ answers: [(Int, [String: String])]) { script.withLock { $0 = answers } }

    /// Stops accepting. The descriptor is closed by the accept loop once its `accept` fails, not
    /// here: closed here while the loop was busy with a connection, its number went to the next
    /// receiver's listener and this loop went on accepting (and answering) that one's requests.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                close(listener)
                return
            }
            handle(connection)
            close(connection)
        }
    }

    private func handle(_ fd: Int32) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { return }
            buffer += chunk[0..<n]
            if headerEnd == nil, let r = find([13, 10, 13, 10], in: buffer) {
                headerEnd = r + 4
                let head = String(decoding: buffer[0..<r], as: UTF8.self)
                contentLength = head.split(separator: "\r\n").compactMap { line -> Int? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                    return Int(parts[1].trimmingCharacters(in: .whitespaces))
                }.first ?? 0
            }
            if let end = headerEnd, buffer.count >= end + contentLength { break }
        }
        guard let end = headerEnd else { return }
        let lines = String(decoding: buffer[0..<(end - 4)], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines.first?.split(separator: " ") ?? []
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        received.withLock {
            $0.append(Request(method: requestLine.first.map(String.init) ?? "", path: requestLine.dropFirst().first.map(String.init) ?? "",
                              headers: headers, body: Array(buffer[end..<(end + contentLength)])))
        }
        let (status, extra) = script.withLock { s -> (Int, [String: String]) in
            let next = s.first ?? (200, [:])
            if s.count > 1 { s.removeFirst() }
            return next
        }
        var response = "HTTP/1.1 \(status) Scripted\r\n" + (answerBody == .empty ? "Content-Length: 0\r\n" : "") + "Connection: close\r\n"
        for (k, v) in extra { response += "\(k): \(v)\r\n" }
        response += "\r\n"
        guard send(fd, Array(response.utf8)), answerBody == .endless else { return }
        let zeros = [UInt8](repeating: 0, count: 64 * 1024)
        // Paced at about 30 MB/s, faster than an endpoint across a network sends. Unpaced over
        // loopback it streamed GB/s, Foundation spent both cores reading it, and under load the
        // sender's cancel and even the next delivery's status lagged past any bound (42 s once).
        while send(fd, zeros) {
            bodyProgress.withLock { $0.bytes += zeros.count }
            usleep(2_000)
        }
        bodyProgress.withLock { $0.hungUp = true }
    }

    /// All of `bytes`, or false once the other side has closed (MSG_NOSIGNAL: EPIPE, not SIGPIPE).
    private func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where Array(haystack[i..<(i + needle.count)]) == needle { return i }
        return nil
    }
}

/// Standard Webhooks verification, written from the spec, independently of the sender's code:
/// HMAC-SHA256 over "id.timestamp.body" with the decoded secret, any "v1," signature matching in
/// constant time, and the timestamp within five minutes of the receiver's clock.
func standardWebhooksVerify(headers: [String: String], body: [UInt8], secret: String, now: Date) -> Bool {
    guard let id = headers["webhook-id"], let ts = headers["webhook-timestamp"], let seconds = Int64(ts),
          let signatures = headers["webhook-signature"], secret.hasPrefix("whsec_"),
          let key = Data(base64Encoded: String(secret.dropFirst(6))) else { return false }
    guard abs(now.unixMilliseconds / 1000 - seconds) <= 300 else { return false }
    let expected = HMACSHA256.authenticationCode(for: Array("\(id).\(ts).".utf8) + body, key: Array(key))
    return signatures.split(separator: " ").contains { sig in
        sig.hasPrefix("v1,") && Data(base64Encoded: String(sig.dropFirst(3))).map { constantTimeEquals(Array($0), expected) } == true
    }
}
