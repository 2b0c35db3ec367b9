import Glibc

/// Every socket system call the server makes lives here, each failure turned into a
/// `SocketError` carrying errno.
enum Socket {
    /// A non-blocking listening socket bound to `host:port` (0 picks a free port).
    /// `SO_REUSEPORT` lets each event loop own a listener on the same port, so the
    /// kernel spreads new connections across loops.
    static func makeListener(host: String, port: UInt16, backlog: Int32) throws(SocketError) -> Int32 {
        let fd = try makeBound(host: host, port: port, reusePort: true)
        guard listen(fd, backlog) == 0 else {
            let error = SocketError.makeFailed("listen")
            close(fd)
            throw error
        }
        return fd
    }

    /// Throws `.addressInUse` if some socket already listens on `host:port`. `SO_REUSEPORT` on our
    /// listeners would let another process of the same user bind the port beside them, and the
    /// kernel would split connections between the two servers; a socket bound without it is
    /// refused while anyone listens there (`SO_REUSEADDR` only skips connections in TIME_WAIT).
    static func checkNobodyListens(host: String, port: UInt16) throws(SocketError) {
        do throws(SocketError) {
            close(try makeBound(host: host, port: port, reusePort: false))
        } catch .failed(_, let code, _) where code == EADDRINUSE {
            throw .addressInUse(host: host, port: port)
        }
    }

    /// Whether `makeBound` can read `host` as an address (it takes localhost, and "" for every
    /// IPv4 interface).
    static func isAddress(_ host: String) -> Bool {
        let host = host == "localhost" ? "127.0.0.1" : host
        if host.contains(":") {
            var address = in6_addr()
            return inet_pton(AF_INET6, host, &address) == 1
        }
        var address = in_addr()
        return inet_pton(AF_INET, host.isEmpty ? "0.0.0.0" : host, &address) == 1
    }

    /// A non-blocking socket bound to `host:port`, not yet listening.
    private static func makeBound(host: String, port: UInt16, reusePort: Bool) throws(SocketError) -> Int32 {
        let host = host == "localhost" ? "127.0.0.1" : host
        let isIPv6 = host.contains(":")
        let fd = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .makeFailed("create a socket") }
        do throws(SocketError) {
            try setOption(fd, SOL_SOCKET, SO_REUSEADDR, "set SO_REUSEADDR")
            if reusePort { try setOption(fd, SOL_SOCKET, SO_REUSEPORT, "set SO_REUSEPORT") }
            var result: Int32
            if isIPv6 {
                var address = sockaddr_in6()
                address.sin6_family = sa_family_t(AF_INET6)
                address.sin6_port = port.bigEndian
                guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { throw .invalidAddress(host) }
                result = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                    }
                }
            } else {
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = port.bigEndian
                guard inet_pton(AF_INET, host.isEmpty ? "0.0.0.0" : host, &address.sin_addr) == 1 else {
                    throw .invalidAddress(host)
                }
                result = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
            guard result == 0 else { throw .makeFailed("bind to \(host) port \(port)") }
            return fd
        } catch {
            close(fd)
            throw error
        }
    }

    /// The port a listener is bound to (the answer to binding port 0).
    static func boundPort(_ fd: Int32) throws(SocketError) -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { throw .makeFailed("read the bound port (getsockname)") }
        let family = Int32(storage.ss_family)
        return withUnsafePointer(to: &storage) { pointer in
            if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        }
    }

    enum AcceptResult {
        case accepted(fd: Int32, remoteAddress: String)
        case wouldBlock
        case failed(SocketError)
    }

    /// Accepts one pending connection as a non-blocking socket with TCP_NODELAY set.
    static func accept(_ listener: Int32) -> AcceptResult {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.accept(listener, $0, &length)
            }
        }
        guard fd >= 0 else {
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED { return .wouldBlock }
            return .failed(.makeFailed("accept a connection"))
        }
        // accept4 is not visible through the Glibc module; two fcntl calls do the same.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        // Responses go out in one send; Nagle would only delay them.
        try? setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, "set TCP_NODELAY")
        return .accepted(fd: fd, remoteAddress: addressText(&storage))
    }

    private static func addressText(_ storage: inout sockaddr_storage) -> String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = Int32(storage.ss_family)
        let ok = withUnsafePointer(to: &storage) { pointer -> Bool in
            if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { a in
                    var address = a.pointee.sin6_addr
                    return inet_ntop(AF_INET6, &address, &text, socklen_t(text.count)) != nil
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { a in
                var address = a.pointee.sin_addr
                return inet_ntop(AF_INET, &address, &text, socklen_t(text.count)) != nil
            }
        }
        guard ok else { return "" }
        return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private static func setOption(_ fd: Int32, _ level: Int32, _ option: Int32, _ what: String) throws(SocketError) {
        var one: Int32 = 1
        guard setsockopt(fd, level, option, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw .makeFailed(what)
        }
    }

    /// Bytes the kernel still holds for the peer, unsent or unacknowledged (SIOCOUTQ); nil if
    /// they cannot be read. It falls as the peer takes bytes, long before the send buffer has
    /// room enough to report the socket writable again.
    static func queuedForPeer(_ fd: Int32) -> Int? {
        var count: Int32 = 0
        return ioctl(fd, UInt(0x5411 /* SIOCOUTQ */), &count) == 0 ? Int(count) : nil
    }

    /// Makes the next `close` abort the connection with a reset (SO_LINGER with a zero timeout),
    /// discarding unsent bytes instead of leaving them queued in the kernel.
    static func resetOnClose(_ fd: Int32) {
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    }

    /// Sends without raising SIGPIPE on a peer that has gone (MSG_NOSIGNAL).
    static func send(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
    }
}
