import Synchronization

/// Answers requests. `respond` is called on an event-loop thread and must not block it
/// for long; it calls `completion` exactly once, from any thread, now or later. Responses
/// of pipelined requests are sent in request order whatever order completions arrive in.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest, completion: ResponseCompletion)

    /// The answer to a request the server refused before it reached `respond` (malformed, too
    /// large, too slow, an unknown method or version: 400, 408, 413, 414, 431, 501, 505; a
    /// connection beyond `maxConnections`: 503); the connection closes after it. Called on the
    /// event loop, also when the server is full, so it must be quick. The default is a short
    /// text/plain answer; an API gives its own error format (and logs it) here.
    func refusal(for error: HTTPParseError) -> HTTPResponse
}

extension HTTPResponder {
    public func refusal(for error: HTTPParseError) -> HTTPResponse {
        HTTPResponseEncoder.response(for: error)
    }
}

/// Delivers one response to the connection its request came from. Calling it after the
/// connection has closed is harmless; calls after the first are ignored; if it is released
/// without ever being called, the client gets `500 Internal Server Error` instead of a hang.
public final class ResponseCompletion: Sendable {
    let loop: EventLoop
    private let connectionID: UInt64
    private let sequence: UInt64
    private let done = Atomic<Bool>(false)

    init(loop: EventLoop, connectionID: UInt64, sequence: UInt64) {
        self.loop = loop
        self.connectionID = connectionID
        self.sequence = sequence
    }

    public func callAsFunction(_ response: HTTPResponse) {
        guard !done.exchange(true, ordering: .acquiringAndReleasing) else { return }
        loop.deliver(response, connectionID: connectionID, sequence: sequence)
    }

    deinit {
        if !done.load(ordering: .acquiring) {
            loop.deliver(HTTPResponse(status: .internalServerError, text: "The server did not produce a response.\n"),
                         connectionID: connectionID, sequence: sequence)
        }
    }
}

/// Runs an async handler in a Task per request.
struct AsyncHandlerResponder: HTTPResponder {
    let handler: @Sendable (HTTPRequest) async -> HTTPResponse

    func respond(to request: HTTPRequest, completion: ResponseCompletion) {
        Task { completion(await handler(request)) }
    }
}
