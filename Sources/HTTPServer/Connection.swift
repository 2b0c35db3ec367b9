/// One accepted TCP connection. Owned by a single event loop and only ever touched on
/// that loop's thread, so it needs no locking.
final class Connection {
    /// A request handed to the responder whose response has not been written yet.
    struct Pending {
        let sequence: UInt64
        let keepAlive: Bool
        /// HEAD: send the headers GET would, without the body (RFC 9110 §9.3.2).
        let omitBody: Bool
        /// An HTTP/1.0 client that asked for keep-alive must be told it was granted.
        let announceKeepAlive: Bool
        /// Set when the responder completes, possibly before earlier requests' responses.
        var response: HTTPResponse?
    }

    /// Which clock is running on the connection.
    enum DeadlineKind { case none, idle, header, body, write, linger }

    let id: UInt64
    let fd: Int32
    let remoteAddress: String
    var parser: HTTPRequestParser

    /// Requests in flight, in arrival order; responses leave in this order.
    var inflight: [Pending] = []
    var nextSequence: UInt64 = 0

    var writeBuffer: [UInt8] = []
    var writeOffset = 0
    /// Bytes sent over the connection's life; the write timeout restarts whenever it moves.
    var bytesSent = 0

    /// A refused request, answered once every earlier response has gone out.
    var failure: HTTPParseError?
    /// No further requests are taken from this connection.
    var stopReading = false
    /// Close (after a lingering half-close) once the write buffer is empty.
    var closeAfterWrite = false
    /// `100 Continue` owed once earlier responses have been written; dropped as soon as the
    /// request is complete or refused, so it never follows the final response.
    var continuePending = false
    var peerClosed = false
    /// Accepted beyond `maxConnections` only to be answered 503 and drained; not counted as open.
    var isRefusal = false
    var lingering = false
    var isClosed = false
    /// True while the loop is parsing and dispatching, so a synchronous completion only
    /// stores its response and the loop writes everything in one send afterwards.
    var processing = false

    var interest: UInt32
    var deadline: UInt64 = 0
    var deadlineKind = DeadlineKind.none
    /// What the running deadline was armed for: the parser's message count, or `bytesSent`
    /// for the write deadline. A change re-arms it.
    var deadlineMark = -1
    /// The kernel's send queue (`Socket.queuedForPeer`) when the write clock last started.
    var sendQueueMark: Int?

    init(id: UInt64, fd: Int32, remoteAddress: String, limits: HTTPRequestParser.Limits, interest: UInt32) {
        self.id = id
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.parser = HTTPRequestParser(limits: limits)
        self.interest = interest
    }

    var hasUnsentBytes: Bool { writeOffset < writeBuffer.count }
    var unsentCount: Int { writeBuffer.count - writeOffset }
}
