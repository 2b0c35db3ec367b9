import Foundation
import GoodwillCore
import Glibc
import Synchronization

/// One JSON line per request on stderr: method, route pattern (never the path, so voucher codes
/// and IDs stay out of the log), status, duration, request id, and the key's name (never its secret).
public struct RequestLog: Sendable {
    public var enabled: Bool
    let clock: any Clock
    /// Standard error; a test gives a sink on a file, to read what was said.
    let sink: LogSink

    public init(enabled: Bool = true, clock: any Clock, sink: LogSink = .standardError) {
        self.enabled = enabled
        self.clock = clock
        self.sink = sink
    }

    func request(id: String, method: String, route: String, status: Int, seconds: Double, key: String?, code: String?) {
        guard enabled else { return }
        sink.append(Self.line(at: clock.now(), id: id, method: method, route: route, status: status,
                              seconds: seconds, key: key, code: code))
    }

    /// The line as bytes, written straight into one buffer: this runs for every request, and
    /// joining Strings made a new one for each piece. Method, route and code are ours (no escaping
    /// needed); the key name is limited to [A-Za-z0-9._-].
    static func line(at: Date, id: String, method: String, route: String, status: Int, seconds: Double, key: String?, code: String?) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(224)
        func text(_ s: String) { line.append(contentsOf: s.utf8) }
        let micros = max(0, Int((seconds * 1_000_000).rounded()))
        text(#"{"at":""#); text(RFC3339.format(at))
        text(status >= 500 ? #"","level":"error","request_id":""# : #"","level":"info","request_id":""#)
        text(id); text(#"","method":""#); text(method); text(#"","route":""#); text(route)
        text(#"","status":"#); line.appendDecimal(Int64(status))
        text(#","duration_ms":"#); line.appendDecimal(Int64(micros / 1000))
        line.append(UInt8(ascii: "."))
        line.append(UInt8(48 + micros / 100 % 10)); line.append(UInt8(48 + micros / 10 % 10)); line.append(UInt8(48 + micros % 10))
        if let key { text(#","key":""#); text(key); line.append(UInt8(ascii: "\"")) }
        if let code { text(#","problem":""#); text(code); line.append(UInt8(ascii: "\"")) }
        text("}\n")
        return line
    }

    func event(_ message: String, _ extra: [String: JSONValue] = [:]) {
        guard enabled else { return }
        write(message, extra)
    }

    /// Said even when request logging is off (`serve --quiet`): something an operator must act on.
    func critical(_ message: String, _ extra: [String: JSONValue] = [:]) {
        var fields = extra
        fields["level"] = .string("critical")
        write(message, fields)
    }

    private func write(_ message: String, _ extra: [String: JSONValue]) {
        var fields = extra
        fields["at"] = .string(RFC3339.format(clock.now()))
        fields["message"] = .string(message)
        sink.append(JSONValue.object(fields).serialized() + "\n")
        sink.flush()
    }
}

/// Whole lines gathered in memory and written to the file descriptor by a background thread
/// every 50 ms (or at once when 64 KiB are waiting), so a request costs no system call for its
/// log line and lines from different threads never interleave.
public final class LogSink: Sendable {
    public static let standardError = LogSink(fd: 2)

    private let fd: Int32
    private let buffer = Mutex<[UInt8]>([])
    private let writing = Mutex<Void>(())
    private let started = Atomic<Bool>(false)

    init(fd: Int32) { self.fd = fd }

    func append(_ line: String) { append(contentsOf: line.utf8) }

    func append(_ line: [UInt8]) { append(contentsOf: line) }

    private func append(contentsOf line: some Sequence<UInt8>) {
        let full = buffer.withLock { b -> Bool in
            b.append(contentsOf: line)
            return b.count >= 64 * 1024
        }
        if full { flush() }
        startFlusher()
    }

    /// Writes out everything appended so far (also called at shutdown).
    public func flush() {
        writing.withLock { _ in
            let bytes = buffer.withLock { b -> [UInt8] in
                defer { b.removeAll(keepingCapacity: true) }
                return b
            }
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n <= 0 { if errno == EINTR { continue }; break }
                offset += n
            }
        }
    }

    private func startFlusher() {
        guard !started.load(ordering: .relaxed), !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in
            while true {
                usleep(50_000)
                flush()
            }
        }
        thread.name = "log-flush"
        thread.start()
    }
}
