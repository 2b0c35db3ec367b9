import Foundation
import GoodwillCore
import Glibc
import Synchronization

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
        // Built by hand: this runs for every request. Method, route and code are ours (no escaping
        // needed); the key name is limited to [A-Za-z0-9._-].
        let micros = Int((seconds * 1_000_000).rounded())
        var line = #"{"at":""# + RFC3339.format(clock.now()) + #"","level":""# + (status >= 500 ? "error" : "info")
        line += #"","request_id":""# + id + #"","method":""# + method + #"","route":""# + route
        line += #"","status":"# + String(status) + #","duration_ms":"# + String(micros / 1000) + "." + Self.pad3(micros % 1000)
        if let key { line += #","key":""# + key + "\"" }
        if let code { line += #","problem":""# + code + "\"" }
        line += "}\n"
        LogSink.standardError.append(line)
    }

    func event(_ message: String, _ extra: [String: JSONValue] = [:]) {
        guard enabled else { return }
        var fields = extra
        fields["at"] = .string(RFC3339.format(clock.now()))
        fields["message"] = .string(message)
        LogSink.standardError.append(JSONValue.object(fields).serialized() + "\n")
        LogSink.standardError.flush()
    }

    static func pad3(_ n: Int) -> String { n < 10 ? "00\(n)" : n < 100 ? "0\(n)" : String(n) }
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

    func append(_ line: String) {
        let full = buffer.withLock { b -> Bool in
            b.append(contentsOf: line.utf8)
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
