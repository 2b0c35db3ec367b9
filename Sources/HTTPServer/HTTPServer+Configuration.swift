import Foundation

extension HTTPServer {
    /// Every address, limit and timeout of the server, with production defaults.
    public struct Configuration: Sendable {
        /// Numeric IPv4/IPv6 address or `localhost`; `0.0.0.0` listens on all interfaces.
        public var host: String
        /// 0 asks the system for a free port; read the chosen one from `HTTPServer.port`.
        public var port: UInt16
        /// Event-loop threads, each with its own epoll set and SO_REUSEPORT listener. At least 1.
        public var eventLoopCount: Int { didSet { eventLoopCount = max(1, eventLoopCount) } }
        public var listenBacklog: Int32

        /// Longest request line (method, target, version). Longer: 414.
        public var maxRequestLineBytes: Int
        /// Largest header block after the request line, and of a chunked trailer. Larger: 431.
        public var maxHeaderBytes: Int
        /// Most header fields in one request. More: 431.
        public var maxHeaderCount: Int
        /// Largest request body, by Content-Length or chunked total. Larger: 413.
        public var maxBodyBytes: Int

        /// Time from a request's first byte to the end of its header block (slowloris). Then: 408.
        public var headerTimeout: Duration
        /// Time from the end of the head to the end of the body. Then: 408.
        public var bodyTimeout: Duration
        /// How long a kept-alive connection may sit with nothing to do before it is closed
        /// silently; also how long a response write may make no progress (the client takes
        /// no bytes) before the connection is closed. A slow reader that keeps taking bytes
        /// is not cut.
        public var idleTimeout: Duration

        /// Open connections across all loops. A connection beyond it is accepted, answered
        /// `503 Service Unavailable` with `Connection: close`, and closed.
        public var maxConnections: Int
        /// Requests of one connection handed to the responder but not yet answered. At the
        /// limit the server stops reading that connection until responses go out. At least 1
        /// (0 would stop every connection before its first request, closing it unanswered).
        public var maxPipelinedRequests: Int { didSet { maxPipelinedRequests = max(1, maxPipelinedRequests) } }
        /// Response bytes one connection may hold unsent before the server stops reading and
        /// parsing its requests; it resumes as the client takes them. Without it a client that
        /// pipelines requests but never reads the answers grows the server's memory without
        /// bound. A single larger response is still sent whole. At least 1.
        public var maxBufferedResponseBytes: Int {
            didSet { maxBufferedResponseBytes = max(1, maxBufferedResponseBytes) }
        }
        /// How long `shutdown()` waits for in-flight requests before closing their connections.
        public var shutdownGracePeriod: Duration

        public init(
            host: String = "127.0.0.1",
            port: UInt16 = 8080,
            eventLoopCount: Int = ProcessInfo.processInfo.activeProcessorCount,
            listenBacklog: Int32 = 1024,
            maxRequestLineBytes: Int = 8 * 1024,
            maxHeaderBytes: Int = 32 * 1024,
            maxHeaderCount: Int = 100,
            maxBodyBytes: Int = 1024 * 1024,
            headerTimeout: Duration = .seconds(10),
            bodyTimeout: Duration = .seconds(30),
            idleTimeout: Duration = .seconds(10),
            maxConnections: Int = 1000,
            maxPipelinedRequests: Int = 16,
            maxBufferedResponseBytes: Int = 1024 * 1024,
            shutdownGracePeriod: Duration = .seconds(10)
        ) {
            self.host = host
            self.port = port
            self.eventLoopCount = max(1, eventLoopCount)
            self.listenBacklog = listenBacklog
            self.maxRequestLineBytes = maxRequestLineBytes
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
            self.maxBodyBytes = maxBodyBytes
            self.headerTimeout = headerTimeout
            self.bodyTimeout = bodyTimeout
            self.idleTimeout = idleTimeout
            self.maxConnections = maxConnections
            self.maxPipelinedRequests = max(1, maxPipelinedRequests)
            self.maxBufferedResponseBytes = max(1, maxBufferedResponseBytes)
            self.shutdownGracePeriod = shutdownGracePeriod
        }

        /// The byte and count limits, each held to 0...2^40: the parser adds to them (a limit
        /// of Int.max meant as "unlimited" would trap) and a negative header count would never
        /// be reached, so no limit at all.
        var parserLimits: HTTPRequestParser.Limits {
            func clamped(_ value: Int) -> Int { min(max(0, value), 1 << 40) }
            return .init(maxRequestLineBytes: clamped(maxRequestLineBytes), maxHeaderBytes: clamped(maxHeaderBytes),
                         maxHeaderCount: clamped(maxHeaderCount), maxBodyBytes: clamped(maxBodyBytes))
        }
    }
}

extension Duration {
    /// About a century: longer timeouts mean "never" and are held to it, so that neither this
    /// conversion nor a deadline `now + nanoseconds` overflows and traps.
    static let longestNanoseconds: UInt64 = 100 * 365 * 24 * 3600 * 1_000_000_000

    /// Whole nanoseconds, 0 for a negative duration, at most `longestNanoseconds`.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        guard UInt64(seconds) < Self.longestNanoseconds / 1_000_000_000 else { return Self.longestNanoseconds }
        return UInt64(seconds) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
