/// Why a request was refused before reaching the handler. The server answers with
/// `status`, puts `reason` in the plain-text body, and closes the connection.
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
    static let timeout = HTTPParseError(
        status: .requestTimeout, reason: "The request was not received in time; send it again promptly."
    )
}
