import Foundation

/// A parsed JSON value that keeps booleans, integers and fractions apart, so the loader can
/// say "expected a whole number, found 1.5" or "expected true or false, found 1".
/// (JSONSerialization on Linux bridges 1 and true to the same NSNumber.)
enum JSONValue: Sendable, Equatable, Decodable {
    case bool(Bool)
    case integer(Int64)
    case fraction(Double)
    /// A number written with a point or an exponent (`100.00`, `1e3`, `1.5`), as written. Never
    /// decoded: `marking(_:)` puts it where `scan` found one. JSONDecoder reads `100.00` as the
    /// whole number 100, so without it a field that takes a whole number could not tell.
    case decimal(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        // Order matters: JSONDecoder refuses Bool for numbers and Int64 for 1.5.
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Int64.self) { self = .integer(value); return }
        if let value = try? container.decode(Double.self) { self = .fraction(value); return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode([JSONValue].self) { self = .array(value); return }
        self = .object(try container.decode([String: JSONValue].self))
    }

    /// Words for "found …" in error messages.
    var kindDescription: String {
        switch self {
        case .bool(let value): return "\(value)"
        case .integer(let value): return "the number \(value)"
        case .fraction(let value): return "the number \(value)"
        case .decimal(let text): return "the number \(text)"
        case .string(let value): return "the text \"\(value)\""
        case .array: return "a list"
        case .object: return "an object"
        case .null: return "null"
        }
    }

    /// Parses `data`, or describes where the syntax is broken (line and column).
    static func parse(_ data: Data) -> ParseResult {
        if let value = try? JSONDecoder().decode(JSONValue.self, from: data) {
            return .value(value)
        }
        // JSONDecoder's error has no position; JSONSerialization's says "around character N".
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return .syntaxError("not valid JSON")
        } catch {
            let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            guard let range = text.range(of: "around character "),
                  let offset = Int(text[range.upperBound...].prefix(while: \.isNumber)) else {
                return .syntaxError("not valid JSON (\(text))")
            }
            let (line, column) = position(ofOffset: offset, in: data)
            return .syntaxError("not valid JSON at line \(line), column \(column)")
        }
    }

    enum ParseResult { case value(JSONValue), syntaxError(String) }

    /// A step on the way to a value: a member's name or an element's index (0-based).
    enum PathStep: Hashable { case name(String), index(Int) }

    /// What `parse` cannot tell from the values it gives, found in the bytes.
    struct Scan {
        /// The path of the first name given twice in one object. JSONDecoder keeps the first of
        /// two equal names where most readers keep the last (RFC 8259 §4 leaves it open), so such
        /// a file would mean one thing here and another to whoever reviewed it.
        var firstRepeatedName: [PathStep]?
        /// Every number written with a point or an exponent, by path, as written.
        var decimals: [[PathStep]: String] = [:]
    }

    /// One pass over bytes `parse` has accepted, with an explicit stack.
    static func scan(_ data: Data) -> Scan {
        var found = Scan()
        struct Frame {
            var isObject: Bool
            var names = Set<String>()
            var current: PathStep?
            var expectsName: Bool
        }
        let bytes = [UInt8](data)
        var stack: [Frame] = []
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "{"): stack.append(Frame(isObject: true, expectsName: true))
            case UInt8(ascii: "["): stack.append(Frame(isObject: false, current: .index(0), expectsName: false))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): if !stack.isEmpty { stack.removeLast() }
            case UInt8(ascii: ","):
                guard var top = stack.popLast() else { break }
                if top.isObject { top.expectsName = true } else if case .index(let n)? = top.current { top.current = .index(n + 1) }
                stack.append(top)
            case UInt8(ascii: "\""):
                let start = i + 1
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                    end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
                }
                i = end
                guard var top = stack.popLast() else { break }
                if top.isObject, top.expectsName {
                    let raw = Array(bytes[start..<min(end, bytes.count)])
                    let name = raw.contains(UInt8(ascii: "\\"))
                        ? (try? JSONDecoder().decode(String.self, from: Data([UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")]))) ?? String(decoding: raw, as: UTF8.self)
                        : String(decoding: raw, as: UTF8.self)
                    if top.names.contains(name), found.firstRepeatedName == nil {
                        found.firstRepeatedName = stack.compactMap(\.current) + [.name(name)]
                    }
                    top.names.insert(name)
                    top.current = .name(name)
                    top.expectsName = false
                }
                stack.append(top)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                // A number (names and texts are skipped whole above): its path is where it stands.
                let start = i
                var pointed = false
                while i + 1 < bytes.count, Self.numberBytes.contains(bytes[i + 1]) {
                    i += 1
                    pointed = pointed || Self.pointBytes.contains(bytes[i])
                }
                if pointed { found.decimals[stack.compactMap(\.current)] = String(decoding: bytes[start...i], as: UTF8.self) }
            default: break
            }
            i += 1
        }
        return found
    }

    /// The bytes a JSON number is written with, and those that make it more than digits.
    private static let pointBytes: Set<UInt8> = [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")]
    private static let numberBytes: Set<UInt8> = pointBytes.union([UInt8(ascii: "-"), UInt8(ascii: "+")]).union(UInt8(ascii: "0")...UInt8(ascii: "9"))

    /// This value with every number `decimals` names replaced by its `.decimal` text: one pass
    /// that builds the value anew, made only when there is something to replace.
    func marking(_ decimals: [[PathStep]: String]) -> JSONValue {
        guard !decimals.isEmpty else { return self }
        var path: [PathStep] = []
        return marking(decimals, at: &path)
    }

    private func marking(_ decimals: [[PathStep]: String], at path: inout [PathStep]) -> JSONValue {
        switch self {
        case .integer, .fraction:
            return decimals[path].map(JSONValue.decimal) ?? self
        case .array(let items):
            var marked: [JSONValue] = []
            marked.reserveCapacity(items.count)
            for (n, item) in items.enumerated() {
                path.append(.index(n))
                marked.append(item.marking(decimals, at: &path))
                path.removeLast()
            }
            return .array(marked)
        case .object(let members):
            var marked: [String: JSONValue] = [:]
            marked.reserveCapacity(members.count)
            for (name, member) in members {
                path.append(.name(name))
                marked[name] = member.marking(decimals, at: &path)
                path.removeLast()
            }
            return .object(marked)
        case .bool, .decimal, .string, .null:
            return self
        }
    }

    private static func position(ofOffset offset: Int, in data: Data) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in data.prefix(offset) {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }
}
