import Foundation

/// Reads RFC 4180 records from bytes: fields separated by commas (or semicolons, see
/// `init(detectingSeparatorIn:)`), records by CRLF or LF, fields in double quotes may hold the
/// separator, line breaks (CRLF read as LF) and doubled quotes (""). The text must be UTF-8;
/// a UTF-8 byte-order mark at the start is skipped, and so is a first line `sep=;` or `sep=,`
/// (Excel's; `sep=;;;;` as other programs pad it), which names the separator. Each record comes with the line it starts on (the
/// file's own lines, a `sep=` line being line 1), for error messages.
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
    /// The separator it reads by, and whether the bytes start with a byte-order mark and a `sep=` line.
    public private(set) var dialect: CSVDialect
    let separator: UInt8
    /// A first line `sep=` naming a separator Goodwill does not read: every `next()` throws it.
    var refusal: Failure?

    /// `bytes` must outlive the reader (use it inside `withUnsafeBytes`).
    public init(bytes: UnsafeRawBufferPointer, separator: CSVSeparator = .comma) {
        self.bytes = bytes
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        if bom { position = 3 }
        dialect = CSVDialect(separator: separator, byteOrderMark: bom)
        self.separator = separator.byte
    }

    /// A reader that separates fields as the first line does: by semicolons when that line has
    /// semicolons and no comma outside quotes (as Excel writes where the comma is the decimal
    /// separator), otherwise by commas. For a file whose first line is a header of plain names,
    /// which hold neither, that tells the two apart without guessing.
    ///
    /// A first line `sep=;` or `sep=,` says the separator outright: Excel reads it so (and hides
    /// the line), and so does this, starting with the next line; so does one padded with the same
    /// separator (`sep=;;;;;;`, see `namedSeparator`). One naming anything else refuses the file:
    /// its fields cannot be told apart.
    public init(detectingSeparatorIn bytes: UnsafeRawBufferPointer) {
        self.init(bytes: bytes)
        if let declared = Self.separatorLine(bytes, from: position) {
            if let separator = declared.separator {
                self.init(bytes: bytes, separator: separator)
                dialect.separatorLine = declared.text
            } else {
                refusal = Failure(line: 1, problem: "the first line, '\(Self.shown(declared.text))', names the character between fields, but Goodwill reads files separated by commas or by semicolons: write sep=; or sep=, there (or take the line out)")
            }
            position = declared.end
            line = 2
            return
        }
        var quoted = false, commas = 0, semicolons = 0
        for i in position..<bytes.count {
            let b = bytes[i]
            if b == 0x22 { quoted.toggle() }
            else if quoted { continue }
            else if b == 0x0A || b == 0x0D { break }
            else if b == 0x2C { commas += 1 }
            else if b == 0x3B { semicolons += 1 }
        }
        if semicolons > 0 && commas == 0 { self.init(bytes: bytes, separator: .semicolon) }
    }

    /// A `sep=` line as a message quotes it: the first 40 characters, so a file with no line break
    /// after `sep=` is not repeated whole in the refusal.
    static func shown(_ line: String) -> String { line.count > 40 ? line.prefix(40) + "…" : line }

    /// A first line that starts `sep=` (in any case): the separator it names (nil: not a comma or a
    /// semicolon), its text, and where the next line starts.
    static func separatorLine(_ bytes: UnsafeRawBufferPointer, from start: Int) -> (separator: CSVSeparator?, text: String, end: Int)? {
        guard bytes.count - start >= 4, bytes[start] | 0x20 == 0x73, bytes[start + 1] | 0x20 == 0x65, bytes[start + 2] | 0x20 == 0x70,
              bytes[start + 3] == 0x3D else { return nil }
        var end = start + 4
        while end < bytes.count && bytes[end] != 0x0A && bytes[end] != 0x0D { end += 1 }
        let named = Array(bytes[(start + 4)..<end])
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        if end < bytes.count && bytes[end] == 0x0D { end += 1 }
        if end < bytes.count && bytes[end] == 0x0A { end += 1 }
        return (namedSeparator(named[...]), text, end)
    }

    /// `;` or `,`, alone or repeated, then perhaps spaces: a program that read `sep=;` as a row
    /// (LibreOffice, Google Sheets) writes it back padded to the number of columns, `sep=;;;;;;`
    /// (`sep=,,,,` in a comma file), and that still names one separator. Anything else names none
    /// Goodwill reads, or more than one: nil.
    static func namedSeparator(_ named: ArraySlice<UInt8>) -> CSVSeparator? {
        var rest = named
        while rest.last == 0x20 { rest.removeLast() }
        guard let first = rest.first, rest.allSatisfy({ $0 == first }) else { return nil }
        return first == 0x3B ? .semicolon : first == 0x2C ? .comma : nil
    }

    /// The next record and the line it started on; nil at the end. A blank line is skipped, and so
    /// is a line of separators alone (`;;;;`, `,,,,`: every field empty, none quoted), which
    /// spreadsheets write below the data where cells were cleared or formatted; its line is still
    /// counted. A quoted empty field ("") makes it a record. A record with a stray quote is read to
    /// its end by the same rules, the stray quote as text, and then refused (recoverable), so one
    /// pass, not a second scanner, finds where it ends.
    public mutating func next() throws -> (line: Int, fields: [String])? {
        if let refusal { throw refusal }
        while position < bytes.count {
            let start = line
            var fields: [String] = []
            var field: [UInt8] = []
            var bits: UInt8 = 0  // every byte of the field ORed: below 0x80 when it is ASCII
            var quoted = false
            var wasQuoted = false
            var anyQuoted = false  // some field of the record was quoted: "" is a value, not nothing
            var endOfRecord = false
            var failure: Failure?
            while position < bytes.count && !endOfRecord {
                let b = bytes[position]
                position += 1
                if quoted {
                    if b == 0x22 {
                        if position < bytes.count && bytes[position] == 0x22 { field.append(0x22); position += 1 } else { quoted = false }
                    } else if b == 0x0D && position < bytes.count && bytes[position] == 0x0A {
                        // A CRLF line break (RFC 4180's own, as Windows writes every one) is text:
                        // one "\n", as an LF alone, not a carriage return the checks then refuse.
                        position += 1; line += 1
                        field.append(0x0A)
                    } else {
                        if b == 0x0A { line += 1 }
                        field.append(b); bits |= b
                    }
                    continue
                }
                switch b {
                case separator:
                    fields.append(Self.text(field, ascii: bits < 0x80, number: fields.count + 1, line: start, failure: &failure))
                    field.removeAll(keepingCapacity: true); bits = 0; wasQuoted = false
                case 0x0D:
                    if position < bytes.count && bytes[position] == 0x0A { position += 1 }
                    line += 1; endOfRecord = true
                case 0x0A:
                    line += 1; endOfRecord = true
                case 0x22 where field.isEmpty && !wasQuoted:
                    quoted = true; wasQuoted = true; anyQuoted = true
                case 0x22:
                    failure = failure ?? Failure(line: line, problem: "a double quote inside a field that does not start with one; quote the whole field and double the quote (\"\")",
                                                 recoverable: true)
                    field.append(b)
                default:
                    if wasQuoted {
                        failure = failure ?? Failure(line: line, problem: "text after a closing double quote; a quoted field must end at \(dialect.separator == .comma ? "a comma" : "a semicolon") or the end of the line",
                                                     recoverable: true)
                    }
                    field.append(b); bits |= b
                }
            }
            if quoted { throw Failure(line: start, problem: "a quoted field is never closed (a double quote is missing)") }
            let last = Self.text(field, ascii: bits < 0x80, number: fields.count + 1, line: start, failure: &failure)
            if let failure { throw failure }
            fields.append(last)
            // A blank line, or separators alone (`;;;;`, as a spreadsheet writes a row it has
            // formatted or cleared): nothing is in it, so it is no record; its line still counts.
            if !anyQuoted && fields.allSatisfy(\.isEmpty) { continue }
            return (start, fields)
        }
        return nil
    }

    /// A field's text. Bytes that are not UTF-8 (a file saved in a Windows or Mac code page, as
    /// Excel's plain "CSV" is: "Åsa" is the one byte C5) refuse the record instead of turning into
    /// U+FFFD; the record's end is still known, as commas, quotes and line breaks are the same
    /// bytes in those code pages, so the failure is recoverable.
    /// Only fields with a byte of 0x80 or more are validated; ASCII is UTF-8.
    static func text(_ field: [UInt8], ascii: Bool, number: Int, line: Int, failure: inout Failure?) -> String {
        if ascii { return String(decoding: field, as: UTF8.self) }
        if let s = String(validating: field, as: UTF8.self) { return s }
        failure = failure ?? Failure(line: line, problem: "field \(number) is not UTF-8 text; the file was probably saved in a Windows or Mac code page (as Excel's plain CSV is): save it as CSV UTF-8 and import it again",
                                     recoverable: true)
        return String(decoding: field, as: UTF8.self)
    }
}
