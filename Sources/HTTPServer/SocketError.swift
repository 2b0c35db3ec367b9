import Glibc

/// A failed operating-system call on a socket, with the errno it left behind.
public enum SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `operation` is the system call (`bind`, `listen`, ...); `errno` its error number.
    case failed(operation: String, errno: Int32, message: String)
    /// The host is not a numeric IPv4/IPv6 address (or `localhost`).
    case invalidAddress(String)
    /// Another socket already listens on `host:port`: most likely another server.
    case addressInUse(host: String, port: UInt16)

    public var description: String {
        switch self {
        case .failed(let operation, let errno, let message):
            let hint = errno == EADDRINUSE ? " Another process is using the port; pick another or stop it." : ""
            return "The server could not \(operation): \(message) (errno \(errno)).\(hint)"
        case .invalidAddress(let host):
            return "'\(host)' is not an IP address the server can listen on; use e.g. 127.0.0.1, 0.0.0.0 or ::1."
        case .addressInUse(let host, let port):
            let address = host.contains(":") ? "[\(host)]" : host
            return "Address in use: another server, probably Goodwill, is already listening on \(address):\(port); stop it or choose another port."
        }
    }

    /// Captures `errno` right after a failed call.
    static func makeFailed(_ operation: String) -> SocketError {
        let code = errno
        return .failed(operation: operation, errno: code, message: String(cString: strerror(code)))
    }
}
