import Foundation
import GoodwillCore
import Ledger
import Store
import Synchronization

/// A fresh database file in a temporary folder, removed when the value goes away.
final class TemporaryFolder: @unchecked Sendable {
    // Immutable after init.
    let url: URL
    var database: String { url.appendingPathComponent("goodwill.db").path }

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("goodwill-api-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

func instant(_ s: String) -> Date { RFC3339.parse(s)! }

/// A monotonic clock (nanoseconds) that stands still until moved, for what must not follow the
/// wall clock when it is stepped.
final class ManualUptime: Sendable {
    private let nanoseconds = Mutex<UInt64>(1_000_000_000_000)

    func now() -> UInt64 { nanoseconds.withLock { $0 } }

    func advance(seconds: Double) { nanoseconds.withLock { $0 += UInt64(seconds * 1e9) } }
}
