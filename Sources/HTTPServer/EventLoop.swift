import Glibc
import Synchronization

/// What an event loop shares with the server and its sibling loops.
final class ServerShared: Sendable {
    let configuration: HTTPServer.Configuration
    let responder: any HTTPResponder
    let activeConnections = Atomic<Int>(0)
    /// The timeouts in nanoseconds, worked out once: a connection's deadline is set after every
    /// read and write, and converting a `Duration` each time showed in the profile of `/health`.
    let idleNanoseconds: UInt64
    let headerNanoseconds: UInt64
    let bodyNanoseconds: UInt64

    init(configuration: HTTPServer.Configuration, responder: any HTTPResponder) {
        self.configuration = configuration
        self.responder = responder
        idleNanoseconds = configuration.idleTimeout.nanoseconds
        headerNanoseconds = configuration.headerTimeout.nanoseconds
        bodyNanoseconds = configuration.bodyTimeout.nanoseconds
    }
}

/// One thread running an epoll set: its own SO_REUSEPORT listener, the connections it
/// accepted, and a mailbox through which other threads hand it responses.
///
/// `@unchecked Sendable`: every stored `var` is read and written only on the loop's own
/// thread (inside `run()`); other threads reach the loop only through `deliver` and
/// `requestShutdown`, which touch nothing but the `Mutex`-guarded mailbox, the atomic
/// thread id and the eventfd used to wake the loop.
final class EventLoop: @unchecked Sendable {
    struct Mailbox {
        var responses: [(connectionID: UInt64, sequence: UInt64, response: HTTPResponse)] = []
        var shutdownDeadline: UInt64?
        var closed = false
    }

    static let listenerToken: UInt64 = 0
    /// Refused connections one loop drains at a time before it closes further ones outright.
    static let maxLingeringRefusals = 64
    static let wakeToken: UInt64 = 1

    let index: Int
    let shared: ServerShared
    let epoll: Epoll
    let epollFD: Int32
    let wakeFD: Int32
    var listenerFD: Int32
    let mailbox = Mutex(Mailbox())
    let threadID = Atomic<UInt>(0)
    /// The most response bytes any of this loop's connections has held unsent, for tests and
    /// diagnostics; written only by the loop, so its relaxed load there costs a plain read.
    let peakUnsentBytes = Atomic<Int>(0)

    var connections: [UInt64: Connection] = [:]
    var nextConnectionID: UInt64 = 2
    var requestCounter: UInt64 = 0
    var encoder = HTTPResponseEncoder()
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    var now: UInt64 = monotonicNanoseconds()
    var draining = false
    var drainDeadline: UInt64 = 0
    var acceptPausedUntil: UInt64?
    /// Refused connections still sending their 503 or draining the client (see `refuseOverCapacity`).
    var lingeringRefusals = 0
    let sweepInterval: UInt64
    var onExit: (@Sendable () -> Void)?

    init(index: Int, listenerFD: Int32, shared: ServerShared, epoll: Epoll) throws(SocketError) {
        self.index = index
        self.listenerFD = listenerFD
        self.shared = shared
        self.epoll = epoll
        let epollFD = epoll.create(Epoll.closeOnExec)
        guard epollFD >= 0 else { throw .makeFailed("create an epoll instance") }
        let wakeFD = epoll.eventFD(0, O_NONBLOCK | O_CLOEXEC)
        guard wakeFD >= 0 else {
            Glibc.close(epollFD)
            throw .makeFailed("create an eventfd")
        }
        self.epollFD = epollFD
        self.wakeFD = wakeFD
        let c = shared.configuration
        let shortest = min(c.headerTimeout.nanoseconds, c.bodyTimeout.nanoseconds, c.idleTimeout.nanoseconds)
        // Timeouts are checked by a sweep; a quarter of the shortest keeps them within 25%.
        sweepInterval = min(max(shortest / 4, 5_000_000), 250_000_000)
        guard epoll.control(epollFD, Epoll.add, listenerFD, events: Epoll.input, token: Self.listenerToken) == 0,
              epoll.control(epollFD, Epoll.add, wakeFD, events: Epoll.input, token: Self.wakeToken) == 0
        else {
            let error = SocketError.makeFailed("register with epoll")
            Glibc.close(epollFD)
            // The eventfd is closed by `deinit`, which runs for an initializer that throws once
            // every stored property is set.
            throw error
        }
    }

    deinit {
        Glibc.close(wakeFD)
    }

    // MARK: Cross-thread entry points

    /// Hands a response to the loop. On the loop's own thread it is applied at once.
    func deliver(_ response: HTTPResponse, connectionID: UInt64, sequence: UInt64) {
        if threadID.load(ordering: .relaxed) == pthread_self() {
            complete(response, connectionID: connectionID, sequence: sequence)
            return
        }
        // The eventfd is written after the lock is let go: the write wakes the loop, which takes
        // the lock at once to drain the mailbox, and found it held (in perf, a contended
        // lock on both sides, 2.4% of the server's samples under redemptions).
        let first = mailbox.withLock { box in
            guard !box.closed else { return false }
            box.responses.append((connectionID, sequence, response))
            return box.responses.count == 1
        }
        if first { wake() }
    }

