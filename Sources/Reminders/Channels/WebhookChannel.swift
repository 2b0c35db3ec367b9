import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// POSTs each message as signed JSON (Standard Webhooks). Any 2xx is delivered; 410 disables the
/// endpoint; 408, 429 and 5xx are temporary (honouring Retry-After); other answers are permanent.
public struct WebhookChannel: DeliveryChannel {
    public let url: URL
    public let secret: WebhookSecret
    public let timeout: TimeInterval
    public var name: String { "webhook" }
    public var endpoint: String? { url.absoluteString }
    /// The request's timeout and the five seconds `deliver` waits beyond it.
    public var maxDeliveryTime: TimeInterval { timeout + 5 }

    public init(url: URL, secret: WebhookSecret, timeout: TimeInterval = 10) {
        self.url = url; self.secret = secret; self.timeout = timeout
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
        let headers = StandardWebhooks.headers(id: message.messageID, timestamp: now.unixMilliseconds / 1000, body: body, secret: secret)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }

        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let result = Mutex<(HTTPURLResponse?, String?)>((nil, nil))
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { _, response, error in
            result.withLock { $0 = (response as? HTTPURLResponse, error.map { $0.localizedDescription }) }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 5) == .timedOut {
            task.cancel()
            return .temporary("no answer from \(url.absoluteString) within \(Int(timeout)) s")
        }
        let (response, error) = result.withLock { $0 }
        guard let response else {
            return .temporary("could not reach \(url.absoluteString): \(error ?? "no response")")
        }
        return Self.outcome(status: response.statusCode, retryAfter: response.value(forHTTPHeaderField: "Retry-After"))
    }

    /// How an HTTP answer is read.
    static func outcome(status: Int, retryAfter: String?) -> DeliveryOutcome {
        switch status {
        case 200..<300: return .delivered
        case 410: return .endpointGone("the endpoint answered 410 Gone")
        case 408, 429, 500..<600:
            return .temporary("the endpoint answered \(status)", retryAfter: retryAfter.flatMap(Self.retryAfterSeconds))
        default: return .permanent("the endpoint answered \(status)")
        }
    }

    /// Retry-After as delay-seconds (RFC 9110 §10.2.3); an HTTP-date is left to the backoff.
    static func retryAfterSeconds(_ text: String) -> TimeInterval? {
        guard let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= 0 else { return nil }
        return TimeInterval(min(n, 86_400))
    }
}
