/// The character between fields. RFC 4180 says a comma; Excel writes a semicolon where the comma
/// is the decimal separator (set to Swedish, Danish, German, French…), in "CSV UTF-8" too.
public enum CSVSeparator: String, Sendable, Codable, Equatable, CaseIterable {
    case comma, semicolon

    public var byte: UInt8 { self == .comma ? 0x2C : 0x3B }
    var character: Character { self == .comma ? "," : ";" }
}

/// How a file was written, so that a file made from it (the rejects file) goes back the same way:
/// its separator, whether it starts with a UTF-8 byte-order mark (Excel's "CSV UTF-8" does, and
/// Excel needs it to read "Åsa" as UTF-8 when the file is opened by a double click), and whether
/// its first line is `sep=;` (or `sep=,`), which tells Excel the separator whatever the computer's
/// settings say.
public struct CSVDialect: Sendable, Equatable {
    public var separator: CSVSeparator
    public var byteOrderMark: Bool
    /// The `sep=` first line as the file had it (`sep=;`, or `sep=;;;;` as another program padded
    /// it), without its line end; nil when it had none.
    public var separatorLine: String?

    public init(separator: CSVSeparator = .comma, byteOrderMark: Bool = false, separatorLine: String? = nil) {
        self.separator = separator
        self.byteOrderMark = byteOrderMark
        self.separatorLine = separatorLine
    }

    /// What a file in this dialect starts with before its header: the byte-order mark, then the
    /// `sep=` line as it was, each if it has one.
    public var start: String {
        (byteOrderMark ? CSV.byteOrderMark : "") + (separatorLine.map { $0 + "\r\n" } ?? "")
    }
}

/// RFC 4180 CSV: writing fields, and reading records with quoted fields (commas, quotes as "",
/// line breaks inside quotes). Lines end in CRLF on output, as the RFC says; either is read.
public enum CSV {
    /// U+FEFF, written first as the bytes EF BB BF: tells Excel the file is UTF-8.
    public static let byteOrderMark = "\u{FEFF}"

    /// One field, quoted when it must be (the separator, a quote, CR or LF).
    public static func field(_ s: String, separator: CSVSeparator = .comma) -> String {
        let sep = separator.character
        if s.contains(where: { $0 == sep || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    /// Fields written as they are. For a file a spreadsheet may open, write rows with
    /// `CSVColumns`, which knows the free-text columns.
    public static func line(_ fields: [String], separator: CSVSeparator = .comma) -> String {
        fields.map { field($0, separator: separator) }.joined(separator: String(separator.character)) + "\r\n"
    }

    // MARK: Free text and spreadsheet formulas

    /// A spreadsheet reads a cell that starts with one of these as a formula (OWASP "CSV
    /// Injection"): = + - @, tab (0x09), carriage return (0x0D).
    static let formulaStarts: [UInt8] = [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D]

    /// Free text from outside (a name, an email, a reference) as a spreadsheet cell: a leading `'`
    /// when it would start a formula, so `=HYPERLINK(…)` is shown as text, not run. Text that
    /// already starts with quotes before such a character gets one more (`'=x` → `''=x`), so that
    /// `unguarded` can tell the two apart and undo exactly this. Anything else is left as it is.
    public static func guarded(_ s: String) -> String {
        startsFormula(afterQuotes: s) ? "'" + s : s
    }

    /// What `guarded` wrote, as it was: one leading `'` is dropped when quotes and then a formula
    /// character start the text (`'=x` → `=x`, `''=x` → `'=x`); `'t Hooft` stays as it is.
    public static func unguarded(_ s: String) -> String {
        s.utf8.first == 0x27 && startsFormula(afterQuotes: s) ? String(s.dropFirst()) : s
    }

    /// True when the first character after any leading `'` is one of `formulaStarts`.
    static func startsFormula(afterQuotes s: String) -> Bool {
        guard let first = s.utf8.first(where: { $0 != 0x27 }) else { return false }
        return formulaStarts.contains(first)
    }
}

/// The columns of a CSV file and which of them hold free text. A free-text cell is written
/// `CSV.guarded`; every other cell (amounts, dates, ids, codes, currencies, kinds: values the
/// product makes) is written as it is, so `-500` stays a number. The writer decides by the
/// column, never by what a value looks like.
public struct CSVColumns: Sendable, Equatable {
    public let names: [String]
    let isText: [Bool]
    public var separator: CSVSeparator = .comma

    /// `text` names the free-text columns; each must be one of `names`.
    public init(_ names: [String], text: Set<String>) {
        precondition(text.isSubset(of: names), "free-text columns \(text.subtracting(names).sorted()) are not columns")
        self.names = names
        isText = names.map(text.contains)
    }

    /// The columns by position: `isText[i]` says whether column i is free text.
    public init(_ names: [String], isText: [Bool], separator: CSVSeparator = .comma) {
        precondition(names.count == isText.count)
        self.names = names
        self.isText = isText
        self.separator = separator
    }

    public var header: String { CSV.line(names, separator: separator) }

    /// One row, its cells in column order.
    public func line(_ values: [String]) -> String {
        precondition(values.count == names.count, "a row of \(values.count) cells for \(names.count) columns")
        var out = ""
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(separator.character) }
            out += CSV.field(isText[i] ? CSV.guarded(v) : v, separator: separator)
        }
        return out + "\r\n"
    }

    public func document(_ rows: [[String]]) -> String {
        header + rows.map(line).joined()
    }
}
