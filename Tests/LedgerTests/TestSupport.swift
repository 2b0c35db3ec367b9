import Foundation
import GoodwillCore
@testable import Ledger
import Store
import Testing

/// A fresh database file in a temporary folder, removed when the test's value goes away.
final class TemporaryDatabase {
    let folder: URL
    var path: String { folder.appendingPathComponent("goodwill.db").path }

    init() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("goodwill-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }
}

func instant(_ s: String) -> Date { RFC3339.parse(s)! }
func sek(_ units: Int64) -> Money { Money(minorUnits: units * 100, currency: .sek) }

/// A ledger on a fresh file with a clock the test moves.
struct LedgerFixture {
    let temp = TemporaryDatabase()
    let clock: ManualClock
    let ledger: Ledger

    init(now: String = "2025-04-02T10:00:00Z", durable: Bool = false) throws {
        clock = ManualClock(instant(now))
        ledger = try Ledger(path: temp.path, clock: clock, options: .init(durable: durable))
    }

    @discardableResult
    func issue(_ value: Money = sek(500), validity: Validity? = .months(12), holder: String? = nil,
               key: String? = nil) throws -> VoucherView {
        try ledger.perform(.issue(IssueRequest(value: value, validity: validity, timeZone: "Europe/Stockholm",
                                               holder: holder.map { PersonInput(email: $0, name: "Anna", locale: "sv") })),
                           actor: "test", idempotencyKey: key).voucher
    }

    @discardableResult
    func redeem(_ v: VoucherView, _ amount: Money, key: String? = nil) throws -> LedgerReceipt {
        try ledger.perform(.redeem(VoucherReference(v.code), amount: amount, reference: nil), actor: "test", idempotencyKey: key)
    }

    func show(_ v: VoucherView) throws -> VoucherView { try ledger.voucherView(VoucherReference(v.id)) }
}

/// Runs `body` expecting a LedgerError; returns it for inspection, nil when nothing was thrown.
/// Any other error fails the test: it must not pass for a check that expects no LedgerError.
func ledgerError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> LedgerError? {
    do { try body() } catch let e as LedgerError { return e } catch {
        Issue.record("expected a LedgerError or none, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
