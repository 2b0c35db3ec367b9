/// RFC 4180 CSV: writing fields, and reading records with quoted fields (commas, quotes as "",
/// line breaks inside quotes). Lines end in CRLF on output, as the RFC says; either is read.
public enum CSV {
    /// One field, quoted when it must be (comma, quote, CR or LF).
    public static func field(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    public static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\r\n" }

    public static func document(_ header: [String], _ rows: [[String]]) -> String {
        ([header] + rows).map(line).joined()
    }
}
