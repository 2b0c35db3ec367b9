import Foundation
import RepositoryFiles
import GoodwillCore
import Ledger
import Store
@testable import Support


func instant(_ s: String) -> Date { RFC3339.parse(s)! }

/// The fixture book is replayed once per test process into a template file; each test works on a copy.
enum FixtureTemplate {
    static let path: String = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("goodwill-support-template-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("book.db").path
        do {
            let clock = ManualClock(Date(timeIntervalSince1970: 0))
            let ledger = try Ledger(path: path, clock: clock, options: .init(durable: false))
            _ = try BookReplay(ledger: ledger, clock: clock).replay(contentsOf: Repository.file("Fixtures/book/events.jsonl"))
            try ledger.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            Issue.record("the fixture book did not replay: \(error)")
        }
        return path
    }()
}

import Testing

/// A database in a temporary folder, removed when the value goes away; optionally a copy of the fixture book.
final class SupportFixture {
    let folder: URL
    let clock: ManualClock
    let ledger: Ledger
    let support: SupportService
    var path: String { folder.appendingPathComponent("goodwill.db").path }

    init(book: Bool, now: String = "2026-11-23T10:00:00Z") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("goodwill-support-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if book { try FileManager.default.copyItem(atPath: FixtureTemplate.path, toPath: folder.appendingPathComponent("goodwill.db").path) }
        clock = ManualClock(instant(now))
        ledger = try Ledger(path: folder.appendingPathComponent("goodwill.db").path, clock: clock, options: .init(durable: false))
        support = SupportService(ledger: ledger)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    @discardableResult
    func issue(_ units: Int64, _ currency: Currency = .sek, holder: String, name: String = "Anna Berg", locale: String = "sv",
               purchaser: String? = nil, message: String? = nil) throws -> VoucherView {
        try ledger.perform(.issue(IssueRequest(
            value: Money(minorUnits: units * 100, currency: currency), validity: .months(12), timeZone: "Europe/Stockholm",
            holder: PersonInput(email: holder, name: name, locale: locale, timeZone: "Europe/Stockholm"),
            purchaser: purchaser.map { PersonInput(email: $0, name: "Giver", locale: "sv") }, message: message)), actor: "test").voucher
    }

    /// Every row of every table that closing may touch, to prove a failed close changed nothing.
    func snapshot() throws -> [String] {
        var out: [String] = []
        for table in ["holders", "vouchers", "entries", "reminder_outbox", "support_notes", "support_cases", "holder_closures", "farewell_letters", "decisions"] {
            let cols = try ledger.db.query("SELECT name FROM pragma_table_info(?)", [.text(table)]) { $0.text(0) }
            let select = cols.map { "quote(\($0))" }.joined(separator: " || '|' || ")
            out += try ledger.db.query("SELECT '\(table)|' || \(select) FROM \(table) ORDER BY 1") { $0.text(0) }
        }
        return out
    }
}

/// Writes `text` as a file in the fixture's folder (a book to import, say) and returns its path.
func write(_ text: String, _ f: SupportFixture, name: String = "book.csv") throws -> String {
    let path = f.folder.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
