import Foundation
import Glibc
import Synchronization

/// The write end of the pipe the signal handler writes to, set before the handler is installed.
/// The handler may only make async-signal-safe calls (write(2)), so it reads a plain global.
nonisolated(unsafe) private var signalPipeWriteFD: Int32 = -1

/// Writes the signal's number to the pipe and nothing else (signal-safety(7)); errno is kept, as
/// the interrupted code may be about to read it. The write end does not block: a full pipe drops
/// the byte, and by then the signal has been seen many times over.
private let signalHandler: @convention(c) (Int32) -> Void = { number in
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: number)
    _ = write(signalPipeWriteFD, &byte, 1)
    errno = saved
}

extension HTTPServer {
    /// Signals caught from the moment `catchSignals` returns, handled from the moment `handle` is
    /// called: one that arrives in between waits in a pipe instead of being lost.
    ///
    /// This replaces a Dispatch signal source, which was made only after the server had started
    /// and announced itself: a SIGTERM sent on seeing "Goodwill is serving" (what a test, a
    /// script or a supervisor does) could come before it, and kill the server without its
    /// graceful stop, or fall in the moment after the signal was set to be ignored and before
    /// the source saw it, so that the server never stopped (a test waited ten minutes).
    ///
    /// `@unchecked Sendable`: `readFD` is immutable; `onSignal` and `cancelled` are behind `state`.
    public final class SignalHandlers: @unchecked Sendable {
        private let readFD: Int32
        private let state = Mutex<(onSignal: (@Sendable (Int32) -> Void)?, cancelled: Bool)>((nil, false))

        fileprivate init(readFD: Int32) { self.readFD = readFD }

        /// Calls `onSignal` for every caught signal, those already waiting first, on a thread of
        /// its own. Once only; later calls are ignored.
        public func handle(_ onSignal: @escaping @Sendable (Int32) -> Void) {
            let first = state.withLock { state -> Bool in
                guard state.onSignal == nil else { return false }
                state.onSignal = onSignal
                return true
            }
            guard first else { return }
            Thread.startNamed("gw-signals") { [self] in
                var byte: UInt8 = 0
                while true {
                    let count = read(readFD, &byte, 1)
                    if count < 0 && errno == EINTR { continue }
                    guard count == 1 else { return }
                    let handler = state.withLock { $0.cancelled ? nil : $0.onSignal }
                    handler?(Int32(byte))
                }
            }
        }

        /// Stops calling `onSignal`. The signals stay caught (and are then dropped): the process
        /// is ending, and a second Ctrl-C must not cut its last words short.
        public func cancel() { state.withLock { $0.cancelled = true } }
    }

    /// Catches `signals` now, instead of their default of ending the process, and ignores SIGPIPE
    /// so that a vanished client can never kill the server. Call it before the server starts;
    /// call `handle` on the result once the server can be stopped. The handler is process-wide:
    /// a second call catches its signals too and answers the same `SignalHandlers`.
    public static func catchSignals(_ signals: [Int32] = [SIGINT, SIGTERM]) -> SignalHandlers {
        Self.caught.withLock { caught in
            let handlers = caught ?? makeHandlers()
            caught = handlers
            var unblock = sigset_t()
            sigemptyset(&unblock)
            for number in signals {
                var action = sigaction()
                action.__sigaction_handler.sa_handler = signalHandler
                sigemptyset(&action.sa_mask)
                action.sa_flags = SA_RESTART
                sigaction(number, &action, nil)
                sigaddset(&unblock, number)
            }
            // A blocked signal stays pending and reaches no handler. The mask is inherited: a
            // server started by a program whose thread blocks SIGTERM (Foundation's Process passes
            // on its thread's mask, and the test runner's threads block it) would never see one.
            // Unblocked here, for this thread and every thread it starts from now on.
            pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
            return handlers
        }
    }

    /// The pipe, and the handlers that read it; made once per process.
    private static func makeHandlers() -> SignalHandlers {
        signal(SIGPIPE, SIG_IGN)
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { fatalError("a pipe for signals: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        signalPipeWriteFD = fds[1]
        return SignalHandlers(readFD: fds[0])
    }

    private static let caught = Mutex<SignalHandlers?>(nil)
}
