import Foundation

/// One editable message file: `Subject:` (and optionally `Calendar:`) lines, a blank line, then the
/// body, with `{{field}}` placeholders. Checked when loaded, so a typo in a field name is found by
/// the operator who made it, not by a customer.
public struct MessageTemplate: Sendable, Equatable {
    public let kind: MessageKind
    public let language: MessageLanguage
    public let file: String
    public let subject: String
    /// The calendar entry's title; falls back to the subject.
    public let calendarTitle: String?
    public let body: String

    public init(kind: MessageKind, language: MessageLanguage, file: String, text: String) throws(TemplateError) {
        self.kind = kind; self.language = language; self.file = file
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        var subject: String?, subjectLine = 1
        var calendar: String?, calendarLine = 1
        var index = 0
        while index < lines.count, !lines[index].trimmingCharacters(in: .whitespaces).isEmpty {
            let line = lines[index]
            guard let colon = line.firstIndex(of: ":") else {
                throw .malformedHeader(file: file, line: index + 1)
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch name {
            case "subject": subject = value; subjectLine = index + 1
            case "calendar": calendar = value; calendarLine = index + 1
            default: throw .unknownHeader(file: file, line: index + 1, name: String(line[..<colon]))
            }
            index += 1
        }
        guard let subject, !subject.isEmpty else { throw .missingSubject(file: file) }
        var body = lines[min(index + 1, lines.count)...].joined(separator: "\n")
        while body.hasSuffix("\n") || body.hasSuffix(" ") { body.removeLast() }
        guard !body.isEmpty else { throw .emptyBody(file: file) }
        self.subject = subject
        self.calendarTitle = calendar
        self.body = body + "\n"
        for (part, offset) in [(subject, subjectLine - 1), (calendar ?? "", calendarLine - 1), (self.body, index + 1)] {
            try Self.check(part, allowed: kind.fields, file: file, firstLine: offset)
        }
    }

    /// Every `{{name}}` must be a field this kind knows, and every `{{` must close.
    static func check(_ text: String, allowed: Set<String>, file: String, firstLine: Int) throws(TemplateError) {
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = Substring(line)
            while let open = rest.range(of: "{{") {
                guard let close = rest[open.upperBound...].range(of: "}}") else {
                    throw .unclosedPlaceholder(file: file, line: firstLine + number + 1)
                }
                let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
                guard allowed.contains(name) else {
                    throw .unknownField(file: file, line: firstLine + number + 1, field: name, known: allowed.sorted())
                }
                rest = rest[close.upperBound...]
            }
        }
    }

    /// Replaces each placeholder with its value (an empty string when a value is absent).
    public static func fill(_ text: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            out += rest[..<open.lowerBound]
            out += values[rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)] ?? ""
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}

/// Why the message files could not be used, naming the file and what to change.
public enum TemplateError: Error, Equatable, CustomStringConvertible {
    case unknownField(file: String, line: Int, field: String, known: [String])
    case unclosedPlaceholder(file: String, line: Int)
    case missingSubject(file: String)
    case malformedHeader(file: String, line: Int)
    case unknownHeader(file: String, line: Int, name: String)
    case emptyBody(file: String)
    case missingTemplate(file: String)
    case unreadable(file: String, reason: String)
    case badIssuerConfig(file: String, reason: String)

    public var description: String {
        switch self {
        case .unknownField(let file, let line, let field, let known):
            return "\(file):\(line): the template uses {{\(field)}}, which is not a field of this message. Known fields: \(known.joined(separator: ", "))."
        case .unclosedPlaceholder(let file, let line):
            return "\(file):\(line): a '{{' is not closed with '}}'."
        case .missingSubject(let file):
            return "\(file): the first line must be 'Subject: …' with the subject text."
        case .malformedHeader(let file, let line):
            return "\(file):\(line): before the first blank line only 'Subject: …' and 'Calendar: …' lines may stand; leave a blank line before the body."
        case .unknownHeader(let file, let line, let name):
            return "\(file):\(line): '\(name):' is not a template header; use 'Subject:' or 'Calendar:', then a blank line and the body."
        case .emptyBody(let file):
            return "\(file): the message has a subject but no body."
        case .missingTemplate(let file):
            return "\(file) is missing. Every message kind needs an English template; other languages fall back to it."
        case .unreadable(let file, let reason):
            return "Cannot read \(file): \(reason)"
        case .badIssuerConfig(let file, let reason):
            return "\(file): \(reason)"
        }
    }
}
