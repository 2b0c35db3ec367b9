import Foundation

/// The gate every JSON body passes before a decoder reads it: strict RFC 8259, names given once,
/// and amounts written as integers. It is the gate because the decoders are lenient in ways that
/// let a body mean one thing to us and another to a gateway in front:
/// - JSONDecoder keeps the first of two equal names, most parsers the last (RFC 8259 §4 leaves it
///   open), so `"amount"` twice would book one amount and show a validator the other;
/// - it takes trailing commas, a byte-order mark and UTF-16, which others refuse or read apart;
/// - it reads `500.00`, and `99.99999999999999999`, as the integers 500 and 100.
///
/// One pass over the bytes with an explicit stack (no recursion; at most `maxDepth` levels), each
/// name decoded once and kept in a set per object, so a 1 MiB body costs one linear scan. Needs
/// Foundation only, so the fuzz target (Benchmarks/fuzz/json-gate.swift) compiles this file alone;
/// `gate`, which turns a finding into the API's problem, is in JSONBody.swift. The same pass tells a
/// `Listener` each value it reads, for `CanonicalJSON`, so a body's canonical form needs no lexer
/// of its own. It is not the project's only JSON byte scanner: `JSONSpan` (beside this file) finds
/// one member's bytes in a body this gate has passed, and PolicyEngine's `JSONValue.scan` reads a
/// policy's repeated names and decimals, from a file or from an inline policy's bytes
/// (PolicyEngine does not depend on this module).
enum JSONKeys {
    enum Finding: Equatable {
        /// Not JSON (RFC 8259), with where and why.
        case malformed(String)
        /// The path of the first name given twice (`["value", "amount"]`).
        case repeated([String])
        /// The first `amount` member written with a point or an exponent: the path of its object,
        /// the number as written, and the `currency` beside it when there is one.
        case decimalAmount(path: [String], text: String, currency: String?)
    }

    static let maxDepth = 512

    /// nil when the body is JSON, each name once per object and every `amount` an integer;
    /// otherwise the first problem, a malformed body before anything else.
    static func inspect(_ data: Data) -> Finding? {
        var ignoring = Ignoring()
        return inspect(data, reporting: &ignoring).finding
    }

    /// As `inspect`, telling `listener` what it reads as it reads it, in order. `isJSON`: the body
    /// is JSON (RFC 8259), when the finding is nil or a name given twice, an amount written as a
    /// decimal, or a number beyond a double's range (JSON, which the gate refuses all the same);
    /// only then has the listener heard the whole body.
    static func inspect<L: Listener>(_ data: Data, reporting listener: inout L) -> (finding: Finding?, isJSON: Bool) {
        data.withUnsafeBytes { raw in
            var scanner = Scanner(b: raw.bindMemory(to: UInt8.self), listener: listener)
            let notJSON = scanner.run()
            listener = scanner.listener
            return (scanner.unreadable ?? notJSON ?? scanner.repeated.map(Finding.repeated) ?? scanner.decimal, notJSON == nil)
        }
    }

    /// Told each value of a body as the scan reads it: containers opened and closed, an object's
    /// names, strings (their escapes read), and numbers and literals as written.
    protocol Listener {
        mutating func open(isObject: Bool)
        mutating func name(_ text: String)
        mutating func string(_ text: String)
        mutating func scalar(_ bytes: UnsafeBufferPointer<UInt8>)
        mutating func close()
    }

    /// The gate's listener: hears nothing (and costs nothing once specialised).
    private struct Ignoring: Listener {
        func open(isObject: Bool) {}
        func name(_ text: String) {}
        func string(_ text: String) {}
        func scalar(_ bytes: UnsafeBufferPointer<UInt8>) {}
        func close() {}
    }

    private struct Frame {
        var isObject: Bool
        var names = Set<String>()
        /// The name whose value is being read, or the index of the array element.
        var current: String?
        var index = 0
        /// This object's `amount`, when written with a point or an exponent, and its `currency`.
        var decimalAmount: String?
        var currency: String?
    }

    private struct Scanner<L: Listener> {
        let b: UnsafeBufferPointer<UInt8>
        var listener: L
        var i = 0
        var stack: [Frame] = []
        var repeated: [String]?
        var decimal: Finding?
        /// The first number beyond what can be read: the gate's finding, though the scan goes on
        /// (the body is JSON, and the listener hears the rest of it). It came before any point
        /// where the bytes stop being JSON, so it is reported before that too.
        var unreadable: Finding?

        init(b: UnsafeBufferPointer<UInt8>, listener: L) { self.b = b; self.listener = listener }

        enum Expect { case value, valueOrEnd, name, nameOrEnd, afterValue }

        mutating func space() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }

        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

        func malformed(_ why: String) -> Finding { .malformed("\(why) at byte \(i)") }

        /// The labels of the enclosing levels: an object's current name, an array's index.
        func labels(_ frames: ArraySlice<Frame>) -> [String] {
            frames.map { $0.isObject ? $0.current ?? "" : "[\($0.index)]" }
        }

