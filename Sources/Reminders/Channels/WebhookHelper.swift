import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import WebhookWire

/// The `goodwill-webhook` program, which makes the webhook POSTs (see `WebhookChannel` for why it
/// is a program of its own, and Sources/goodwill-webhook for its side of the exchange).
public enum WebhookHelper {
    public static let programName = "goodwill-webhook"
    /// Overrides where the program is looked for.
    public static let environmentVariable = "GOODWILL_WEBHOOK_HELPER"

    /// What the program is given, and what it answers (`WebhookWire`, shared with the program).
    typealias Request = WebhookWire.Request
    typealias Answer = WebhookWire.Answer

    /// Why there is no answer to judge: each is temporary for the dispatcher (the message waits and
    /// is tried again once the operator has seen to it).
    enum Problem: Error, Equatable, CustomStringConvertible {
        case cannotStart(String, reason: String)
        case timedOut(String, seconds: Int)
        case failed(String, detail: String)

        var description: String {
            switch self {
            case .cannotStart(let path, let reason):
                return "cannot run \(path) (\(reason)); webhooks are sent by the \(WebhookHelper.programName) program, built beside goodwill by `swift build`; put it there or name it in \(WebhookHelper.environmentVariable)"
            case .timedOut(let path, let seconds):
                return "\(path) did not finish within \(seconds) s and was stopped; the message will be tried again"
            case .failed(let path, let detail):
                return "\(path) failed: \(detail)"
            }
        }
    }

