import Foundation
import GoodwillCore

/// A JSON body in one form, for telling whether a retry is the same request: no whitespace,
/// each object's members sorted by name, strings with their escapes read and written again as
/// `JSONString` writes them, numbers as written (`1` and `1.0` stay apart: some fields read
/// them differently, so they are not known to say the same), and an empty body as `{}` (the
/// routes that take one read it so). nil for a body that is not JSON (RFC 8259).
///
/// Stored records' fingerprints are made of this form, so it must stay byte for byte as it is
/// (SupportWriteRetryTests pins it). The body is read by `JSONKeys`' scan, the scanner the gate
/// runs (CanonicalJSON has no lexer of its own), which tells a `Writer` each value; the writer keeps an
/// explicit stack, as the scan does.
enum CanonicalJSON {
    static func form(of body: Data) -> [UInt8]? {
        if body.isEmpty { return Array("{}".utf8) }
        var writer = Writer()
        guard JSONKeys.inspect(body, reporting: &writer).isJSON else { return nil }
        return writer.result
    }

    private struct Container {
        var isObject: Bool
        /// An object's names, quoted as written out, beside `values`.
        var names: [[UInt8]] = []
        var values: [[UInt8]] = []
    }

    private struct Writer: JSONKeys.Listener {
        var stack: [Container] = []
        /// The whole body's form, once its value is closed.
        var result: [UInt8]?

        mutating func open(isObject: Bool) { stack.append(Container(isObject: isObject)) }

        mutating func name(_ text: String) { stack[stack.count - 1].names.append(Array(JSONString.quoted(text).utf8)) }

        mutating func string(_ text: String) { add(Array(JSONString.quoted(text).utf8)) }

        mutating func scalar(_ bytes: UnsafeBufferPointer<UInt8>) { add(Array(bytes)) }

        mutating func close() {
            let c = stack.removeLast()
            var out: [UInt8] = [c.isObject ? UInt8(ascii: "{") : UInt8(ascii: "[")]
            let order = c.isObject ? c.names.indices.sorted { c.names[$0].lexicographicallyPrecedes(c.names[$1]) } : Array(c.values.indices)
            for (n, k) in order.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                if c.isObject { out += c.names[k]; out.append(UInt8(ascii: ":")) }
                out += c.values[k]
            }
            out.append(c.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
            add(out)
        }

        /// `value` written out: into the open container, or the whole body's form when none is open.
        mutating func add(_ value: [UInt8]) {
            if stack.isEmpty { result = value } else { stack[stack.count - 1].values.append(value) }
        }
    }
}
