// goodwill-webhook: makes one webhook POST for `goodwill` and says how the endpoint answered.
//
// Why a program of its own: URLSession is in FoundationNetworking, which loads libcurl and with it
// about thirty libraries (OpenSSL, GnuTLS, Kerberos, LDAP, …). In `goodwill serve` they took about
// 6 MB of resident memory for a channel most installations never use. `goodwill` now starts this
// program for each webhook delivery (as it starts sendmail for mail), and loads none of them.
//
// The exchange, one JSON object each way (`WebhookExchange` in Reminders is the other side):
//   stdin:  {"url": "https://…", "timeout": 10, "headers": [["Name", "value"], …], "body": "<base64>"}
//   stdout: {"status": 204, "location": "…", "retry_after": "…"}   an answer (location, retry_after when sent)
//           {"error": "…"}                                          no answer: could not reach the endpoint
//           {"timed_out": true}                                     no answer within the timeout (+5 s)
// Exit 0 whenever stdout carries one of those; 2 for input it cannot read (with the reason on stderr).
// Signing, retries and judging the answer stay in `goodwill`; the secrets never reach this program.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

struct Request: Decodable {
    let url: String
    let timeout: Double
    let headers: [[String]]
    let body: String
}

struct Answer: Encodable {
    var status: Int?
    var location: String?
    var retryAfter: String?
    var error: String?
    var timedOut: Bool?
    enum CodingKeys: String, CodingKey { case status, location, retryAfter = "retry_after", error, timedOut = "timed_out" }
}

/// The most stdin may hold: the event (a few KB) in base64 and its headers, with room to spare.
let inputLimit = 1 << 20

func fail(_ reason: String) -> Never {
    FileHandle.standardError.write(Data("goodwill-webhook: \(reason)\n".utf8))
    _exit(2)
}

func readInput() -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16_384)
    while true {
        let n = read(0, &chunk, chunk.count)
        if n < 0 && errno == EINTR { continue }
        if n < 0 { fail("cannot read the request from stdin: \(String(cString: strerror(errno)))") }
        if n == 0 { return bytes }
        bytes += chunk[0..<n]
        if bytes.count > inputLimit { fail("the request on stdin is larger than \(inputLimit) bytes") }
    }
}

func answer(_ a: Answer) -> Never {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    var data = (try? encoder.encode(a)) ?? Data(#"{"error":"cannot encode the answer"}"#.utf8)
    data.append(0x0A)
    FileHandle.standardOutput.write(data)
    _exit(0)
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

let input = readInput()
guard let request = try? JSONDecoder().decode(Request.self, from: Data(input)) else {
    fail("stdin is not a request ({\"url\", \"timeout\", \"headers\", \"body\"}); this program is started by goodwill, not by hand")
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
session.dataTask(with: urlRequest).resume()
// The answer is judged by its status alone; whatever is still arriving ends with the process.
guard let (response, error) = watcher.wait(seconds: request.timeout + 5) else { answer(Answer(timedOut: true)) }
guard let response else { answer(Answer(error: error ?? "no response")) }
answer(Answer(status: response.statusCode, location: response.value(forHTTPHeaderField: "Location"),
              retryAfter: response.value(forHTTPHeaderField: "Retry-After")))
