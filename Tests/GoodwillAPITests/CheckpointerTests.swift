import Foundation
import Store
import Testing
@testable import GoodwillAPI

/// The writer asks the checkpointer for a round just before it restarts the WAL and waits for
/// that round between batches; the round must come at once, not at the end of the interval.
@Suite struct CheckpointerTests {
    /// Polls `condition` for up to `seconds`; true as soon as it holds.
    func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(2_000)
        }
        return condition()
    }

    @Test func aRoundAskedFor_runsBeforeTheInterval_andIsCountedWhenItEnds() throws {
        let folder = TemporaryFolder()
        let path = folder.database
        let db = try Database(path: path)
        try db.execute("PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (x); INSERT INTO t VALUES (1)")
        // An hour between rounds: only the first round (at start) and the ones asked for can run here.
        let checkpointer = Checkpointer(path: path, interval: 3600)
        checkpointer.start()
        defer { checkpointer.stop() }
        #expect(eventually(within: 10) { checkpointer.roundsEnded == 1 })
        let target = checkpointer.roundSoon()
        #expect(target == 2)
        #expect(eventually(within: 10) { checkpointer.roundsEnded >= target })
        #expect(checkpointer.roundSoon() == 3)
        #expect(eventually(within: 10) { checkpointer.roundsEnded >= 3 })
    }
}
