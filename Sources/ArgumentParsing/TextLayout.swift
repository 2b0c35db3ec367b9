/// Word wrapping and quoting shared by help and error rendering.
enum TextLayout {
    /// Wraps each line of `text` at spaces so that lines fit `width` columns once indented by
    /// `indent`; a word longer than a line stays whole. Lines break at the last space that keeps
    /// the line within the width, which matches swift-argument-parser's wrapping.
    static func wrap(_ text: String, width: Int, indent: Int = 0) -> String {
        let columns = max(width - indent, 20)
        let pad = String(repeating: " ", count: indent)
        var lines: [Substring] = []
        for hardLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var rest = hardLine[...]
            while rest.count > columns {
                let window = rest.prefix(columns)
                guard let space = window.lastIndex(of: " ") ?? rest.firstIndex(of: " ") else { break }
                lines.append(rest[..<space])
                rest = rest[rest.index(after: space)...]
            }
            lines.append(rest)
        }
        return lines.map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
    }

    /// A two-column row: the label indented by 2, the text from column 26 (or on the next line
    /// when the label is too wide), wrapped to the screen.
    static func row(label: String, text: String, width: Int) -> String {
        let labelColumn = 26
        let padded = "  " + label
        guard !text.isEmpty else { return padded + "\n" }
        let wrapped = wrap(text, width: width, indent: labelColumn)
        if padded.count < labelColumn {
            return padded + wrapped.dropFirst(padded.count) + "\n"
        }
        return padded + "\n" + wrapped + "\n"
    }

    /// A user's word quoted for a message, shortened so that absurd input gives a short message.
    static func quoted(_ word: String) -> String {
        let limit = 100
        guard word.count > limit else { return "'\(word)'" }
        return "'\(word.prefix(limit))…'"
    }
}