    func requestShutdown(deadline: UInt64) {
        mailbox.withLock { box in
            guard !box.closed else { return }
            box.shutdownDeadline = deadline
            wake()
        }
    }

    /// The eventfd stays open until the loop is gone (`deinit`), so a caller holding the loop
    /// can write it after the loop has stopped: the write then wakes nothing.
    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    // MARK: The loop

    func run() {
        threadID.store(pthread_self(), ordering: .relaxed)
        let capacity = 256
        let events = UnsafeMutableRawPointer.allocate(byteCount: Epoll.eventSize * capacity, alignment: 8)
        defer { events.deallocate() }
        var nextSweep = now + sweepInterval
        while true {
            let timeout = Int32(max(1, (nextSweep > now ? nextSweep - now : 0) / 1_000_000))
            let count = epoll.wait(epollFD, events, Int32(capacity), timeout)
            now = monotonicNanoseconds()
            for i in 0..<Int(max(0, count)) {
                let base = i * Epoll.eventSize
                let flags = events.loadUnaligned(fromByteOffset: base, as: UInt32.self)
                let token = events.loadUnaligned(fromByteOffset: base + Epoll.dataOffset, as: UInt64.self)
                switch token {
                case Self.listenerToken: acceptConnections()
                case Self.wakeToken: drainMailbox()
                default:
                    if let connection = connections[token] { handle(connection, flags: flags) }
                }
            }
            if now >= nextSweep {
                sweep()
                nextSweep = now + sweepInterval
            }
            if draining && (connections.isEmpty || now >= drainDeadline) { break }
        }
        for connection in Array(connections.values) { close(connection) }
        if listenerFD >= 0 { Glibc.close(listenerFD) }
        mailbox.withLock { box in
            box.closed = true
            box.responses.removeAll()
        }
        Glibc.close(epollFD)
        scratch.deallocate()
        onExit?()
        onExit = nil
    }

    private func drainMailbox() {
        // Reset the eventfd before taking the queue, so a response queued after the
        // swap always finds the counter zero and wakes the loop again.
        var counter: UInt64 = 0
        _ = read(wakeFD, &counter, 8)
        let (responses, deadline) = mailbox.withLock { box in
            let taken = box.responses
            box.responses.removeAll(keepingCapacity: true)
            return (taken, box.shutdownDeadline)
        }
        for item in responses {
            complete(item.response, connectionID: item.connectionID, sequence: item.sequence)
        }
        if let deadline, !draining { beginDrain(deadline: deadline) }
    }

    /// Stores a response for its request; writes it unless the loop is mid-dispatch on
    /// that connection (then the dispatch writes it). Unknown connections are ignored.
    func complete(_ response: HTTPResponse, connectionID: UInt64, sequence: UInt64) {
        // In-flight sequence numbers are consecutive, so the slot is found by subtraction.
        guard let connection = connections[connectionID], !connection.isClosed,
              let first = connection.inflight.first?.sequence, sequence >= first,
              sequence - first < UInt64(connection.inflight.count)
        else { return }
        let slot = Int(sequence - first)
        guard connection.inflight[slot].response == nil else { return }
        connection.inflight[slot].response = response
        if !connection.processing {
            flush(connection)
            // Room in the pipeline again: take the requests that arrived while it was full.
            if canParseMore(connection) { process(connection) }
            afterIO(connection)
        }
    }

    private func beginDrain(deadline: UInt64) {
        draining = true
        drainDeadline = deadline
        if listenerFD >= 0 {
            _ = epoll.control(epollFD, Epoll.delete, listenerFD, events: 0, token: Self.listenerToken)
            Glibc.close(listenerFD)
            listenerFD = -1
        }
        for connection in Array(connections.values) {
            if connection.inflight.isEmpty && !connection.hasUnsentBytes && !connection.lingering {
                close(connection)
            } else {
                connection.stopReading = true
                afterIO(connection)
            }
        }
    }

    // MARK: Accepting

    private func acceptConnections() {
        let configuration = shared.configuration
        for _ in 0..<64 {
            switch Socket.accept(listenerFD) {
            case .wouldBlock:
                return
            case .failed(let error):
                if case .failed(_, let code, _) = error, code == EMFILE || code == ENFILE {
                    // Out of descriptors: stop watching the listener briefly instead of spinning.
                    _ = epoll.control(epollFD, Epoll.delete, listenerFD, events: 0, token: Self.listenerToken)
                    acceptPausedUntil = now + 100_000_000
                }
                return
            case .accepted(let fd, let remoteAddress):
                let open = shared.activeConnections.wrappingAdd(1, ordering: .relaxed).newValue
                if open > configuration.maxConnections {
                    shared.activeConnections.wrappingSubtract(1, ordering: .relaxed)
                    refuseOverCapacity(fd, remoteAddress: remoteAddress)
                    continue
                }
                let id = nextConnectionID
                nextConnectionID += 1
                let connection = Connection(id: id, fd: fd, remoteAddress: remoteAddress,
                                            limits: configuration.parserLimits, interest: Epoll.input)
                guard epoll.control(epollFD, Epoll.add, fd, events: Epoll.input, token: id) == 0 else {
                    Glibc.close(fd)
                    shared.activeConnections.wrappingSubtract(1, ordering: .relaxed)
                    continue
                }
                connections[id] = connection
                updateDeadline(connection, wantsRead: true)
            }
        }
    }