    /// `GOODWILL_WEBHOOK_HELPER` when set, else `goodwill-webhook` in the running program's folder
    /// (`.build/<config>/` holds both `goodwill` and the test runner).
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment[environmentVariable], !path.isEmpty { return path }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent(programName).path
    }

    /// Nil when `path` is a program this process may run, else why not (for refusing a webhook
    /// run up front rather than failing every message).
    public static func problem(at path: String) -> String? {
        func cannot(_ reason: String) -> String { Problem.cannotStart(path, reason: reason).description }
        var info = stat()
        guard stat(path, &info) == 0 else { return cannot(String(cString: strerror(errno))) }
        // access(X_OK) passes a folder (its x bit is "search"), which no delivery can then run.
        if info.st_mode & S_IFMT == S_IFDIR { return cannot("it is a folder, not a program") }
        return access(path, X_OK) == 0 ? nil : cannot(String(cString: strerror(errno)))
    }

    static let answerLimit = WebhookWire.answerLimit

    /// The running program, started at the first exchange and again whenever it has stopped (it
    /// exits after a minute without a request). Requests go one at a time over a socket that is
    /// both its stdin and its stdout (a socket, so a write to a program that has gone is an error
    /// here, never a SIGPIPE); its stderr is a pipe read when it fails.
    final class Runner: @unchecked Sendable {
        let path: String
        private let state = Mutex<Running?>(nil)

        struct Running {
            let process: Process
            let socket: Int32
            let errors: Pipe
            let exited: DispatchSemaphore
        }

        init(path: String) { self.path = path }

        deinit {
            // The program reads the end of its input and exits; nothing here waits for it.
            state.withLock { running in if let r = running { close(r.socket) } }
        }

        func exchange(_ request: Request, waitingAtMost seconds: TimeInterval) -> Result<Answer, Problem> {
            var line: [UInt8]
            do { line = Array(try JSONEncoder().encode(request)) } catch { return .failure(.failed(path, detail: "cannot encode the request: \(error)")) }
            line.append(0x0A)
            return state.withLock { running in
                // A program that exited for being idle just as this was sent never saw it: once more
                // with a new one. (It exits only between requests, so nothing was posted twice.)
                // One deadline for the exchange, a second program included: `maxDeliveryTime`,
                // which sizes the lease, counts on it.
                let deadline = DispatchTime.now() + seconds
                for attempt in 0..<2 {
                    if running == nil {
                        switch start() {
                        case .success(let r): running = r
                        case .failure(let problem): return .failure(problem)
                        }
                    }
                    let r = running!
                    switch Self.send(line, to: r.socket, before: deadline).flatMap({ Self.readLine(r.socket, before: deadline) }) {
                    case .success(let answerLine):
                        // Whatever it said on stderr meanwhile is read away: left in the pipe, a
                        // program that lives for many requests would one day block on a full one.
                        _ = Self.readAvailable(r.errors)
                        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(answerLine)) else {
                            stop(r, &running)
                            return .failure(.failed(path, detail: "it answered something other than its JSON: \(String(decoding: answerLine.prefix(200), as: UTF8.self))"))
                        }
                        return .success(answer)
                    case .failure(.timedOut):
                        stop(r, &running)
                        return .failure(.timedOut(path, seconds: Int(seconds)))
                    case .failure(.closed):
                        // It has exited, or is exiting: its status says why.
                        close(r.socket)
                        running = nil
                        _ = r.exited.wait(timeout: .now() + 5)
                        if r.process.isRunning { kill(r.process.processIdentifier, SIGKILL); _ = r.exited.wait(timeout: .now() + 5) }
                        if attempt == 0, r.process.terminationReason == .exit, r.process.terminationStatus == 0 { continue }
                        let said = String(decoding: Self.readAvailable(r.errors), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                        let how = r.process.terminationReason == .uncaughtSignal ? "killed by signal \(r.process.terminationStatus)" : "exit \(r.process.terminationStatus)"
                        return .failure(.failed(path, detail: how + (said.isEmpty ? "" : ": \(said)")))
                    }
                }
                return .failure(.failed(path, detail: "it stopped twice before answering"))
            }
        }

        private func start() -> Result<Running, Problem> {
            var pair: [Int32] = [0, 0]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
                return .failure(.cannotStart(path, reason: "socketpair: \(String(cString: strerror(errno)))"))
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            // It needs none of goodwill's settings, and GOODWILL_WEBHOOK_SECRET is one of them: the
            // requests it gets are signed already. The rest (a proxy, a CA bundle for libcurl) it keeps.
            process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GOODWILL_") }
            let childEnd = FileHandle(fileDescriptor: pair[1], closeOnDealloc: false)
            let errors = Pipe()
            process.standardInput = childEnd
            process.standardOutput = childEnd
            process.standardError = errors
            let exited = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in exited.signal() }
            do { try process.run() } catch {
                close(pair[0]); close(pair[1])
                return .failure(.cannotStart(path, reason: error.localizedDescription))
            }
            close(pair[1])
            try? errors.fileHandleForWriting.close()
            _ = fcntl(pair[0], F_SETFL, fcntl(pair[0], F_GETFL) | O_NONBLOCK)
            _ = fcntl(errors.fileHandleForReading.fileDescriptor, F_SETFL, fcntl(errors.fileHandleForReading.fileDescriptor, F_GETFL) | O_NONBLOCK)
            return .success(Running(process: process, socket: pair[0], errors: errors, exited: exited))
        }

        /// Kills the program (it hangs, or talks nonsense) and forgets it; the next exchange starts another.
        private func stop(_ r: Running, _ running: inout Running?) {
            kill(r.process.processIdentifier, SIGKILL)
            close(r.socket)
            _ = r.exited.wait(timeout: .now() + 5)
            running = nil
        }

        enum Trouble: Error { case timedOut, closed }

        private static func wait(_ fd: Int32, for events: Int16, before deadline: DispatchTime) -> Result<Void, Trouble> {
            while true {
                let now = DispatchTime.now()
                guard now < deadline else { return .failure(.timedOut) }
                let ms = Int32(min((deadline.uptimeNanoseconds - now.uptimeNanoseconds) / 1_000_000 + 1, UInt64(Int32.max)))
                var p = pollfd(fd: fd, events: events, revents: 0)
                let n = poll(&p, 1, ms)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { return .failure(.closed) }
                if n > 0 { return .success(()) }
            }
        }

        private static func send(_ bytes: [UInt8], to fd: Int32, before deadline: DispatchTime) -> Result<Void, Trouble> {
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n > 0 { sent += n; continue }
                if n < 0 && errno == EINTR { continue }
                guard n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) else { return .failure(.closed) }
                if case .failure(let t) = wait(fd, for: Int16(POLLOUT), before: deadline) { return .failure(t) }
            }
            return .success(())
        }

        /// One line of answer (at most `answerLimit`; its JSON is a few dozen bytes), without its newline.
        private static func readLine(_ fd: Int32, before deadline: DispatchTime) -> Result<[UInt8], Trouble> {
            var line: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                if let newline = line.firstIndex(of: 0x0A) { return .success(Array(line[..<newline])) }
                if line.count > answerLimit { return .success(line) }
                let n = recv(fd, &chunk, chunk.count, 0)
                if n > 0 { line += chunk[0..<n]; continue }
                if n == 0 { return line.isEmpty ? .failure(.closed) : .success(line) }
                if errno == EINTR { continue }
                guard errno == EAGAIN || errno == EWOULDBLOCK else { return .failure(.closed) }
                if case .failure(let t) = wait(fd, for: Int16(POLLIN), before: deadline) { return .failure(t) }
            }
        }

        /// What is in the pipe now (it does not wait), keeping the last KiB; at most 64 KiB a call
        /// (a pipe's capacity: enough to unblock the program), so a program that writes to stderr
        /// without end cannot hold the delivery here past its deadline.
        private static func readAvailable(_ pipe: Pipe) -> [UInt8] {
            var kept: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            var total = 0
            while total < 65_536 {
                let n = read(pipe.fileHandleForReading.fileDescriptor, &chunk, chunk.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return kept }
                total += n
                kept = Array((kept + chunk[0..<n]).suffix(1024))
            }
            return kept
        }
    }
}
