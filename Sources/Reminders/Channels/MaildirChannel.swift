import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes each message into a Maildir the way qmail specified it: into `tmp/`, fsync, then rename
/// into `new/`, so a reader never sees half a message. The file name is the message id, so a second
/// delivery of the same message (a retry after a crash) finds it and writes no second file.
public struct MaildirChannel: DeliveryChannel {
    public let root: String
    public var name: String { "maildir" }
    public var endpoint: String? { nil }
    /// A local file and two fsyncs.
    public var maxDeliveryTime: TimeInterval { 1 }

    public init(root: String) { self.root = root }

    /// The name of a message's file in `new/` (a mail reader moves it to `cur/` adding `:2,flags`).
    public static func fileName(for messageID: String) -> String { messageID + ".goodwill" }

    public func deliver(_ message: OutgoingMessage, now: Date) -> DeliveryOutcome {
        do {
            for sub in ["", "/tmp", "/new", "/cur"] {
                try FileManager.default.createDirectory(atPath: root + sub, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            }
        } catch {
            return .temporary("cannot create the maildir at \(root): \(error.localizedDescription)")
        }
        let name = Self.fileName(for: message.messageID)
        if alreadyDelivered(name) { return .delivered }
        // Local mail files use LF line ends (mbox/maildir convention).
        let bytes = Array(message.mail().replacingOccurrences(of: "\r\n", with: "\n").utf8)
        let temporary = "\(root)/tmp/\(name).\(getpid())"
        let final = "\(root)/new/\(name)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return .temporary("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd); unlink(temporary)
                return .temporary("writing \(temporary) failed: \(reason)")
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd); unlink(temporary)
            return .temporary("fsync of \(temporary) failed: \(reason)")
        }
        close(fd)
        guard rename(temporary, final) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return .temporary("moving the message into \(root)/new failed: \(reason)")
        }
        // The rename is durable only once the directory itself is synced.
        let dir = open(root + "/new", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 { fsync(dir); close(dir) }
        return .delivered
    }

    /// In `new/` as written, or in `cur/` as `name:2,…` after a mail reader saw it.
    func alreadyDelivered(_ name: String) -> Bool {
        if FileManager.default.fileExists(atPath: "\(root)/new/\(name)") { return true }
        let seen = (try? FileManager.default.contentsOfDirectory(atPath: root + "/cur")) ?? []
        return seen.contains { $0 == name || $0.hasPrefix(name + ":") }
    }
}