    /// Beyond `maxConnections`: a short 503 so the client knows to retry, then close. It is the
    /// responder's refusal, as for every request refused before it reaches the responder, so an
    /// API answers in its own error format and logs and counts it.
    ///
    /// The client has usually sent its request already. Closing with those bytes unread makes
    /// the kernel send a reset, which can destroy the 503 before the client reads it or fail the
    /// client's write of its request (RFC 9112 §9.6). So the connection goes through the same
    /// lingering close as any other: half-close, read and discard until the client closes or
    /// the linger time ends. It does not count as open; a loop drains at most
    /// `maxLingeringRefusals` at once so a connect flood cannot pile them up, and beyond that
    /// closes at once as before.
    private func refuseOverCapacity(_ fd: Int32, remoteAddress: String) {
        let response = shared.responder.refusal(for: .overCapacity)
        guard lingeringRefusals < Self.maxLingeringRefusals else {
            var bytes: [UInt8] = []
            encoder.encode(response, omitBody: false, close: true, announceKeepAlive: false, into: &bytes)
            _ = bytes.withUnsafeBytes { Socket.send(fd, $0) }
            shutdown(fd, Int32(SHUT_WR))
            Glibc.close(fd)
            return
        }
        let id = nextConnectionID
        nextConnectionID += 1
        let connection = Connection(id: id, fd: fd, remoteAddress: remoteAddress,
                                    limits: shared.configuration.parserLimits, interest: Epoll.input)
        connection.isRefusal = true
        connection.stopReading = true
        connection.closeAfterWrite = true
        encoder.encode(response, omitBody: false, close: true, announceKeepAlive: false, into: &connection.writeBuffer)
        guard epoll.control(epollFD, Epoll.add, fd, events: Epoll.input, token: id) == 0 else {
            Glibc.close(fd)
            return
        }
        connections[id] = connection
        lingeringRefusals += 1
        // Sends the 503 and, once it is out, begins the lingering close.
        writeOut(connection)
        afterIO(connection)
    }

    // MARK: Timeouts

    private func sweep() {
        if let until = acceptPausedUntil, now >= until, listenerFD >= 0 {
            acceptPausedUntil = nil
            _ = epoll.control(epollFD, Epoll.add, listenerFD, events: Epoll.input, token: Self.listenerToken)
        }
        for connection in Array(connections.values) where connection.deadline != 0 && now >= connection.deadline {
            switch connection.deadlineKind {
            case .header, .body:
                connection.failure = .timeout
                connection.stopReading = true
                flush(connection)
                afterIO(connection)
            case .write:
                // The socket turns writable only once a good part of its (autotuned, possibly
                // megabytes) buffer is free, so a client reading steadily can go a whole timeout
                // without one of our sends succeeding. If the kernel's queue moved, it took bytes.
                if let queued = Socket.queuedForPeer(connection.fd), queued != connection.sendQueueMark {
                    connection.sendQueueMark = queued
                    connection.deadline = now + shared.idleNanoseconds
                } else {
                    // The client took no bytes for a whole timeout. A plain close would queue the
                    // FIN behind the unsent bytes, which a client that reads nothing never lets
                    // out: the kernel would keep the socket and its buffers long after us.
                    Socket.resetOnClose(connection.fd)
                    close(connection)
                }
            case .idle, .linger, .none:
                close(connection)
            }
        }
    }

    func updateDeadline(_ connection: Connection, wantsRead: Bool) {
        guard !connection.lingering else { return }
        let kind: Connection.DeadlineKind
        if connection.hasUnsentBytes {
            kind = .write
        } else if !wantsRead {
            kind = .none
        } else {
            switch connection.parser.phase {
            case .head: kind = .header
            case .body: kind = .body
            case .idle: kind = connection.inflight.isEmpty ? .idle : .none
            }
        }
        // Each new request restarts the header and body clocks. The write clock restarts only
        // when bytes actually leave: a client that keeps sending requests but reads nothing must
        // not keep its connection alive, and one that reads slowly but steadily is not cut.
        let mark = kind == .write ? connection.bytesSent : connection.parser.messageCount
        guard kind != connection.deadlineKind || mark != connection.deadlineMark else { return }
        connection.deadlineKind = kind
        connection.deadlineMark = mark
        switch kind {
        case .none: connection.deadline = 0
        case .write:
            connection.deadline = now + shared.idleNanoseconds
            connection.sendQueueMark = Socket.queuedForPeer(connection.fd)
        case .idle, .linger: connection.deadline = now + shared.idleNanoseconds
        case .header: connection.deadline = now + shared.headerNanoseconds
        case .body: connection.deadline = now + shared.bodyNanoseconds
        }
    }
}

func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}
