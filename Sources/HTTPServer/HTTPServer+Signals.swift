import Dispatch
import Glibc

extension HTTPServer {
    /// Keeps signal sources alive; release or `cancel()` it to stop listening.
    ///
    /// `@unchecked Sendable`: `sources` is immutable after init and DispatchSource
    /// cancellation is thread-safe.
    public final class SignalHandlers: @unchecked Sendable {
        private let sources: [any DispatchSourceSignal]

        init(sources: [any DispatchSourceSignal]) { self.sources = sources }

        public func cancel() { sources.forEach { $0.cancel() } }

        deinit { cancel() }
    }

    /// Calls `onSignal` (on a background queue) when one of `signals` arrives, instead of
    /// the default of killing the process; also ignores SIGPIPE so a vanished client can
    /// never kill the server. Typical use: `{ _ in Task { await server.shutdown(); … exit(0) } }`.
    /// Keep the returned value alive for as long as the handlers should stay installed.
    @discardableResult
    public static func installSignalHandlers(
        _ signals: [Int32] = [SIGINT, SIGTERM],
        onSignal: @escaping @Sendable (Int32) -> Void
    ) -> SignalHandlers {
        signal(SIGPIPE, SIG_IGN)
        let sources = signals.map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)  // let the dispatch source see it instead of the default action
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { onSignal(number) }
            source.resume()
            return source
        }
        return SignalHandlers(sources: sources)
    }
}
