import Foundation
import GoodwillCore
import Ledger
import Store

/// Read-only connections (WAL lets them read while the writer commits). A thread checks one
/// out for the length of a handler and gives it back; more are opened on demand up to `limit`,
/// and beyond it callers wait.
///
/// `@unchecked Sendable`: the idle list is touched only under `condition`, and a checked-out
/// `Ledger` belongs to exactly one thread until it is returned.
final class ReaderPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var idle: [Ledger] = []
    private var open = 0
    private let limit: Int
    private let path: String
    private let clock: any Clock
    private let configuration: Ledger.Configuration

    init(path: String, clock: any Clock, configuration: Ledger.Configuration, limit: Int) {
        self.path = path; self.clock = clock; self.configuration = configuration; self.limit = max(1, limit)
    }

    func withReader<T>(_ body: (Ledger) throws -> T) throws -> T {
        let reader = try checkOut()
        defer { checkIn(reader) }
        return try body(reader)
    }

    private func checkOut() throws -> Ledger {
        condition.lock()
        while idle.isEmpty && open >= limit { condition.wait() }
        if let reader = idle.popLast() {
            condition.unlock()
            return reader
        }
        open += 1
        condition.unlock()
        do {
            let db = try Database(path: path, options: .init(readOnly: true))
            // Point lookups through indexes: a small page cache each (SQLite's default is 2 MB per
            // connection); the operating system caches the file anyway.
            try db.execute("PRAGMA cache_size = -512")
            return try Ledger(database: db, clock: clock, configuration: configuration)
        } catch {
            condition.lock(); open -= 1; condition.signal(); condition.unlock()
            throw error
        }
    }

    private func checkIn(_ reader: Ledger) {
        condition.lock()
        idle.append(reader)
        condition.signal()
        condition.unlock()
    }

    /// Closes the idle connections (at shutdown, after the server stopped).
    func close() {
        condition.lock()
        idle.removeAll()
        condition.unlock()
    }
}
