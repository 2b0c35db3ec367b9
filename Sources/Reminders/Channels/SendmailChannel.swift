import Foundation

/// Pipes the mail to a sendmail-compatible program (`/usr/sbin/sendmail -t -i` by default), which
/// reads the recipients from the headers. Exit 0 is delivered; 75 (EX_TEMPFAIL, sysexits.h) is
/// temporary; any other exit is permanent.
public struct SendmailChannel: DeliveryChannel {
    public let command: [String]
    public var name: String { "sendmail" }
    public var endpoint: String? { nil }

    public static let defaultCommand = "/usr/sbin/sendmail -t -i"

    /// `path` may carry arguments: "/usr/sbin/sendmail -t -i". A bare path gets `-t -i`.
    public init(command: String = SendmailChannel.defaultCommand) {
        var parts = command.split(separator: " ").map(String.init)
        if parts.count == 1 { parts += ["-t", "-i"] }
        self.command = parts
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
        do { try process.run() } catch {
            // Missing or not executable: an operator can fix it, so keep the message and retry.
            return .temporary("cannot run \(program): \(error.localizedDescription)")
        }
        let bytes = Data(message.mail().replacingOccurrences(of: "\r\n", with: "\n").utf8)
        do {
            try input.fileHandleForWriting.write(contentsOf: bytes)
            try input.fileHandleForWriting.close()
        } catch {
            process.waitUntilExit()
            return .temporary("\(program) stopped reading the message: \(error.localizedDescription)")
        }
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let said = String(decoding: stderr.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let detail = said.isEmpty ? "" : ": \(said)"
        if process.terminationReason == .uncaughtSignal {
            return .temporary("\(program) was killed by signal \(process.terminationStatus)\(detail)")
        }
        switch process.terminationStatus {
        case 0: return .delivered
        case 75: return .temporary("\(program) exited 75 (temporary failure)\(detail)")
        case let status: return .permanent("\(program) exited \(status)\(detail)")
        }
    }
}
