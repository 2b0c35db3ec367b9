import Foundation
import GoodwillCore
import Ledger
import Store

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
