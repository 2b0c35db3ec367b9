/// Request line and header block (RFC 9112 §3, §5), and message framing (§6).
extension HTTPRequestParser {
    /// Returns the parsed head once its terminating empty line has arrived, nil if more
    /// bytes are needed. Checks the size limits while the head is still incomplete so an
    /// endless header block is refused without buffering it.
    mutating func parseHead() throws(HTTPParseError) -> Head? {
        // A recipient SHOULD ignore empty lines before the request-line (RFC 9112 §2.2).
        while lineEndOffset == nil, buffer.count - readIndex >= 2, buffer[readIndex] == cr, buffer[readIndex + 1] == lf {
            readIndex += 2
            scanOffset = 0
        }
        let start = readIndex
        let end = buffer.count
        var headEnd: Int?
        var lineEnd = lineEndOffset
        var i = start + scanOffset
        var bareLF = false
        buffer.withUnsafeBufferPointer { p in
            while i < end {
                if p[i] == lf {
                    // We read CRLF only (RFC 9112 §2.2 allows, not requires, a bare LF): said at
                    // once, not after waiting the header timeout for a CRLF CRLF that never comes.
                    guard i > start, p[i - 1] == cr else { bareLF = true; break }
                    if lineEnd == nil {
                        lineEnd = i - start
                    } else if i - start >= 3, p[i - 1] == cr, p[i - 2] == lf, p[i - 3] == cr {
                        headEnd = i + 1
                        break
                    }
                }
                i += 1
            }
        }
        scanOffset = i - start
        lineEndOffset = lineEnd
        if bareLF { throw .malformed("A line of the request ends in a bare LF; end every line of the request line and headers with CRLF.") }

        // The request line may not exceed its limit (CR included in the count, hence + 1).
        if let lineEnd {
            if lineEnd > limits.maxRequestLineBytes + 1 { throw .requestLineTooLong(limit: limits.maxRequestLineBytes) }
            let headerBytes = (headEnd ?? end) - (start + lineEnd + 1)
            if headerBytes > limits.maxHeaderBytes + 2 {
                throw .headersTooLarge("The request headers are larger than the \(limits.maxHeaderBytes)-byte limit.")
            }
        } else if end - start > limits.maxRequestLineBytes + 1 {
            throw .requestLineTooLong(limit: limits.maxRequestLineBytes)
        }
        guard let headEnd, let lineEnd else { return nil }

        let head = try buffer.withUnsafeBufferPointer { p throws(HTTPParseError) in
            try parseHeadBytes(p, start: start, lineEnd: start + lineEnd, headEnd: headEnd)
        }
        readIndex = headEnd
        return head
    }

    private func parseHeadBytes(
        _ p: UnsafeBufferPointer<UInt8>, start: Int, lineEnd: Int, headEnd: Int
    ) throws(HTTPParseError) -> Head {
        // request-line = method SP request-target SP HTTP-version CRLF
        guard lineEnd > start, p[lineEnd - 1] == cr else {
            throw .malformed("The request line must end with CRLF.")
        }
        let lineStop = lineEnd - 1
        var j = start
        while j < lineStop, isTokenChar(p[j]) { j += 1 }
        guard j > start, j < lineStop, p[j] == sp else {
            throw .malformed("The request line is not 'METHOD /path HTTP/1.1'.")
        }
        let methodEnd = j
        j += 1
        let targetStart = j
        while j < lineStop, p[j] >= 0x21, p[j] <= 0x7E { j += 1 }
        guard j > targetStart, j < lineStop, p[j] == sp else {
            throw .malformed("The request target is missing or contains characters that must be percent-encoded.")
        }
        let targetEnd = j
        let version = try parseVersion(UnsafeBufferPointer(rebasing: p[(j + 1)..<lineStop]))
        let method = HTTPMethod(string(p, start, methodEnd))
        let target = string(p, targetStart, targetEnd)

        var headers = HTTPHeaders()
        var contentLengths: [Substring] = []
        var transferCodings: [Substring] = []
        // Present at all, even with no coding in it: an empty value is not the same as no field.
        var hasTransferEncoding = false
        var hostCount = 0
        var expectsContinue = false
        var pos = lineEnd + 1
        let blockEnd = headEnd - 2
        while pos < blockEnd {
            var lineStopIndex = pos
            while p[lineStopIndex] != lf { lineStopIndex += 1 }
            guard p[lineStopIndex - 1] == cr, lineStopIndex - 1 > pos else {
                throw .malformed("A header line must end with CRLF.")
            }
            let stop = lineStopIndex - 1
            if p[pos] == sp || p[pos] == htab {
                throw .malformed("Folded header lines (obs-fold) are not accepted; send each header on one line.")
            }
            var n = pos
            while n < stop, isTokenChar(p[n]) { n += 1 }
            guard n > pos, n < stop, p[n] == UInt8(ascii: ":") else {
                throw .malformed("A header line is not 'Name: value' (no space is allowed before the colon).")
            }
            var v = n + 1
            while v < stop, p[v] == sp || p[v] == htab { v += 1 }
            var ve = stop
            while ve > v, p[ve - 1] == sp || p[ve - 1] == htab { ve -= 1 }
            for k in v..<ve where !isFieldValueChar(p[k]) {
                throw .malformed("A header value contains a control character.")
            }
            if headers.count == limits.maxHeaderCount {
                throw .headersTooLarge("The request has more than \(limits.maxHeaderCount) header fields.")
            }
            let name = string(p, pos, n)
            let value = string(p, v, ve)
            switch n - pos {
            case 4 where HTTPHeaders.namesMatch(name, "Host"):
                hostCount += 1
            case 6 where HTTPHeaders.namesMatch(name, "Expect"):
                expectsContinue = HTTPHeaders.namesMatch(value, "100-continue")
            case 14 where HTTPHeaders.namesMatch(name, "Content-Length"):
                contentLengths.append(contentsOf: value.split(separator: ",", omittingEmptySubsequences: false))
            case 17 where HTTPHeaders.namesMatch(name, "Transfer-Encoding"):
                hasTransferEncoding = true
                transferCodings.append(contentsOf: value.split(separator: ",").map { $0.trimmingOWS() }.filter { !$0.isEmpty })
            default:
                break
            }
            headers.add(name, value)
            pos = lineStopIndex + 1
        }

        if version == .http1_1 && hostCount != 1 {
            throw .malformed("An HTTP/1.1 request must carry exactly one Host header.")
        }
        let framing = try framing(contentLengths: contentLengths, transferCodings: transferCodings,
                                  hasTransferEncoding: hasTransferEncoding, version: version)
        return Head(method: method, target: target, version: version, headers: headers, framing: framing,
                    expectsContinue: expectsContinue && version == .http1_1 && framing != .none)
    }

