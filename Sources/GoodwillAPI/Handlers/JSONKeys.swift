import Foundation

/// Finds a name given twice in one JSON object, at any depth. RFC 8259 §4 leaves what a parser
/// does with one open: JSONDecoder keeps the first, most others the last, so a gateway in front
/// would check another amount than the one the ledger books. Such a body is refused, not resolved.
///
/// One pass over the bytes, without recursion; names are compared as bytes in place, and copied
/// into strings only when one has an escape or non-ASCII (`"\u0061mount"` is `"amount"`) or an
/// object has many names (then a set keeps the pass linear).
enum JSONKeys {
    /// The path of the first repeated name (`["value", "amount"]`), or nil when there is none or
    /// the bytes are not JSON (the decoder words that).
    static func firstRepeated(in data: Data) -> [String]? {
        data.withUnsafeBytes { raw in
            var scanner = Scanner(b: raw.bindMemory(to: UInt8.self))
            return scanner.run()
        }
    }

    private struct Frame {
        var isObject: Bool
        /// The names met so far, as ranges of the body's bytes (inside the quotes).
        var names: [Range<Int>] = []
        /// Every name, decoded, once the object has more than `Scanner.linearLimit`.
        var set: Set<String>?
        /// The name whose value is being read, or the index of the array element.
        var current: Range<Int>?
        var index = 0
    }

    private struct Scanner {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0
        var stack: [Frame] = []
        static let linearLimit = 16

        init(b: UnsafeBufferPointer<UInt8>) { self.b = b }

        mutating func space() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }

        /// Moves past the string starting at `i` (a quote) and returns the range inside its quotes.
        mutating func string() -> Range<Int>? {
            guard i < b.count, b[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            let start = i
            while i < b.count {
                if b[i] == UInt8(ascii: "\\") { i += 2; continue }
                if b[i] == UInt8(ascii: "\"") { i += 1; return start..<(i - 1) }
                i += 1
            }
            return nil
        }

        func isPlain(_ r: Range<Int>) -> Bool {
            for k in r where b[k] == UInt8(ascii: "\\") || b[k] >= 0x80 { return false }
            return true
        }

        func decoded(_ r: Range<Int>) -> String {
            let quoted = Data(UnsafeBufferPointer(rebasing: b[(r.lowerBound - 1)..<(r.upperBound + 1)]))
            return (try? JSONSerialization.jsonObject(with: quoted, options: .fragmentsAllowed)) as? String
                ?? String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)
        }

        func same(_ x: Range<Int>, _ y: Range<Int>) -> Bool {
            if isPlain(x) && isPlain(y) {
                guard x.count == y.count else { return false }
                for k in 0..<x.count where b[x.lowerBound + k] != b[y.lowerBound + k] { return false }
                return true
            }
            return decoded(x) == decoded(y)
        }

        /// Records `name` in the innermost object; false when it was there already.
        mutating func add(_ name: Range<Int>) -> Bool {
            var top = stack[stack.count - 1]
            defer { stack[stack.count - 1] = top }
            top.current = name
            if top.set == nil, top.names.count < Self.linearLimit {
                if top.names.contains(where: { same($0, name) }) { return false }
                top.names.append(name)
                return true
            }
            if top.set == nil { top.set = Set(top.names.map(decoded)); top.names = [] }
            return top.set!.insert(decoded(name)).inserted
        }

        var path: [String] {
            stack.map { $0.isObject ? $0.current.map(decoded) ?? "" : "[\($0.index)]" }
        }

        enum State { case value, name, after }

        mutating func run() -> [String]? {
            var repeated: [String]?
            var state = State.value
            while true {
                space()
                switch state {
                case .value:
                    guard i < b.count else { return nil }
                    switch b[i] {
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        let isObject = b[i] == UInt8(ascii: "{")
                        stack.append(Frame(isObject: isObject))
                        i += 1
                        space()
                        if i < b.count, b[i] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                            stack.removeLast(); i += 1; state = .after
                        } else {
                            state = isObject ? .name : .value
                        }
                    case UInt8(ascii: "\""):
                        guard string() != nil else { return nil }
                        state = .after
                    default:
                        let start = i
                        while i < b.count, !"{}[],: \n\r\t\"".utf8.contains(b[i]) { i += 1 }
                        guard i > start else { return nil }
                        state = .after
                    }
                case .name:
                    guard let name = string() else { return nil }
                    if !add(name), repeated == nil { repeated = path }
                    space()
                    guard i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
                    i += 1
                    state = .value
                case .after:
                    // Reported only for a body that is JSON to its end, so a malformed one stays malformed.
                    guard let top = stack.last else { return i == b.count ? repeated : nil }
                    guard i < b.count else { return nil }
                    if b[i] == UInt8(ascii: ",") {
                        i += 1
                        if top.isObject { state = .name } else { stack[stack.count - 1].index += 1; state = .value }
                    } else if b[i] == (top.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        i += 1
                        stack.removeLast()
                    } else {
                        return nil
                    }
                }
            }
        }
    }
}
