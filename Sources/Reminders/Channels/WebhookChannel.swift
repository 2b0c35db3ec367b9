import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// POSTs each message as signed JSON (Standard Webhooks). Any 2xx is delivered; 410 disables the
/// endpoint; 408, 429 and 5xx are temporary (honouring Retry-After, in seconds or as a date); other answers are permanent.
public struct WebhookChannel: DeliveryChannel {
    public let url: URL
    /// Every message is signed with each, so receivers holding any one verify during a rotation.
    public let secrets: WebhookSecrets
    public let timeout: TimeInterval
    public var name: String { "webhook" }
    public var endpoint: String? { url.absoluteString }
    /// The request's timeout and the five seconds `deliver` waits beyond it.
    public var maxDeliveryTime: TimeInterval { timeout + 5 }

    public init(url: URL, secrets: WebhookSecrets, timeout: TimeInterval = 10) {
        self.url = url; self.secrets = secrets; self.timeout = timeout
    }

    public init(url: URL, secret: WebhookSecret, timeout: TimeInterval = 10) {
        self.init(url: url, secrets: WebhookSecrets(secret), timeout: timeout)
    }

    public func deliver(_ message: OutgoingMessage, now: Date) -> DeliveryOutcome {
        let body: [UInt8]
        do { body = try message.webhookBody(at: now) } catch { return .permanent("cannot encode the event: \(error)") }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("goodwill-reminders", forHTTPHeaderField: "User-Agent")
        // The timestamp is when this attempt is made; the id stays the same on every retry.
        let headers = StandardWebhooks.headers(id: message.messageID, timestamp: now.unixMilliseconds / 1000, body: body, secrets: secrets)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }

        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        // The delegate refuses redirects (the URL is the operator's; a Location could send the
        // signed event anywhere, or over plain http) and reads no more of the answer than it needs.
        let watcher = ResponseWatcher()
        let session = URLSession(configuration: configuration, delegate: watcher, delegateQueue: nil)
        // The answer is judged by its status alone; whatever is still arriving is cancelled, off
        // this thread: on Linux the session's queue may be busy handing a flood of body bytes to
        // the delegate, and invalidating waited for it (86 s once, under load).
        defer { DispatchQueue.global().async { session.invalidateAndCancel() } }
        let task = session.dataTask(with: request)
        task.resume()
        guard let (response, error) = watcher.wait(seconds: timeout + 5) else {
            task.cancel()
            return .temporary("no answer from \(url.absoluteString) within \(Int(timeout)) s")
        }
        guard let response else {
            return .temporary("could not reach \(url.absoluteString): \(error ?? "no response")")
        }
        if (300..<400).contains(response.statusCode) {
            let location = response.value(forHTTPHeaderField: "Location").map { " to \($0)" } ?? ""
            // Temporary: the messages wait (with backoff) while the operator sets the right URL.
            return .temporary("the endpoint answered \(response.statusCode), a redirect\(location), which is not followed; set the webhook URL to the final address")
        }
        return Self.outcome(status: response.statusCode, retryAfter: response.value(forHTTPHeaderField: "Retry-After"), now: now)
    }

    /// Collects the answer's status line and headers, refuses redirects, answers `wait` as soon as
    /// the headers are in, and stops reading a body longer than `bodyLimit` (the body is not used;
    /// a huge one must not fill memory).
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
            // The status is in: `deliver` need not wait for the body to end or for a cancel to
            // land (on Linux one is now and then lost, and an endless body then ran to the timeout).
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

    /// How an HTTP answer is read; `now` is when the request went out (for a Retry-After date).
    static func outcome(status: Int, retryAfter: String?, now: Date) -> DeliveryOutcome {
        switch status {
        case 200..<300: return .delivered
        case 410: return .endpointGone("the endpoint answered 410 Gone")
        case 408, 429, 500..<600:
            return .temporary("the endpoint answered \(status)", retryAfter: retryAfter.flatMap { Self.retryAfterSeconds($0, now: now) })
        default: return .permanent("the endpoint answered \(status)")
        }
    }

    /// Retry-After (RFC 9110 §10.2.3) as seconds from `now`, at most a day: delay-seconds, or an
    /// HTTP-date in any of its three forms (§5.6.7: a recipient must accept all three); a date
    /// already past is no wait. nil for anything else, which leaves the wait to the backoff.
    static func retryAfterSeconds(_ text: String, now: Date) -> TimeInterval? {
        let value = text.trimmingCharacters(in: .whitespaces)
        if let n = Int(value) { return n >= 0 ? TimeInterval(min(n, 86_400)) : nil }
        for format in httpDateFormats {
            let parser = DateFormatter()
            parser.locale = Locale(identifier: "en_US_POSIX")
            parser.timeZone = TimeZone(identifier: "GMT")
            parser.dateFormat = format
            if let date = parser.date(from: value) { return min(max(0, date.timeIntervalSince(now)), 86_400) }
        }
        return nil
    }

    /// IMF-fixdate, then the obsolete RFC 850 and asctime forms.
    private static let httpDateFormats = ["EEE, dd MMM yyyy HH:mm:ss 'GMT'", "EEEE, dd-MMM-yy HH:mm:ss 'GMT'", "EEE MMM d HH:mm:ss yyyy"]
}