        /// Moves past the string starting at `i` (a quote) and returns its text; nil if not a
        /// JSON string (a raw control character, a bad escape, no closing quote).
        mutating func string() -> String? {
            i += 1
            let start = i
            var escaped = false
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "\"") {
                    let range = start..<i
                    i += 1
                    return escaped ? unescape(range) : String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self)
                }
                if c < 0x20 { return nil }
                if c >= 0x80 {
                    guard let n = utf8Sequence(at: i) else { return nil }
                    i += n
                    continue
                }
                if c == UInt8(ascii: "\\") {
                    escaped = true
                    guard i + 1 < b.count else { return nil }
                    switch b[i + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                         UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        i += 2
                    case UInt8(ascii: "u"):
                        // A surrogate only in a high-low pair: Foundation refuses a lone one.
                        guard let unit = escapedUnit(at: i) else { return nil }
                        i += 6
                        if (0xDC00...0xDFFF).contains(unit) { return nil }
                        if (0xD800...0xDBFF).contains(unit) {
                            guard i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u"),
                                  let low = escapedUnit(at: i), (0xDC00...0xDFFF).contains(low) else { return nil }
                            i += 6
                        }
                    default:
                        return nil
                    }
                    continue
                }
                i += 1
            }
            return nil
        }

        /// The length of the well-formed UTF-8 sequence at `k` (RFC 3629 §4: no overlong forms, no
        /// surrogates, nothing past U+10FFFF), nil if it is not one.
        func utf8Sequence(at k: Int) -> Int? {
            let lead = b[k]
            let (n, low, high): (Int, UInt8, UInt8)
            switch lead {
            case 0xC2...0xDF: (n, low, high) = (2, 0x80, 0xBF)
            case 0xE0: (n, low, high) = (3, 0xA0, 0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (n, low, high) = (3, 0x80, 0xBF)
            case 0xED: (n, low, high) = (3, 0x80, 0x9F)
            case 0xF0: (n, low, high) = (4, 0x90, 0xBF)
            case 0xF1...0xF3: (n, low, high) = (4, 0x80, 0xBF)
            case 0xF4: (n, low, high) = (4, 0x80, 0x8F)
            default: return nil
            }
            guard k + n <= b.count, (low...high).contains(b[k + 1]) else { return nil }
            for j in 2..<n where !(0x80...0xBF).contains(b[k + j]) { return nil }
            return n
        }

        /// The UTF-16 unit of the `\\uXXXX` escape at `k`, nil if its four hex digits are not there.
        func escapedUnit(at k: Int) -> UInt32? {
            guard k + 5 < b.count else { return nil }
            var unit: UInt32 = 0
            for j in 2...5 {
                guard let d = hex(b[k + j]) else { return nil }
                unit = unit << 4 | d
            }
            return unit
        }

        func hex(_ c: UInt8) -> UInt32? {
            switch c {
            case 0x30...0x39: return UInt32(c - 0x30)
            case 0x41...0x46: return UInt32(c - 0x41 + 10)
            case 0x61...0x66: return UInt32(c - 0x61 + 10)
            default: return nil
            }
        }

        /// The text of an escaped string already checked by `string()`; a lone surrogate reads as
        /// U+FFFD, as a name the decoder could not take anyway.
        func unescape(_ r: Range<Int>) -> String {
            var bytes: [UInt8] = []
            var scalars = String.UnicodeScalarView()
            func flush() {
                if !bytes.isEmpty { scalars.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars); bytes = [] }
            }
            func code(at k: Int) -> UInt32 { (1...4).reduce(UInt32(0)) { $0 << 4 | (hex(b[k + $1]) ?? 0) } }
            var k = r.lowerBound
            while k < r.upperBound {
                guard b[k] == UInt8(ascii: "\\") else { bytes.append(b[k]); k += 1; continue }
                let e = b[k + 1]
                if e != UInt8(ascii: "u") {
                    let map: [UInt8: UInt8] = [0x62: 0x08, 0x66: 0x0C, 0x6E: 0x0A, 0x72: 0x0D, 0x74: 0x09]
                    bytes.append(map[e] ?? e)
                    k += 2
                    continue
                }
                flush()
                var value = code(at: k + 1)
                k += 6
                if (0xD800...0xDBFF).contains(value), k + 5 < r.upperBound, b[k] == UInt8(ascii: "\\"), b[k + 1] == UInt8(ascii: "u") {
                    let low = code(at: k + 1)
                    if (0xDC00...0xDFFF).contains(low) { value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00); k += 6 }
                }
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            }
            flush()
            return String(scalars)
        }

        /// Moves past a number at `i` (RFC 8259 §6) and returns it as written; nil if not one.
        mutating func number() -> String? {
            let start = i
            if b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < b.count, isDigit(b[i]) else { return nil }
            if b[i] == 0x30 { i += 1 } else { while i < b.count, isDigit(b[i]) { i += 1 } }
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                guard i < b.count, isDigit(b[i]) else { return nil }
                while i < b.count, isDigit(b[i]) { i += 1 }
            }
            if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
                i += 1
                if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
                guard i < b.count, isDigit(b[i]) else { return nil }
                while i < b.count, isDigit(b[i]) { i += 1 }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard i + n <= b.count else { return false }
            for k in 0..<n where b[i + k] != word.utf8Start[k] { return false }
            i += n
            return true
        }

        /// Pops an object, noting a decimal amount in it (with the currency beside it) first.
        mutating func closeObject() {
            let frame = stack.removeLast()
            if decimal == nil, let text = frame.decimalAmount {
                decimal = .decimalAmount(path: labels(stack[...]), text: text, currency: frame.currency)
            }
            listener.close()
        }

        mutating func closeArray() {
            stack.removeLast()
            listener.close()
        }

        /// Reads the body to its end: nil when it is JSON, or where and why it stops being JSON.
        mutating func run() -> Finding? {
            var expect = Expect.value
            while true {
                space()
                switch expect {
                case .value, .valueOrEnd:
                    guard i < b.count else { return malformed("the body ends where a value should be") }
                    let c = b[i], start = i
                    if expect == .valueOrEnd, c == UInt8(ascii: "]") {
                        i += 1; closeArray(); expect = .afterValue
                    } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                        guard stack.count < JSONKeys.maxDepth else { return malformed("it nests deeper than \(JSONKeys.maxDepth) levels") }
                        stack.append(Frame(isObject: c == UInt8(ascii: "{")))
                        listener.open(isObject: c == UInt8(ascii: "{"))
                        i += 1
                        expect = c == UInt8(ascii: "{") ? .nameOrEnd : .valueOrEnd
                    } else if c == UInt8(ascii: "\"") {
                        guard let text = string() else { return malformed("a string is not closed, or holds a raw control character or a bad escape") }
                        if let top = stack.last, top.isObject, top.current == "currency" { stack[stack.count - 1].currency = text }
                        listener.string(text)
                        expect = .afterValue
                    } else if c == UInt8(ascii: "-") || isDigit(c) {
                        guard let text = number() else { return malformed("a number is not written as JSON writes one") }
                        // Beyond a double's range Foundation refuses the body; so does the gate.
                        if unreadable == nil, text.utf8.count > 300 || text.utf8.contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }),
                           !(Double(text)?.isFinite ?? false) {
                            unreadable = malformed("a number is beyond what can be read")
                        }
                        listener.scalar(UnsafeBufferPointer(rebasing: b[start..<i]))
                        if let top = stack.last, top.isObject, top.current == "amount", top.decimalAmount == nil,
                           text.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
                            stack[stack.count - 1].decimalAmount = text
                        }
                        expect = .afterValue
                    } else if literal("true") || literal("false") || literal("null") {
                        listener.scalar(UnsafeBufferPointer(rebasing: b[start..<i]))
                        expect = .afterValue
                    } else {
                        return malformed(c == 0xEF || c == 0xFE || c == 0xFF || c == 0 ? "it is not UTF-8 without a byte-order mark" : "an unexpected character")
                    }
                case .name, .nameOrEnd:
                    guard i < b.count else { return malformed("the body ends inside an object") }
                    if expect == .nameOrEnd, b[i] == UInt8(ascii: "}") {
                        i += 1; closeObject(); expect = .afterValue
                        continue
                    }
                    guard b[i] == UInt8(ascii: "\"") else {
                        return malformed(expect == .name && b[i] == UInt8(ascii: "}") ? "a comma before a closing brace" : "a name must be a string in quotes")
                    }
                    guard let name = string() else { return malformed("a name is not closed, or holds a raw control character or a bad escape") }
                    if !stack[stack.count - 1].names.insert(name).inserted, repeated == nil {
                        repeated = labels(stack.dropLast()) + [name]
                    }
                    stack[stack.count - 1].current = name
                    listener.name(name)
                    space()
                    guard i < b.count, b[i] == UInt8(ascii: ":") else { return malformed("a name must be followed by ':'") }
                    i += 1
                    expect = .value
                case .afterValue:
                    guard let top = stack.last else {
                        return i == b.count ? nil : malformed("more follows the JSON value")
                    }
                    guard i < b.count else { return malformed("the body ends before its closing bracket") }
                    if b[i] == UInt8(ascii: ",") {
                        i += 1
                        if top.isObject {
                            expect = .name
                        } else {
                            stack[stack.count - 1].index += 1
                            space()
                            if i < b.count, b[i] == UInt8(ascii: "]") { return malformed("a comma before a closing bracket") }
                            expect = .value
                        }
                    } else if b[i] == (top.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        i += 1
                        if top.isObject { closeObject() } else { closeArray() }
                    } else {
                        return malformed("expected ',' or a closing bracket")
                    }
                }
            }
        }
    }
}
