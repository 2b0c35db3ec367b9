import Foundation
import GoodwillCore
import Glibc

/// One JSON line per request on stderr: method, route pattern (never the path, so voucher codes
/// and IDs stay out of the log), status, duration, request id, and the key's name (never its secret).
public struct RequestLog: Sendable {
    public var enabled: Bool
    let clock: any Clock

    public init(enabled: Bool = true, clock: any Clock) {
        self.enabled = enabled
        self.clock = clock
    }

    func request(id: String, method: String, route: String, status: Int, seconds: Double, key: String?, code: String?) {
        guard enabled else { return }
        var fields: [String: JSONValue] = [
            "at": .string(RFC3339.format(clock.now())), "level": .string(status >= 500 ? "error" : "info"),
            "request_id": .string(id), "method": .string(method), "route": .string(route),
            "status": .integer(Int64(status)), "duration_ms": .number((seconds * 1_000_000).rounded() / 1000),
        ]
        if let key { fields["key"] = .string(key) }
        if let code { fields["problem"] = .string(code) }
        write(JSONValue.object(fields).serialized())
    }

    func event(_ message: String, _ extra: [String: JSONValue] = [:]) {
        guard enabled else { return }
        var fields = extra
        fields["at"] = .string(RFC3339.format(clock.now()))
        fields["message"] = .string(message)
        write(JSONValue.object(fields).serialized())
    }

    /// One write(2) per line, so lines from different threads never interleave.
    private func write(_ line: String) {
        var bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
