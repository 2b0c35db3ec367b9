import Foundation

/// A complete request as received: head, whole body, and where it came from.
public struct HTTPRequest: Sendable {
    /// Unique per server process; useful to correlate logs with a response.
    public typealias ID = UInt64

    public var method: HTTPMethod
    /// The request-target exactly as sent (RFC 9112 §3.2), e.g. `/v1/items?limit=5`.
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: Data
    /// The peer's IP address as text (`127.0.0.1`, `::1`); empty for requests not from a socket.
    public var remoteAddress: String
    public var id: ID

    /// Whether the connection may carry another request after this one (RFC 9112 §9.3):
    /// never with the `close` option, whatever else the field lists or the version; otherwise
    /// HTTP/1.1 persists and HTTP/1.0 only when it asks for `keep-alive`.
    var keepAlive: Bool

    public init(
        method: HTTPMethod,
        target: String,
        version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = HTTPHeaders(),
        body: Data = Data(),
        remoteAddress: String = "",
        id: ID = 0
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.id = id
        self.keepAlive = !headers.containsToken("close", in: "Connection")
            && (version == .http1_1 || headers.containsToken("keep-alive", in: "Connection"))
    }
}

extension HTTPRequest {
    /// One decoded `name=value` pair of the query string.
    public struct QueryItem: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// The path part of the target, still percent-encoded (`/a%20b/c`). For the
    /// absolute form (`http://host/p`) the scheme and authority are dropped.
    public var path: String {
        var rest = Substring(target)
        if !rest.hasPrefix("/"), let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
            rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        if let q = rest.firstIndex(of: "?") { rest = rest[..<q] }
        return String(rest)
    }

    /// Path segments, each percent-decoded on its own so an encoded `/` (`%2F`) stays
    /// inside its segment. A segment with a broken escape is kept as sent.
    public var pathSegments: [String] {
        // The origin form (`/v1/…`, nearly every request) is cut on bytes: '/' and '?' never occur
        // inside a multi-byte UTF-8 sequence, so this splits exactly where the Character split did.
        guard target.utf8.first == UInt8(ascii: "/") else { return Self.segments(of: path) }
        var text = target
        return text.withUTF8 { b in
            var out: [String] = []
            var end = b.count
            if let q = b.firstIndex(of: UInt8(ascii: "?")) { end = q }
            var start = 0
            for i in 0...end where i == end || b[i] == UInt8(ascii: "/") {
                if i > start { out.append(Self.decodeSegment(UnsafeBufferPointer(rebasing: b[start..<i]))) }
                start = i + 1
            }
            return out
        }
    }

    private static func segments(of path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map { segment in
            // Foundation's decoding is costly on a hot path; most segments have nothing to decode.
            segment.utf8.contains(UInt8(ascii: "%")) ? (segment.removingPercentEncoding ?? String(segment)) : String(segment)
        }
    }

    private static func decodeSegment(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let segment = String(decoding: bytes, as: UTF8.self)
        return bytes.contains(UInt8(ascii: "%")) ? (segment.removingPercentEncoding ?? segment) : segment
    }

    /// The raw query string after `?`, or nil when there is none.
    public var query: String? {
        guard let q = target.firstIndex(of: "?") else { return nil }
        return String(target[target.index(after: q)...])
    }

    /// Query pairs in order, `+` read as space and percent-escapes decoded
    /// (application/x-www-form-urlencoded). A name without `=` has an empty value.
    public var queryItems: [QueryItem] {
        guard let query else { return [] }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let spaced = s.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return QueryItem(name: decode(parts[0]), value: parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}
