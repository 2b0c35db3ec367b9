import Foundation

/// Serialises responses into a connection's write buffer: status line, the caller's
/// headers, then the framing headers the server owns, then the body — one buffer, one send.
struct HTTPResponseEncoder {
    var date = HTTPDateCache()

    /// Headers the server sets itself; values supplied by a handler are dropped.
    private static func isServerOwned(_ name: String) -> Bool {
        switch name.utf8.count {
        case 4: return HTTPHeaders.namesMatch(name, "Date")
        case 10: return HTTPHeaders.namesMatch(name, "Connection") || HTTPHeaders.namesMatch(name, "Keep-Alive")
        case 14: return HTTPHeaders.namesMatch(name, "Content-Length")
        case 17: return HTTPHeaders.namesMatch(name, "Transfer-Encoding")
        default: return false
        }
    }

    mutating func encode(
        _ response: HTTPResponse, omitBody: Bool, close: Bool, announceKeepAlive: Bool, into buffer: inout [UInt8]
    ) {
        date.refresh()
        let code = response.status.code
        buffer.append(contentsOf: "HTTP/1.1 ".utf8)
        buffer.append(UInt8(truncatingIfNeeded: 0x30 + code / 100 % 10))
        buffer.append(UInt8(truncatingIfNeeded: 0x30 + code / 10 % 10))
        buffer.append(UInt8(truncatingIfNeeded: 0x30 + code % 10))
        buffer.append(sp)
        appendSafe(response.status.reason, to: &buffer)
        buffer.append(contentsOf: [cr, lf])
        for field in response.headers.fields {
            if Self.isServerOwned(field.name) { continue }
            // A CR or LF in a handler's header would split the response; such a field is dropped.
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(isTokenChar),
                  field.value.utf8.allSatisfy(isFieldValueChar) else { continue }
            buffer.append(contentsOf: field.name.utf8)
            buffer.append(contentsOf: ": ".utf8)
            buffer.append(contentsOf: field.value.utf8)
            buffer.append(contentsOf: [cr, lf])
        }
        // 1xx and 204 carry no Content-Length (RFC 9110 §8.6); 304 has no body either.
        let bodyless = code < 200 || code == 204 || code == 304
        if !bodyless {
            buffer.append(contentsOf: "Content-Length: ".utf8)
            appendDecimal(response.body.count, to: &buffer)
            buffer.append(contentsOf: [cr, lf])
        }
        buffer.append(contentsOf: "Date: ".utf8)
        buffer.append(contentsOf: date.bytes)
        buffer.append(contentsOf: [cr, lf])
        if close {
            buffer.append(contentsOf: "Connection: close\r\n".utf8)
        } else if announceKeepAlive {
            buffer.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        buffer.append(contentsOf: [cr, lf])
        if !omitBody && !bodyless { buffer.append(contentsOf: response.body) }
    }

    /// The answer to a request the parser refused.
    static func response(for error: HTTPParseError) -> HTTPResponse {
        HTTPResponse(status: error.status, text: "\(error.status.reason): \(error.reason)\n")
    }

    private func appendSafe(_ text: String, to buffer: inout [UInt8]) {
        for c in text.utf8 where isFieldValueChar(c) { buffer.append(c) }
    }

    private func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &buffer) }
        buffer.append(UInt8(truncatingIfNeeded: 0x30 + value % 10))
    }
}
