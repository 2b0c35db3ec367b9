import Foundation
import GoodwillCore
import Ledger
import Testing
@testable import Support

/// What was spent before an import is history from the old system, not a redemption made here:
/// reversing it would hand out money that was already spent.
@Suite struct ImportedHistoryTests {
    @Test func theImportsRedemption_cannotBeReversed_andNothingChanges() throws {
        let f = try SupportFixture(book: false, now: "2025-11-23T10:00:00Z")
        let path = f.folder.appendingPathComponent("old.csv").path
        try (ImportExportTests.header + "OLD-0002,1000,250.50,SEK,2024-06-01,2026-06-01,bo@example.se,Bo,,,,\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try f.support.importVouchers(file: path, actor: "test").imported == 1)
        let v = try f.ledger.voucherView(VoucherReference("OLD-0002"))
        let history = try #require(try f.ledger.entries(of: VoucherReference(v.id)).first { $0.kind == .redeemed })
        do {
            try f.ledger.perform(.reverse(entryID: history.id, reason: "customer says so"), actor: "support")
            Issue.record("the import's redemption was reversed")
        } catch let e as LedgerError {
            #expect(e.code == "imported-redemption")
            #expect(e.description.contains("before the voucher was imported") && e.description.contains("adjust"))
        }
        #expect(try f.ledger.voucherView(VoucherReference(v.id)).balance == Money(minorUnits: 25_050, currency: .sek))
        #expect(try f.ledger.entries(of: VoucherReference(v.id)).count == 2)

        // A redemption made here, even one whose till reference is "import", is still reversible.
        let here = try f.ledger.perform(.redeem(.id(VoucherID(rawValue: v.id)), amount: Money(minorUnits: 50, currency: .sek), reference: "import"),
                                        actor: "till")
        try f.ledger.perform(.reverse(entryID: try #require(here.entry).id, reason: nil), actor: "support")
        #expect(try f.ledger.voucherView(VoucherReference(v.id)).balance == Money(minorUnits: 25_050, currency: .sek))
        #expect(try f.ledger.verify().ok)
    }
}
