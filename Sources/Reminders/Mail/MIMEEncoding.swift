import Foundation

/// The encodings a mail needs for non-ASCII text: RFC 2047 encoded-words for headers, RFC 2045
/// quoted-printable and base64 for bodies. Lines end in CRLF (RFC 5322 §2.1).
enum MIMEEncoding {
    static let crlf = "\r\n"

    /// A header field, folded so no line passes 78 characters (RFC 5322 §2.1.1). Text with anything
    /// but printable ASCII becomes encoded-words (RFC 2047 §5(1)), each a whole number of characters,
    /// so a UTF-8 sequence is never split between words (§5, last paragraph).
    static func header(_ name: String, text: String) -> String {
        let clean = sanitized(text)
        let prefix = name + ": "
        if clean.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }), prefix.count + clean.count <= 78 {
            return prefix + clean
        }
        if clean.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            return fold(prefix: prefix, words: clean.split(separator: " ").map(String.init))
        }
        return fold(prefix: prefix, words: encodedWords(clean))
    }

    /// Encoded-words of at most 75 characters (RFC 2047 §2): `=?utf-8?B?…?=` carrying up to 39
    /// bytes (52 base64 characters), cut only between Characters.
    static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        func flush() {
            guard !chunk.isEmpty else { return }
            words.append("=?utf-8?B?" + Data(chunk).base64EncodedString() + "?=")
            chunk = []
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 39 { flush() }
            chunk += bytes
        }
        flush()
        return words
    }

    /// Joins words with folding whitespace. Between two encoded-words the space is not displayed
    /// (RFC 2047 §6.2), so the text reads back exactly.
    static func fold(prefix: String, words: [String]) -> String {
        var lines: [String] = []
        var line = prefix
        for word in words {
            if line == prefix { line += word; continue }
            if line.count + 1 + word.count > 78 {
                lines.append(line)
                line = " " + word
            } else {
                line += " " + word
            }
        }
        lines.append(line)
        return lines.joined(separator: crlf)
    }

    /// `From: "Anna Lind" <anna@example.com>`, with the name encoded when it is not ASCII, folded
    /// between its words like any other header: a long name is several encoded-words, which must
    /// not run on past 78 characters on one line (RFC 2047 §2, RFC 5322 §2.1.1).
    static func addressHeader(_ field: String, name: String?, email: String) -> String {
        fold(prefix: field + ": ", words: addressWords(name: name, email: email))
    }

    static func addressWords(name: String?, email: String) -> [String] {
        let mail = "<" + sanitized(email).filter { $0 != "<" && $0 != ">" && $0 != " " } + ">"
        guard let name = name.map(sanitized), !name.isEmpty else { return [mail] }
        if name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return ["\"\(quoted)\"", mail]
        }
        return encodedWords(name) + [mail]
    }

    /// No CR or LF may reach a header: that would let text add header fields of its own.
    static func sanitized(_ text: String) -> String {
        String(text.unicodeScalars.map { $0 == "\r" || $0 == "\n" || $0 == "\t" ? " " : Character($0) })
    }

    /// Quoted-printable (RFC 2045 §6.7): lines of at most 76 characters with soft breaks, `=` and
    /// non-ASCII bytes as `=XX`, and whitespace before a line end encoded so it survives transport.
    static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            var current: [UInt8] = []
            let bytes = Array(line.utf8)
            for (i, byte) in bytes.enumerated() {
                let isLast = i == bytes.count - 1
                var token: [UInt8]
                if (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !isLast) {
                    token = [byte]
                } else {
                    token = [61, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                }
                // Keep encoded triplets whole and leave room for the soft-break '='.
                if current.count + token.count > 75 {
                    out += current + Array("=\r\n".utf8)
                    current = []
                }
                current += token
            }
            out += current
            if index < lines.count - 1 { out += Array(crlf.utf8) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Base64 in lines of 76 characters (RFC 2045 §6.8).
    static func base64Lines(_ bytes: [UInt8]) -> String {
        let text = Array(Data(bytes).base64EncodedString().utf8)
        return stride(from: 0, to: text.count, by: 76)
            .map { String(decoding: text[$0..<min($0 + 76, text.count)], as: UTF8.self) }
            .joined(separator: crlf)
    }
}