    private func parseVersion(_ v: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        let prefix: [UInt8] = Array("HTTP/".utf8)
        guard v.count == 8, v.prefix(5).elementsEqual(prefix),
              (0x30...0x39).contains(v[5]), v[6] == UInt8(ascii: "."), (0x30...0x39).contains(v[7])
        else { throw .malformed("The request line does not end with a valid HTTP version such as HTTP/1.1.") }
        let version = HTTPVersion(major: Int(v[5] - 0x30), minor: Int(v[7] - 0x30))
        guard version == .http1_1 || version == .http1_0 else {
            throw HTTPParseError(status: .httpVersionNotSupported,
                                 reason: "\(version) is not supported; use HTTP/1.1 or HTTP/1.0.")
        }
        return version
    }

    /// Message body length (RFC 9112 §6.3). Ambiguous framing is refused outright because
    /// it is how request smuggling between proxies and servers works.
    /// A Transfer-Encoding field counts even when its value lists no coding (`Transfer-Encoding: `):
    /// taking it as absent would frame the body by a Content-Length that a proxy which saw the
    /// field may have ignored. Empty list elements are skipped (RFC 9110 §5.6.1), but a field
    /// left with none does not end in chunked, which for a request is a 400 (RFC 9112 §6.3).
    private func framing(
        contentLengths: [Substring], transferCodings: [Substring], hasTransferEncoding: Bool, version: HTTPVersion
    ) throws(HTTPParseError) -> Framing {
        if hasTransferEncoding {
            if !contentLengths.isEmpty {
                throw .malformed("Content-Length and Transfer-Encoding together are refused (request smuggling risk).")
            }
            if version == .http1_0 {
                throw .malformed("Transfer-Encoding is not allowed in an HTTP/1.0 request (RFC 9112 §6.1).")
            }
            if transferCodings.isEmpty {
                throw .malformed("Transfer-Encoding names no coding; a request body must be chunked (RFC 9112 §6.3).")
            }
            for coding in transferCodings where !HTTPHeaders.namesMatch(String(coding), "chunked") {
                throw HTTPParseError(status: .notImplemented,
                                     reason: "Transfer-Encoding '\(coding)' is not supported; send the body chunked or with Content-Length.")
            }
            guard transferCodings.count == 1 else {
                throw .malformed("The chunked transfer coding may be applied only once.")
            }
            return .chunked
        }
        guard !contentLengths.isEmpty else { return .none }
        // Content-Length = 1*DIGIT (RFC 9110 §8.6): no sign, no empty list element, and no upper
        // bound, so values are compared by their digits without leading zeros, which may be more
        // than an Int holds: such a length is over any body limit (413), not malformed.
        var length: Substring.UTF8View?
        for raw in contentLengths {
            let digits = raw.trimmingOWS().utf8
            guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw .malformed("Content-Length '\(Self.quoted(contentLengths))' is not a decimal number of bytes.")
            }
            let significant = digits.drop { $0 == 0x30 }
            if let length, !length.elementsEqual(significant) {
                throw .malformed("Content-Length values disagree (request smuggling risk).")
            }
            length = significant
        }
        guard let digits = length else { return .none }
        guard digits.count <= 18 else { throw .bodyTooLarge(limit: limits.maxBodyBytes) }
        let value = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        if value > limits.maxBodyBytes { throw .bodyTooLarge(limit: limits.maxBodyBytes) }
        return value == 0 ? .none : .length(value)
    }

    /// The Content-Length value as sent (its list elements joined again), cut short if long: it
    /// goes into the refusal, which should not echo kilobytes back.
    private static func quoted(_ elements: [Substring]) -> String {
        let value = elements.joined(separator: ",")
        return value.count > 64 ? value.prefix(64) + "…" : value
    }

    private func string(_ p: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: p[from..<to]), as: UTF8.self)
    }
}
