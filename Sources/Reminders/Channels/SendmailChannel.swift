import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Pipes the mail to a sendmail-compatible program (`/usr/sbin/sendmail -t -i` by default), which
/// reads the recipients from the headers. Exit 0 is delivered. 71 (EX_OSERR), 74 (EX_IOERR) and 75
/// (EX_TEMPFAIL, sysexits.h) are temporary, tried again with the backoff: Postfix counts 71 and 75
/// as recoverable, and msmtp, the usual sendmail in containers, exits 75 when it cannot connect,
/// 71 on a socket error and 74 when the network or TLS fails in the middle of a session. Any other
/// exit is permanent (64-70, 72, 73, 76-78: the message, the address or the setup is wrong, and
/// sending it again changes nothing). A program killed by a signal did not refuse the message:
/// temporary. A program still running after `timeout` is killed and the message tried again
/// later: a hung sendmail must not hold the reminder loop (or `serve`'s shutdown, which waits for
/// the loop) forever.
public struct SendmailChannel: DeliveryChannel {
    public let command: [String]
    public let timeout: TimeInterval
    public var name: String { "sendmail" }
    public var endpoint: String? { nil }
    /// The timeout, and the few seconds a killed program and its pipes get to wind down.
    public var maxDeliveryTime: TimeInterval { timeout + 8 }

    public static let defaultCommand = "/usr/sbin/sendmail -t -i"

    /// `path` may carry arguments: "/usr/sbin/sendmail -t -i". A bare path gets `-t -i`.
    public init(command: String = SendmailChannel.defaultCommand, timeout: TimeInterval = 60) {
        var parts = command.split(separator: " ").map(String.init)
        if parts.count == 1 { parts += ["-t", "-i"] }
        self.command = parts
        self.timeout = timeout
    }

    public func deliver(_ message: OutgoingMessage, now: Date) -> DeliveryOutcome {
        guard let program = command.first else { return .permanent("no sendmail program is configured") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = Array(command.dropFirst())
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do { try process.run() } catch {
            // Missing or not executable: an operator can fix it, so keep the message and retry.
            return .temporary("cannot run \(program): \(error.localizedDescription)")
        }
        // The message goes in, and what the program says comes out, on threads of their own with
        // their own copies of the pipe ends: a program that neither reads nor exits blocks those
        // threads (until it is killed), never this one.
        let bytes = Array(message.mail().replacingOccurrences(of: "\r\n", with: "\n").utf8)
        let writer = Self.writeAll(bytes, to: fcntl(input.fileHandleForWriting.fileDescriptor, F_DUPFD_CLOEXEC, 0))
        let reader = Self.readSome(fcntl(errors.fileHandleForReading.fileDescriptor, F_DUPFD_CLOEXEC, 0), limit: 4096)
        try? input.fileHandleForWriting.close()
        try? errors.fileHandleForReading.close()

        if exited.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            _ = exited.wait(timeout: .now() + 5)
            return .temporary("\(program) did not finish within \(Int(timeout)) s and was stopped; the message will be tried again")
        }
        // It has exited: its ends of the pipes are closed, so both threads finish at once (a child
        // it left behind holding stderr open is not waited for).
        let writeError = writer.wait(seconds: 2) ?? nil
        let said = String(decoding: (reader.wait(seconds: 2) ?? []).prefix(300), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let detail = said.isEmpty ? "" : ": \(said)"
        if process.terminationReason == .uncaughtSignal {
            return .temporary("\(program) was killed by signal \(process.terminationStatus)\(detail)")
        }
        if let writeError, process.terminationStatus != 0 {
            return .temporary("\(program) stopped reading the message: \(writeError)")
        }
        switch process.terminationStatus {
        case 0: return .delivered
        case let status:
            if let kind = Self.temporaryExits[status] { return .temporary("\(program) exited \(status) (\(kind))\(detail)") }
            return .permanent("\(program) exited \(status)\(detail)")
        }
    }

    /// The exits that say "not now" rather than "no" (a network that failed before or during the
    /// session, a mail system that could not take the message at the moment), each with its
    /// meaning in sysexits.h.
    static let temporaryExits: [Int32: String] = [71: "operating system error", 74: "input/output error", 75: "temporary failure"]

    /// A value a background thread hands over when it is done.
    final class Handover<T: Sendable>: Sendable {
        private let value = Mutex<T?>(nil)
        private let done = DispatchSemaphore(value: 0)
        func put(_ v: T) { value.withLock { $0 = v }; done.signal() }
        /// The value, or nil when the thread is not done within `seconds`.
        func wait(seconds: TimeInterval) -> T? {
            done.wait(timeout: .now() + seconds) == .timedOut ? nil : value.withLock { $0 }
        }
    }

    /// Writes `bytes` to `fd` and closes it; hands over the error, if any. SIGPIPE (the program
    /// exited without reading) is blocked on this thread, so it is an EPIPE, not the end of us.
    static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Handover<String?> {
        let result = Handover<String?>()
        Thread.detachNewThread {
            var pipeSignal = sigset_t()
            sigemptyset(&pipeSignal)
            sigaddset(&pipeSignal, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
            var written = 0, failure: String?
            while written < bytes.count {
                let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno)); break
                }
                written += n
            }
            close(fd)
            result.put(failure)
        }
        return result
    }

    /// Reads `fd` to its end, keeping the first `limit` bytes, and closes it.
    static func readSome(_ fd: Int32, limit: Int) -> Handover<[UInt8]> {
        let result = Handover<[UInt8]>()
        Thread.detachNewThread {
            var kept: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(fd, &chunk, chunk.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                if kept.count < limit { kept += chunk[0..<min(n, limit - kept.count)] }
            }
            close(fd)
            result.put(kept)
        }
        return result
    }
}
