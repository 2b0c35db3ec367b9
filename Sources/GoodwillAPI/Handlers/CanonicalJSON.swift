import Foundation
import GoodwillCore

/// A JSON body in one form, for telling whether a retry is the same request: no whitespace,
/// each object's members sorted by name, strings with their escapes read and written again as
/// `JSONString` writes them, numbers as written (`1` and `1.0` stay apart: some fields read
/// them differently, so they are not known to say the same), and an empty body as `{}` (the
/// routes that take one read it so). nil for a body that is not JSON (RFC 8259).
///
/// One pass with an explicit stack, as `JSONKeys` does: a body may nest `JSONKeys.maxDepth`
/// levels, too deep to recurse on a thread's stack.
enum CanonicalJSON {
    static func form(of body: Data) -> [UInt8]? {
        if body.isEmpty { return Array("{}".utf8) }
        return body.withUnsafeBytes { raw in
            var writer = Writer(b: raw.bindMemory(to: UInt8.self))
            return writer.run()
        }
    }

    private struct Container {
        var isObject: Bool
        /// An object's names, quoted as written out, beside `values`.
        var names: [[UInt8]] = []
        var values: [[UInt8]] = []
    }

    private struct Writer {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0
        var stack: [Container] = []

        enum Expect { case value, valueOrEnd, name, nameOrEnd, afterValue }

        mutating func space() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }

        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

        func hex(_ c: UInt8) -> UInt32? {
            switch c {
            case 0x30...0x39: return UInt32(c - 0x30)
            case 0x41...0x46: return UInt32(c - 0x41 + 10)
            case 0x61...0x66: return UInt32(c - 0x61 + 10)
            default: return nil
            }
        }

        /// The UTF-16 unit of the `\uXXXX` escape at `i`, moving past it.
        mutating func unit() -> UInt32? {
            guard i + 5 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else { return nil }
            var value: UInt32 = 0
            for k in 2...5 {
                guard let d = hex(b[i + k]) else { return nil }
                value = value << 4 | d
            }
            i += 6
            return value
        }

        /// The string at `i` (a quote), quoted again as `JSONString` writes it; nil if not a JSON string.
        mutating func string() -> [UInt8]? {
            i += 1
            var text = String.UnicodeScalarView()
            var run = i
            func flush(_ end: Int) -> Bool {
                guard run < end else { return true }
                guard let s = String(validating: UnsafeBufferPointer(rebasing: b[run..<end]), as: UTF8.self) else { return false }
                text.append(contentsOf: s.unicodeScalars)
                return true
            }
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "\"") {
                    guard flush(i) else { return nil }
                    i += 1
                    return Array(JSONString.quoted(String(text)).utf8)
                }
                if c < 0x20 { return nil }
                guard c == UInt8(ascii: "\\") else { i += 1; continue }
                guard flush(i), i + 1 < b.count else { return nil }
                let simple: [UInt8: Unicode.Scalar] = [0x22: "\"", 0x5C: "\\", 0x2F: "/", 0x62: "\u{08}", 0x66: "\u{0C}",
                                                       0x6E: "\n", 0x72: "\r", 0x74: "\t"]
                if let scalar = simple[b[i + 1]] {
                    text.append(scalar)
                    i += 2
                } else {
                    guard var value = unit() else { return nil }
                    if (0xD800...0xDBFF).contains(value) {
                        guard let low = unit(), (0xDC00...0xDFFF).contains(low) else { return nil }
                        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(value) else { return nil }
                    text.append(scalar)
                }
                run = i
            }
            return nil
        }

        /// The number at `i` as written (RFC 8259 §6); nil if not one.
        mutating func number() -> [UInt8]? {
            let start = i
            func digits() -> Bool {
                let first = i
                while i < b.count, isDigit(b[i]) { i += 1 }
                return i > first
            }
            if b[i] == UInt8(ascii: "-") { i += 1 }
            if i < b.count, b[i] == 0x30 { i += 1 } else { guard digits() else { return nil } }
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                guard digits() else { return nil }
            }
            if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
                i += 1
                if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
                guard digits() else { return nil }
            }
            return Array(b[start..<i])
        }

        mutating func literal() -> [UInt8]? {
            for word in ["true", "false", "null"] {
                let w = Array(word.utf8)
                if i + w.count <= b.count, b[i..<(i + w.count)].elementsEqual(w) {
                    i += w.count
                    return w
                }
            }
            return nil
        }

        /// `value` written out: into the open container, or the whole body's form when none is open.
        mutating func add(_ value: [UInt8], to result: inout [UInt8]?) {
            if stack.isEmpty { result = value } else { stack[stack.count - 1].values.append(value) }
        }

        mutating func close() -> [UInt8] {
            let c = stack.removeLast()
            var out: [UInt8] = [c.isObject ? UInt8(ascii: "{") : UInt8(ascii: "[")]
            let order = c.isObject ? c.names.indices.sorted { c.names[$0].lexicographicallyPrecedes(c.names[$1]) } : Array(c.values.indices)
            for (n, k) in order.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                if c.isObject { out += c.names[k]; out.append(UInt8(ascii: ":")) }
                out += c.values[k]
            }
            out.append(c.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
            return out
        }

        mutating func run() -> [UInt8]? {
            var result: [UInt8]?
            var expect = Expect.value
            while true {
                space()
                switch expect {
                case .value, .valueOrEnd:
                    guard i < b.count else { return nil }
                    let c = b[i]
                    if expect == .valueOrEnd, c == UInt8(ascii: "]") {
                        i += 1
                        add(close(), to: &result)
                        expect = .afterValue
                    } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                        guard stack.count < JSONKeys.maxDepth else { return nil }
                        stack.append(Container(isObject: c == UInt8(ascii: "{")))
                        i += 1
                        expect = c == UInt8(ascii: "{") ? .nameOrEnd : .valueOrEnd
                    } else {
                        let value = c == UInt8(ascii: "\"") ? string() : c == UInt8(ascii: "-") || isDigit(c) ? number() : literal()
                        guard let value else { return nil }
                        add(value, to: &result)
                        expect = .afterValue
                    }
                case .name, .nameOrEnd:
                    guard i < b.count else { return nil }
                    if expect == .nameOrEnd, b[i] == UInt8(ascii: "}") {
                        i += 1
                        add(close(), to: &result)
                        expect = .afterValue
                        continue
                    }
                    guard b[i] == UInt8(ascii: "\""), let name = string() else { return nil }
                    stack[stack.count - 1].names.append(name)
                    space()
                    guard i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
                    i += 1
                    expect = .value
                case .afterValue:
                    guard let top = stack.last else { return i == b.count ? result : nil }
                    guard i < b.count else { return nil }
                    if b[i] == UInt8(ascii: ",") {
                        i += 1
                        expect = top.isObject ? .name : .value
                    } else if b[i] == (top.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        i += 1
                        add(close(), to: &result)
                    } else {
                        return nil
                    }
                }
            }
        }
    }
}
