import Foundation
import Glibc
import Synchronization
import Testing
@testable import HTTPServer

/// Signals are caught from `catchSignals` on and handled from `handle` on; one that comes in
/// between waits for the handler instead of being lost or ending the process. SIGUSR1/SIGUSR2
/// stand in for SIGTERM, which would end the test runner if the catching were wrong.
@Suite struct SignalTests {
    @Test func aSignalBeforeHandling_isHandledOnceHandlingStarts_andNoneAfterCancel() async throws {
        let handlers = HTTPServer.catchSignals([SIGUSR1])
        #expect(kill(getpid(), SIGUSR1) == 0)  // the default action would end this process
        let seen = Mutex<[Int32]>([])
        handlers.handle { number in seen.withLock { $0.append(number) } }
        #expect(await eventually { seen.withLock { $0 } == [SIGUSR1] })
        // A second call catches its own signal too, through the same handlers.
        #expect(HTTPServer.catchSignals([SIGUSR2]) === handlers)
        #expect(kill(getpid(), SIGUSR2) == 0)
        #expect(await eventually { seen.withLock { $0 } == [SIGUSR1, SIGUSR2] })
        handlers.cancel()
        #expect(kill(getpid(), SIGUSR1) == 0)
        try await Task.sleep(for: .milliseconds(100))
        #expect(seen.withLock { $0 } == [SIGUSR1, SIGUSR2])
    }
}
