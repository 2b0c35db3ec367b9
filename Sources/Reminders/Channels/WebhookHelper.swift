import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The `goodwill-webhook` program, which makes the webhook POSTs (see `WebhookChannel` for why it
/// is a program of its own, and Sources/goodwill-webhook for its side of the exchange).
public enum WebhookHelper {
    public static let programName = "goodwill-webhook"
    /// Overrides where the program is looked for.
    public static let environmentVariable = "GOODWILL_WEBHOOK_HELPER"

    /// What the program is given on stdin.
    struct Request: Codable, Equatable {
        var url: String
        var timeout: Double
        var headers: [[String]]
        var body: String
    }

    /// What it answers on stdout.
    struct Answer: Codable, Equatable {
        var status: Int?
        var location: String?
        var retryAfter: String?
        var error: String?
        var timedOut: Bool?
        enum CodingKeys: String, CodingKey { case status, location, retryAfter = "retry_after", error, timedOut = "timed_out" }
    }

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
        access(path, X_OK) == 0 ? nil : Problem.cannotStart(path, reason: String(cString: strerror(errno))).description
    }

    /// Runs the program on `request`; kills it when it has not finished within `seconds`.
    static func run(_ path: String, _ request: Request, waitingAtMost seconds: TimeInterval) -> Result<Answer, Problem> {
        let input: [UInt8]
        do { input = Array(try JSONEncoder().encode(request)) } catch { return .failure(.failed(path, detail: "cannot encode the request: \(error)")) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do { try process.run() } catch { return .failure(.cannotStart(path, reason: error.localizedDescription)) }
        // Pipes are fed and drained on threads of their own (SendmailChannel's), so a program that
        // neither reads nor exits blocks those threads until it is killed, never this one.
        let writer = SendmailChannel.writeAll(input, to: fcntl(stdin.fileHandleForWriting.fileDescriptor, F_DUPFD_CLOEXEC, 0))
        let output = SendmailChannel.readSome(fcntl(stdout.fileHandleForReading.fileDescriptor, F_DUPFD_CLOEXEC, 0), limit: 16_384)
        let errors = SendmailChannel.readSome(fcntl(stderr.fileHandleForReading.fileDescriptor, F_DUPFD_CLOEXEC, 0), limit: 1_024)
        try? stdin.fileHandleForWriting.close()
        try? stdout.fileHandleForReading.close()
        try? stderr.fileHandleForReading.close()

        if exited.wait(timeout: .now() + seconds) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            _ = exited.wait(timeout: .now() + 5)
            return .failure(.timedOut(path, seconds: Int(seconds)))
        }
        _ = writer.wait(seconds: 2)
        let said = String(decoding: errors.wait(seconds: 2) ?? [], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let out = output.wait(seconds: 2) ?? []
        if process.terminationReason == .uncaughtSignal {
            return .failure(.failed(path, detail: "killed by signal \(process.terminationStatus)" + (said.isEmpty ? "" : ": \(said)")))
        }
        guard process.terminationStatus == 0 else {
            return .failure(.failed(path, detail: "exit \(process.terminationStatus)" + (said.isEmpty ? "" : ": \(said)")))
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(out)) else {
            return .failure(.failed(path, detail: "it answered something other than its JSON: \(String(decoding: out.prefix(200), as: UTF8.self))"))
        }
        return .success(answer)
    }
}
