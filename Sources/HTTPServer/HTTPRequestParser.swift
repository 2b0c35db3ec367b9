import Foundation

/// An incremental HTTP/1.1 request parser after RFC 9112: bytes are appended as they
/// arrive and `next()` yields complete requests, `needMoreData`, or an error carrying
/// the status to answer with. No I/O; the socket layer owns one parser per connection
/// and the bytes are parsed where they lie in `buffer`.
struct HTTPRequestParser {
    struct Limits: Sendable {
        var maxRequestLineBytes = 8 * 1024
        var maxHeaderBytes = 32 * 1024
        var maxHeaderCount = 100
        var maxBodyBytes = 1024 * 1024
    }

    enum Event {
        case request(HTTPRequest)
        /// The head asked for `100 Continue` and no body byte has arrived yet.
        case continueExpected
        case needMoreData
        case failure(HTTPParseError)
    }

    /// Where the parser stands, for choosing which timeout applies.
    enum Phase { case idle, head, body }

    enum Framing: Equatable { case none, length(Int), chunked }

    struct Head {
        var method: HTTPMethod
        var target: String
        var version: HTTPVersion
        var headers: HTTPHeaders
        var framing: Framing
        var expectsContinue: Bool
    }

    enum State {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkEnd
        case trailers(bytes: Int, count: Int)
    }

    let limits: Limits
    private(set) var buffer: [UInt8] = []
    var readIndex = 0
    var state = State.head
    /// Bytes of the current head already searched for its end, relative to `readIndex`.
    var scanOffset = 0
    /// Offset of the LF ending the request line, relative to `readIndex`.
    var lineEndOffset: Int?
    /// Bytes of the current chunk-size or trailer line already searched for its LF, relative
    /// to `readIndex`, so a line trickled in byte by byte is not rescanned from its start.
    var lineScanOffset = 0
    var head: Head?
    var body: [UInt8] = []
    private var failure: HTTPParseError?
    /// Requests completed so far; lets the server tell one request's head from the next.
    private(set) var messageCount = 0

    init(limits: Limits = Limits()) { self.limits = limits }

    var phase: Phase {
        if case .head = state { return readIndex < buffer.count ? .head : .idle }
        return .body
    }

    /// Unparsed bytes currently buffered.
    var bufferedCount: Int { buffer.count - readIndex }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    mutating func append(_ bytes: some Sequence<UInt8>) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    mutating func append(_ string: String) { append(Array(string.utf8)) }

    private mutating func compact() {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex >= 16 * 1024 {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }

    mutating func next() -> Event {
        if let failure { return .failure(failure) }
        do throws(HTTPParseError) {
            while true {
                switch state {
                case .head:
                    guard let parsed = try parseHead() else { return .needMoreData }
                    switch parsed.framing {
                    case .none:
                        return .request(finish(parsed, body: Data()))
                    case .length(let n):
                        head = parsed
                        state = .fixed(remaining: n)
                    case .chunked:
                        head = parsed
                        state = .chunkSize
                    }
                    if parsed.expectsContinue && readIndex == buffer.count { return .continueExpected }
                case .fixed(let remaining):
                    let available = buffer.count - readIndex
                    if body.isEmpty && available >= remaining {
                        // Common case: the whole body is already here; copy it once.
                        let data = Data(buffer[readIndex..<readIndex + remaining])
                        readIndex += remaining
                        return .request(finish(head, body: data))
                    }
                    let take = min(available, remaining)
                    body.append(contentsOf: buffer[readIndex..<readIndex + take])
                    readIndex += take
                    if take == remaining { return .request(finish(head, body: Data(body))) }
                    state = .fixed(remaining: remaining - take)
                    return .needMoreData
                case .chunkSize:
                    guard try parseChunkSize() else { return .needMoreData }
                case .chunkData(let remaining):
                    let take = min(buffer.count - readIndex, remaining)
                    body.append(contentsOf: buffer[readIndex..<readIndex + take])
                    readIndex += take
                    if take < remaining {
                        state = .chunkData(remaining: remaining - take)
                        return .needMoreData
                    }
                    state = .chunkEnd
                case .chunkEnd:
                    guard buffer.count - readIndex >= 2 else { return .needMoreData }
                    guard buffer[readIndex] == cr, buffer[readIndex + 1] == lf else {
                        throw .malformed("Chunk data is not followed by CRLF; the chunk size does not match its data.")
                    }
                    readIndex += 2
                    state = .chunkSize
                case .trailers(let bytes, let count):
                    guard try parseTrailerLine(bytes: bytes, count: count) else { return .needMoreData }
                    return .request(finish(head, body: Data(body)))
                }
            }
        } catch {
            failure = error
            return .failure(error)
        }
    }

    private mutating func finish(_ head: Head?, body data: Data) -> HTTPRequest {
        // `head` is always set when a body state is reached; `.none` framing passes it directly.
        let head = head ?? Head(method: .get, target: "/", version: .http1_1, headers: HTTPHeaders(),
                                framing: .none, expectsContinue: false)
        self.head = nil
        body.removeAll(keepingCapacity: true)
        state = .head
        scanOffset = 0
        lineEndOffset = nil
        lineScanOffset = 0
        messageCount += 1
        return HTTPRequest(method: head.method, target: head.target, version: head.version,
                           headers: head.headers, body: data)
    }
}

let cr: UInt8 = 0x0D
let lf: UInt8 = 0x0A
let sp: UInt8 = 0x20
let htab: UInt8 = 0x09

/// tchar (RFC 9110 §5.6.2): the characters allowed in methods and header names.
@inline(__always)
func isTokenChar(_ c: UInt8) -> Bool {
    switch c {
    case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
         UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
         UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
        return true
    default: return false
    }
}

/// field-vchar / SP / HTAB / obs-text (RFC 9110 §5.5); everything else (CR, LF, NUL, CTLs) is refused.
@inline(__always)
func isFieldValueChar(_ c: UInt8) -> Bool {
    c == htab || (c >= 0x20 && c != 0x7F)
}
