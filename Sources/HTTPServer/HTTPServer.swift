import Foundation
import Synchronization

/// An HTTP/1.1 server (RFC 9112) on non-blocking sockets and epoll, one event-loop thread
/// per core. Create it with a responder, `start()` it, read `port`, and `shutdown()` it.
///
/// ```swift
/// let server = HTTPServer(configuration: .init(port: 8080)) { request in
///     HTTPResponse(text: "hello \(request.path)")
/// }
/// let signals = HTTPServer.catchSignals()   // before the start: none is lost meanwhile
/// try server.start()
/// signals.handle { _ in Task { await server.shutdown() } }
/// await server.waitUntilStopped()
/// ```
public final class HTTPServer: Sendable {
    private enum Phase { case notStarted, running, stopping, stopped }

    private struct State {
        var phase = Phase.notStarted
        var loops: [EventLoop] = []
        var runningLoops = 0
        var port: UInt16?
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    public let configuration: Configuration
    private let responder: any HTTPResponder
    private let state = Mutex(State())

    /// A server whose requests go to `responder` (the low-overhead, deferrable form).
    public init(configuration: Configuration = Configuration(), responder: some HTTPResponder) {
        self.configuration = configuration
        self.responder = responder
    }

    /// A server whose requests go to an async closure, each in its own Task.
    public convenience init(
        configuration: Configuration = Configuration(),
        handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse
    ) {
        self.init(configuration: configuration, responder: AsyncHandlerResponder(handler: handler))
    }

    /// The port the server listens on once started (the chosen one when configured with 0).
    public var port: UInt16? { state.withLock { $0.port } }

    /// The most response bytes any one connection has held unsent so far (while running; 0
    /// after). Lets tests check that `maxBufferedResponseBytes` bounds a client that does not read.
    var peakBufferedResponseBytes: Int {
        state.withLock { $0.loops.map { $0.peakUnsentBytes.load(ordering: .relaxed) }.max() ?? 0 }
    }

    /// Whether the server can listen on `host` at all: a numeric IPv4 or IPv6 address, or
    /// localhost. Nothing is bound; for a caller that checks its input before doing anything.
    public static func isListenable(host: String) -> Bool { Socket.isAddress(host) }

    /// Binds the listeners and starts the event-loop threads; returns once the server
    /// accepts connections. Throws `SocketError` if the address cannot be bound, and
    /// `.addressInUse` if something listens on `host:port` now: for a caller with work to do before
    /// `start` (opening a database, loading a demo) that should not be done for nothing. `start`
    /// checks again.
    public static func checkNobodyListens(host: String, port: UInt16) throws(SocketError) {
        guard port != 0 else { return }
        try Socket.checkNobodyListens(host: host, port: port)
    }

    /// `.addressInUse` if something already listens on a fixed port.
    /// Starting a server twice, or after shutdown, does nothing.
    public func start() throws(SocketError) {
        let epoll = try Epoll.shared.get()
        let shared = ServerShared(configuration: configuration, responder: responder)
        try state.withLock { state throws(SocketError) in
            guard state.phase == .notStarted else { return }
            var loops: [EventLoop] = []
            var listeners: [Int32] = []
            do throws(SocketError) {
                // Our listeners share the port through SO_REUSEPORT, which would let a second server
                // bind it too and take half the connections; a probe bound without it fails if anyone
                // listens there. A race remains: two servers starting in the same instant can both
                // pass the probe before either listens, and then share the port.
                if configuration.port != 0 {
                    try Socket.checkNobodyListens(host: configuration.host, port: configuration.port)
                }
                let first = try Socket.makeListener(host: configuration.host, port: configuration.port,
                                                    backlog: configuration.listenBacklog)
                listeners.append(first)
                let port = try Socket.boundPort(first)
                for _ in 1..<configuration.eventLoopCount {
                    listeners.append(try Socket.makeListener(host: configuration.host, port: port,
                                                             backlog: configuration.listenBacklog))
                }
                for (index, fd) in listeners.enumerated() {
                    loops.append(try EventLoop(index: index, listenerFD: fd, shared: shared, epoll: epoll))
                }
                state.port = port
            } catch {
                for fd in listeners { close(fd) }
                throw error
            }
            state.phase = .running
            state.loops = loops
            state.runningLoops = loops.count
            for loop in loops {
                // The loop holds the server until it exits; `loopExited` then drops the loops.
                loop.onExit = { self.loopExited() }
                Thread.startNamed("http-loop-\(loop.index)") { loop.run() }
            }
        }
    }

    /// Graceful shutdown: stops accepting (new connects are refused), closes idle
    /// connections, lets requests already handed to the responder finish and be answered
    /// with `Connection: close`, and after `shutdownGracePeriod` closes whatever remains.
    /// Returns when every event loop has stopped. Safe to call more than once.
    public func shutdown() async {
        let loops: [EventLoop] = state.withLock { state in
            switch state.phase {
            case .notStarted:
                state.phase = .stopped
                return []
            case .running:
                state.phase = .stopping
                return state.loops
            case .stopping, .stopped:
                return []
            }
        }
        let deadline = monotonicNanoseconds() + configuration.shutdownGracePeriod.nanoseconds
        for loop in loops { loop.requestShutdown(deadline: deadline) }
        await waitUntilStopped()
    }

    /// Suspends until the server has stopped (immediately if it never started and was shut down).
    public func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state in
                if state.phase == .stopped { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    private func loopExited() {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.runningLoops -= 1
            guard state.runningLoops == 0 else { return [] }
            state.phase = .stopped
            state.loops = []
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
