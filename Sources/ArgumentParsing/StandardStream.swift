#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard output and standard error, written without trapping. `FileHandle.write(_:)` traps
/// when a write fails (a full disk, a closed pipe), after a command has done its work: a tool
/// must report that as an error instead.
public enum StandardStream: Sendable {
    case output
    case error

    public var fileDescriptor: Int32 { self == .output ? STDOUT_FILENO : STDERR_FILENO }

    /// Writes all of `text`, throwing the first write that fails.
    public func write(_ text: String) throws(StreamWriteError) {
        try Self.write(text, toFileDescriptor: fileDescriptor)
    }

    /// Writes all of `text` to `descriptor`, retrying short and interrupted writes.
    public static func write(_ text: String, toFileDescriptor descriptor: Int32) throws(StreamWriteError) {
        let bytes = Array(text.utf8)
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if n > 0 { offset += n; continue }
                if n < 0, errno == EINTR { continue }
                failure = n < 0 ? errno : EIO  // a write of 0 bytes would loop forever
                return
            }
        }
        if failure != 0 { throw StreamWriteError(code: failure) }
    }
}

/// A write to standard output or error that failed, with the system's error number.
public struct StreamWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: Int32

    public init(code: Int32) { self.code = code }

    /// The system's words for it, like "No space left on device".
    public var description: String { String(cString: strerror(code)) }
}

private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, bytes, count)
    #else
    Darwin.write(descriptor, bytes, count)
    #endif
}
