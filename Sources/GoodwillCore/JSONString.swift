/// A JSON string literal (RFC 8259 §7): quote, backslash and control characters escaped,
/// everything else as UTF-8. Shared by the API's JSON values and the streaming exports; the
/// API's hot-path writer (FastJSON) does the same on bytes.
public enum JSONString {
    public static func write(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    public static func quoted(_ s: String) -> String {
        var out = ""
        write(s, to: &out)
        return out
    }
}
