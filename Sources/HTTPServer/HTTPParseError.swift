/// Why a request was refused before reaching the handler. The server answers with the
/// responder's `refusal(for:)` (by default `status` with `reason` as plain text) and closes
/// the connection.
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: HTTPStatus
    public let reason: String

    public init(status: HTTPStatus, reason: String) {
        self.status = status
        self.reason = reason
    }

    public var description: String { "\(status): \(reason)" }

    static func malformed(_ reason: String) -> Self { .init(status: .badRequest, reason: reason) }
    static func bodyTooLarge(limit: Int) -> Self {
        .init(status: .contentTooLarge, reason: "The request body is larger than the \(limit)-byte limit.")
    }
    static func requestLineTooLong(limit: Int) -> Self {
        .init(status: .uriTooLong, reason: "The request line is longer than the \(limit)-byte limit; shorten the URL.")
    }
    static func headersTooLarge(_ what: String) -> Self {
        .init(status: .requestHeaderFieldsTooLarge, reason: what)
    }
    /// Beyond `maxConnections`: nothing wrong with the request, the server is full.
    static let overCapacity = HTTPParseError(
        status: .serviceUnavailable, reason: "The server is at its connection limit; retry shortly."
    )
    static let timeout = HTTPParseError(
        status: .requestTimeout, reason: "The request was not received in time; send it again promptly."
    )
}
