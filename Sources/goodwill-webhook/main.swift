// goodwill-webhook: makes webhook POSTs for `goodwill` and says how each endpoint answered.
//
// Why a program of its own: URLSession is in FoundationNetworking, which loads libcurl and with it
// about thirty libraries (OpenSSL, GnuTLS, Kerberos, LDAP, …). In `goodwill serve` they took about
// 6 MB of resident memory for a channel most installations never use. `goodwill` starts this
// program when it first delivers to a webhook and hands it one request at a time; it exits at the
// end of its input, or after a minute without a request, so an idle `serve` keeps none running.
//
// The exchange, one line of JSON each way per request (`WebhookHelper` in Reminders is the other side):
//   in:  {"url": "https://…", "timeout": 10, "headers": [["Name", "value"], …], "body": "<base64>"}
//   out: {"status": 204, "location": "…", "retry_after": "…"}   an answer (location, retry_after when sent)
//        {"error": "…"}                                          no answer: could not reach the endpoint
//        {"timed_out": true}                                     no answer within the timeout (+5 s)
// A line it cannot read ends it with exit 2 and the reason on stderr. Exit 0: input ended, or idle.
// Signing, retries and judging the answer stay in `goodwill`; the secrets never reach this program.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import WebhookWire

typealias Request = WebhookWire.Request
typealias Answer = WebhookWire.Answer

let lineLimit = WebhookWire.requestLimit
/// How long the program waits for another request before it exits.
let idleSeconds: Int32 = 60

func fail(_ reason: String) -> Never {
    FileHandle.standardError.write(Data("goodwill-webhook: \(reason)\n".utf8))
    _exit(2)
}

/// Reads stdin a line at a time, keeping what came after the line for the next one.
struct LineReader {
    var pending: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16_384)

    /// The next line without its newline; nil at the end of input or after `idleSeconds` without any.
    mutating func next() -> [UInt8]? {
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                return line
            }
            if pending.count > lineLimit { fail("a request line is longer than \(lineLimit) bytes") }
            var ready = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let polled = poll(&ready, 1, idleSeconds * 1000)
            if polled < 0 && errno == EINTR { continue }
            if polled == 0 { return nil }
            let n = read(0, &chunk, chunk.count)
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if n < 0 { fail("cannot read stdin: \(String(cString: strerror(errno)))") }
            if n == 0 { return nil }
            pending += chunk[0..<n]
        }
    }
}

func send(_ a: Answer) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    var bytes = Array((try? encoder.encode(a)) ?? Data(#"{"error":"cannot encode the answer"}"#.utf8))
    bytes.append(0x0A)
    var written = 0
    while written < bytes.count {
        let n = bytes[written...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { _exit(0) }   // goodwill is gone: nobody to answer
        written += n
    }
}

/// Collects the answer's status line and headers, refuses redirects, answers `wait` as soon as the
/// headers are in, and stops reading a body longer than `bodyLimit` (the body is not used; a huge
/// one must not fill memory).
final class ResponseWatcher: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    static let bodyLimit = 64 * 1024
    private let state = Mutex<(response: HTTPURLResponse?, error: String?, bodyBytes: Int)>((nil, nil, 0))
    private let done = DispatchSemaphore(value: 0)

    /// The response (nil when there was none) and the error, or nil when nothing came in time.
    func wait(seconds: TimeInterval) -> (HTTPURLResponse?, String?)? {
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return state.withLock { ($0.response, $0.error) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        state.withLock { $0.response = response }
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        state.withLock { $0.response = response as? HTTPURLResponse }
        completionHandler(.allow)
        // The status is in: no need to wait for the body to end or for a cancel to land (on Linux
        // one is now and then lost, and an endless body then ran to the timeout).
        done.signal()
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let tooMuch = state.withLock { $0.bodyBytes += data.count; return $0.bodyBytes > Self.bodyLimit }
        if tooMuch { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        state.withLock { s in
            if s.response == nil { s.response = task.response as? HTTPURLResponse }
            // A cancelled read after the answer arrived is our doing, not a failure.
            if s.response == nil { s.error = error?.localizedDescription }
        }
        done.signal()
    }
}

/// One POST, answered by its status line and headers.
func post(_ line: [UInt8]) -> Answer {
    guard let request = try? JSONDecoder().decode(Request.self, from: Data(line)) else {
        fail("stdin is not a request ({\"url\", \"timeout\", \"headers\", \"body\"} on one line); this program is started by goodwill, not by hand")
    }
    guard let url = URL(string: request.url), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
        fail("'\(request.url)' is not an http or https URL")
    }
    guard request.timeout.isFinite, request.timeout > 0, request.timeout <= 600 else { fail("the timeout must be between 0 and 600 seconds") }
    guard let body = Data(base64Encoded: request.body) else { fail("the body is not base64") }
    guard request.headers.allSatisfy({ $0.count == 2 }) else { fail("each header is a [name, value] pair") }

    var urlRequest = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: request.timeout)
    urlRequest.httpMethod = "POST"
    urlRequest.httpBody = body
    for pair in request.headers { urlRequest.setValue(pair[1], forHTTPHeaderField: pair[0]) }

    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = request.timeout
    configuration.timeoutIntervalForResource = request.timeout
    // The delegate refuses redirects (the URL is the operator's; a Location could send the signed
    // event anywhere, or over plain http) and reads no more of the answer than it needs.
    let watcher = ResponseWatcher()
    let session = URLSession(configuration: configuration, delegate: watcher, delegateQueue: nil)
    // The answer is judged by its status alone; whatever is still arriving is cancelled, off this
    // thread: the session's queue may be busy handing a flood of body bytes to the delegate, and
    // invalidating waited for it (86 s once, under load). The resource timeout ends it at the latest.
    defer { DispatchQueue.global().async { session.invalidateAndCancel() } }
    session.dataTask(with: urlRequest).resume()
    guard let (response, error) = watcher.wait(seconds: request.timeout + 5) else { return Answer(timedOut: true) }
    guard let response else { return Answer(error: error ?? "no response") }
    return Answer(status: response.statusCode, location: header("Location", of: response), retryAfter: header("Retry-After", of: response))
}

/// The most of a header's value that is passed on, in Unicode scalars.
let headerLimit = 1_000

/// A header's value as far as `goodwill` needs it (a Location to name in a message, a Retry-After
/// of a few characters): an endpoint may send one of any length, and the whole answer line must
/// stay well within the 16 KiB `goodwill` reads of it (`WebhookWire.answerLimit`), or a 200 is
/// lost with it.
func header(_ name: String, of response: HTTPURLResponse) -> String? {
    guard let value = response.value(forHTTPHeaderField: name) else { return nil }
    // Counted in Unicode scalars, not Characters: one Character may carry any number of
    // combining marks. A scalar is at most 6 bytes in the JSON answer ("\u0001").
    let scalars = value.unicodeScalars
    return scalars.count > headerLimit ? String(String.UnicodeScalarView(scalars.prefix(headerLimit))) + "…" : value
}

var lines = LineReader()
while let line = lines.next() { send(post(line)) }
_exit(0)
