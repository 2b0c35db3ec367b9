/// The lines `goodwill` and its `goodwill-webhook` program exchange, one JSON object per line each
/// way (see Sources/goodwill-webhook). One definition for both sides, so their keys cannot drift
/// apart; Foundation-free on purpose: it must not bring FoundationNetworking into `goodwill`.
public enum WebhookWire {
    /// The longest request line the program reads: the event (a few KB) in base64 and its headers,
    /// with room to spare.
    public static let requestLimit = 1 << 20
    /// The most of an answer line `goodwill` reads; the program caps the headers it passes on to fit.
    public static let answerLimit = 16_384

    /// One POST to make.
    public struct Request: Codable, Equatable, Sendable {
        public var url: String
        /// Seconds for the request and for the whole transfer.
        public var timeout: Double
        /// `[name, value]` pairs.
        public var headers: [[String]]
        /// The body, in base64.
        public var body: String

        public init(url: String, timeout: Double, headers: [[String]], body: String) {
            self.url = url; self.timeout = timeout; self.headers = headers; self.body = body
        }
    }

    /// How the endpoint answered: a status (with `location` and `retry_after` when sent), an
    /// `error` when it could not be reached, or `timed_out` when nothing came in time.
    public struct Answer: Codable, Equatable, Sendable {
        public var status: Int?
        public var location: String?
        public var retryAfter: String?
        public var error: String?
        public var timedOut: Bool?
        enum CodingKeys: String, CodingKey { case status, location, retryAfter = "retry_after", error, timedOut = "timed_out" }

        public init(status: Int? = nil, location: String? = nil, retryAfter: String? = nil, error: String? = nil, timedOut: Bool? = nil) {
            self.status = status; self.location = location; self.retryAfter = retryAfter; self.error = error; self.timedOut = timedOut
        }
    }
}
