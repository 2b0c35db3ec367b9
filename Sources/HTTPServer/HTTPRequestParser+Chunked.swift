/// The chunked transfer coding (RFC 9112 §7.1): sizes, ignored extensions, bounded trailers.
extension HTTPRequestParser {
    /// Longest chunk-size line accepted, extensions included.
    static let maxChunkLineBytes = 4096

    /// Index of the next LF at or after `readIndex`, nil if none has arrived. Resumes where the
    /// last search stopped (as `parseHead` does): rescanning from `readIndex` made a trailer
    /// line sent a byte at a time cost time quadratic in its length. Every caller consumes the
    /// line it finds (or fails), so the next search starts afresh.
    private mutating func nextLineFeed() -> Int? {
        let start = readIndex + lineScanOffset
        let found: Int? = buffer.withUnsafeBufferPointer { p in
            var i = start
            while i < p.count {
                if p[i] == lf { return i }
                i += 1
            }
            return nil
        }
        lineScanOffset = found == nil ? buffer.count - readIndex : 0
        return found
    }

    /// Consumes one `chunk-size [chunk-ext] CRLF` line. False when it has not fully arrived.
    mutating func parseChunkSize() throws(HTTPParseError) -> Bool {
        guard let lineFeed = nextLineFeed() else {
            if buffer.count - readIndex > Self.maxChunkLineBytes {
                throw .malformed("A chunk-size line is longer than \(Self.maxChunkLineBytes) bytes.")
            }
            return false
        }
        if lineFeed - readIndex > Self.maxChunkLineBytes {
            throw .malformed("A chunk-size line is longer than \(Self.maxChunkLineBytes) bytes.")
        }
        guard lineFeed > readIndex, buffer[lineFeed - 1] == cr else {
            throw .malformed("A chunk-size line must end with CRLF.")
        }
        let stop = lineFeed - 1
        var size = 0
        var i = readIndex
        while i < stop, let digit = hexValue(buffer[i]) {
            guard size <= (Int.max - 15) / 16 else { throw .malformed("A chunk size is too large to be valid.") }
            size = size * 16 + digit
            i += 1
        }
        guard i > readIndex else { throw .malformed("A chunk does not start with a hexadecimal size.") }
        if i < stop {
            // Only an extension may follow: BWS ";" ... (ignored, RFC 9112 §7.1.1).
            var k = i
            while k < stop, buffer[k] == sp || buffer[k] == htab { k += 1 }
            guard k < stop, buffer[k] == UInt8(ascii: ";") else {
                throw .malformed("A chunk size is followed by something other than an extension.")
            }
            for c in buffer[k..<stop] where !isFieldValueChar(c) {
                throw .malformed("A chunk extension contains a control character.")
            }
        }
        readIndex = lineFeed + 1
        if size == 0 {
            state = .trailers(bytes: 0, count: 0)
        } else {
            // Compared by subtraction: a size near Int.max (the hex parser allows it) plus the
            // body so far would overflow and trap, a crash any client could cause.
            if size > limits.maxBodyBytes - body.count { throw .bodyTooLarge(limit: limits.maxBodyBytes) }
            state = .chunkData(remaining: size)
        }
        return true
    }

    /// Consumes trailer lines until the empty line ending the message; true once it is seen.
    /// Trailer fields are checked for syntax and size, then discarded (RFC 9112 §7.1.2).
    mutating func parseTrailerLine(bytes: Int, count: Int) throws(HTTPParseError) -> Bool {
        var bytes = bytes, count = count
        while true {
            guard let lineFeed = nextLineFeed() else {
                if bytes + buffer.count - readIndex > limits.maxHeaderBytes {
                    throw .headersTooLarge("The chunked trailer is larger than the \(limits.maxHeaderBytes)-byte limit.")
                }
                state = .trailers(bytes: bytes, count: count)
                return false
            }
            guard lineFeed > readIndex, buffer[lineFeed - 1] == cr else {
                throw .malformed("A trailer line must end with CRLF.")
            }
            let start = readIndex
            readIndex = lineFeed + 1
            if lineFeed - 1 == start { return true }
            bytes += lineFeed + 1 - start
            count += 1
            if bytes > limits.maxHeaderBytes {
                throw .headersTooLarge("The chunked trailer is larger than the \(limits.maxHeaderBytes)-byte limit.")
            }
            if count > limits.maxHeaderCount {
                throw .headersTooLarge("The chunked trailer has more than \(limits.maxHeaderCount) fields.")
            }
            var n = start
            while n < lineFeed - 1, isTokenChar(buffer[n]) { n += 1 }
            guard n > start, buffer[n] == UInt8(ascii: ":") else {
                throw .malformed("A trailer line is not 'Name: value'.")
            }
            for c in buffer[(n + 1)..<(lineFeed - 1)] where !isFieldValueChar(c) {
                throw .malformed("A trailer value contains a control character.")
            }
        }
    }

    private func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case 0x30...0x39: return Int(c - 0x30)
        case 0x41...0x46: return Int(c - 0x41 + 10)
        case 0x61...0x66: return Int(c - 0x61 + 10)
        default: return nil
        }
    }
}
