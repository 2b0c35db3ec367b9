import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// POSTs each message as signed JSON (Standard Webhooks). Any 2xx is delivered; 410 disables the
/// endpoint; 408, 429 and 5xx are temporary (honouring Retry-After, in seconds or as a date); other answers are permanent.
///
/// The POST itself is made by the `goodwill-webhook` program, started at the first delivery and
/// handed one request at a time: URLSession's FoundationNetworking loads libcurl and some thirty
/// libraries with it, about 6 MB resident in every `goodwill` process, `serve` included, for a
/// channel most installations never use. Signing and judging the answer stay here.
public struct WebhookChannel: DeliveryChannel {
    public let url: URL
    /// Every message is signed with each, so receivers holding any one verify during a rotation.
    public let secrets: WebhookSecrets
    public let timeout: TimeInterval
    /// It runs from the first delivery until it has been idle a minute, shared by copies of this channel.
    let runner: WebhookHelper.Runner
    public var name: String { "webhook" }
    public var endpoint: String? { url.absoluteString }
    /// The request's timeout, the five seconds the helper waits beyond it, and three for starting
    /// and stopping it.
    public var maxDeliveryTime: TimeInterval { timeout + 8 }

    public init(url: URL, secrets: WebhookSecrets, timeout: TimeInterval = 10, helper: String = WebhookHelper.locate()) {
        self.url = url; self.secrets = secrets; self.timeout = timeout
        self.runner = WebhookHelper.Runner(path: helper)
    }

    public init(url: URL, secret: WebhookSecret, timeout: TimeInterval = 10, helper: String = WebhookHelper.locate()) {
        self.init(url: url, secrets: WebhookSecrets(secret), timeout: timeout, helper: helper)
    }

    public func deliver(_ message: OutgoingMessage, now: Date) -> DeliveryOutcome {
        let body: [UInt8]
        do { body = try message.webhookBody(at: now) } catch { return .permanent("cannot encode the event: \(error)") }
        // The timestamp is when this attempt is made; the id stays the same on every retry.
        var headers = [["Content-Type", "application/json"], ["User-Agent", "goodwill-reminders"]]
        headers += StandardWebhooks.headers(id: message.messageID, timestamp: now.unixMilliseconds / 1000, body: body, secrets: secrets)
            .sorted { $0.key < $1.key }.map { [$0.key, $0.value] }
        let request = WebhookHelper.Request(url: url.absoluteString, timeout: timeout, headers: headers,
                                            body: Data(body).base64EncodedString())
        let answer: WebhookHelper.Answer
        switch runner.exchange(request, waitingAtMost: maxDeliveryTime) {
        case .success(let a): answer = a
        case .failure(let problem): return .temporary(problem.description)
        }
        if answer.timedOut == true {
            return .temporary("no answer from \(url.absoluteString) within \(Int(timeout)) s")
        }
        guard let status = answer.status else {
            return .temporary("could not reach \(url.absoluteString): \(answer.error ?? "no response")")
        }
        if (300..<400).contains(status) {
            let location = answer.location.map { " to \($0)" } ?? ""
            // Temporary: the messages wait (with backoff) while the operator sets the right URL.
            return .temporary("the endpoint answered \(status), a redirect\(location), which is not followed; set the webhook URL to the final address")
        }
        return Self.outcome(status: status, retryAfter: answer.retryAfter, now: now)
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
