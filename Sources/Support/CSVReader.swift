import Foundation

/// Reads RFC 4180 records from bytes: fields separated by commas, records by CRLF or LF, fields
/// in double quotes may hold commas, line breaks and doubled quotes (""). A UTF-8 byte-order mark
/// at the start is skipped. Each record comes with the line it starts on, for error messages.
public struct CSVReader {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let problem: String
        /// The failed record was read to its end (a stray quote read as text), so `next()` goes on
        /// with the record after it. An unclosed quote took the rest of the file: nothing after it
        /// can be told apart from its field.
        public var recoverable = false
        public var description: String { "line \(line): \(problem)" }
    }

    let bytes: UnsafeRawBufferPointer
    var position = 0
    /// The line the next record starts on (1-based).
    public private(set) var line = 1

    /// `bytes` must outlive the reader (use it inside `withUnsafeBytes`).
    public init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    /// The next record and the line it started on; nil at the end. A blank line is skipped. A
    /// record with a stray quote is read to its end by the same rules, the stray quote as text,
    /// and then refused (recoverable), so one pass, not a second scanner, finds where it ends.
    public mutating func next() throws -> (line: Int, fields: [String])? {
        while position < bytes.count {
            let start = line
            var fields: [String] = []
            var field: [UInt8] = []
            var quoted = false
            var wasQuoted = false
            var endOfRecord = false
            var failure: Failure?
            while position < bytes.count && !endOfRecord {
                let b = bytes[position]
                position += 1
                if quoted {
                    if b == 0x22 {
                        if position < bytes.count && bytes[position] == 0x22 { field.append(0x22); position += 1 } else { quoted = false }
                    } else {
                        if b == 0x0A { line += 1 }
                        field.append(b)
                    }
                    continue
                }
                switch b {
                case 0x2C:
                    fields.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true); wasQuoted = false
                case 0x0D:
                    if position < bytes.count && bytes[position] == 0x0A { position += 1 }
                    line += 1; endOfRecord = true
                case 0x0A:
                    line += 1; endOfRecord = true
                case 0x22 where field.isEmpty && !wasQuoted:
                    quoted = true; wasQuoted = true
                case 0x22:
                    failure = failure ?? Failure(line: line, problem: "a double quote inside a field that does not start with one; quote the whole field and double the quote (\"\")",
                                                 recoverable: true)
                    field.append(b)
                default:
                    if wasQuoted {
                        failure = failure ?? Failure(line: line, problem: "text after a closing double quote; a quoted field must end at a comma or the end of the line",
                                                     recoverable: true)
                    }
                    field.append(b)
                }
            }
            if quoted { throw Failure(line: start, problem: "a quoted field is never closed (a double quote is missing)") }
            if let failure { throw failure }
            fields.append(String(decoding: field, as: UTF8.self))
            if fields.count == 1 && fields[0].isEmpty && !wasQuoted { continue }  // blank line
            return (start, fields)
        }
        return nil
    }
}
