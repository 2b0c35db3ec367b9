import Foundation

/// Reads RFC 4180 records from bytes: fields separated by commas, records by CRLF or LF, fields
/// in double quotes may hold commas, line breaks and doubled quotes (""). A UTF-8 byte-order mark
/// at the start is skipped. Each record comes with the line it starts on, for error messages.
public struct CSVReader {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let problem: String
        /// The reader was outside any quoted field when it failed, so `skipRestOfRecord()` finds
        /// where the next record starts. An unclosed quote took the rest of the file: nothing after
        /// it can be told apart from its field.
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

    /// After a recoverable `Failure`: moves past the rest of the failed record, reading quoted
    /// fields in it as the format says (a quoted line break does not end it), so `next()` returns
    /// the record after it.
    public mutating func skipRestOfRecord() {
        var quoted = false
        while position < bytes.count {
            let b = bytes[position]
            position += 1
            switch b {
            case 0x22:
                if quoted && position < bytes.count && bytes[position] == 0x22 { position += 1 } else { quoted.toggle() }
            case 0x0D where !quoted:
                if position < bytes.count && bytes[position] == 0x0A { position += 1 }
                line += 1
                return
            case 0x0A:
                line += 1
                if !quoted { return }
            default:
                break
            }
        }
    }

    /// The next record and the line it started on; nil at the end. A blank line is skipped.
    public mutating func next() throws -> (line: Int, fields: [String])? {
        while position < bytes.count {
            let start = line
            var fields: [String] = []
            var field: [UInt8] = []
            var quoted = false
            var wasQuoted = false
            var endOfRecord = false
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
                case 0x22:
                    guard field.isEmpty && !wasQuoted else {
                        throw Failure(line: line, problem: "a double quote inside a field that does not start with one; quote the whole field and double the quote (\"\")",
                                      recoverable: true)
                    }
                    quoted = true; wasQuoted = true
                default:
                    if wasQuoted {
                        throw Failure(line: line, problem: "text after a closing double quote; a quoted field must end at a comma or the end of the line",
                                      recoverable: true)
                    }
                    field.append(b)
                }
            }
            if quoted { throw Failure(line: start, problem: "a quoted field is never closed (a double quote is missing)") }
            fields.append(String(decoding: field, as: UTF8.self))
            if fields.count == 1 && fields[0].isEmpty && !wasQuoted { continue }  // blank line
            return (start, fields)
        }
        return nil
    }
}
