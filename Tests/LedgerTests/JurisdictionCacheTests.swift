import Foundation
import GoodwillCore
import PolicyEngine
import Testing
@testable import Ledger

/// `goodwill policy jurisdiction FILE` may store a preset under the code already in force with
/// other rules (a house rule on top of the law). A running server's ledgers, each with its own
/// connection and cache, must check new vouchers against the rules now stored.
struct JurisdictionCacheTests {
    /// The shipped Swedish preset with a minimum validity of `months`.
    static func swedish(minimumMonths months: Int) -> Data {
        let shipped = EmbeddedPolicies.jurisdictions["SE"]!
        let rule = "\"minimum_months\": null"
        #expect(shipped.contains(rule))
        return Data(shipped.replacingOccurrences(of: rule, with: "\"minimum_months\": \(months)").utf8)
    }

    @Test func aSameCodePresetStoredByAnotherConnection_isAppliedByALedgerThatCachedTheOldOne() throws {
        let f = try LedgerFixture()
        // The server's ledger has read SE (no minimum) and issues a 12-month voucher under it.
        #expect(try f.ledger.jurisdiction()?.validity.minimumMonths == nil)
        #expect(try f.issue(validity: .months(12)).status == .active)

        // The CLI, on its own connection, stores SE with a 24-month house rule.
        let cli = try Ledger(path: f.temp.path, clock: f.clock, options: .init(durable: false))
        try cli.setJurisdiction(data: Self.swedish(minimumMonths: 24), actor: "admin")

        #expect(try f.ledger.jurisdiction()?.validity.minimumMonths == 24)
        let error = ledgerError { try f.issue(validity: .months(12)) }
        #expect(error?.code == "below-legal-minimum")
        #expect(try f.ledger.store.countVouchers() == 1)
        #expect(try f.issue(validity: .months(24)).status == .active)

        // And back: the shipped preset again lets the server issue 12 months.
        try cli.setJurisdiction(code: "SE", actor: "admin")
        #expect(try f.issue(validity: .months(12)).status == .active)
    }

    /// While the stored bytes stay the same the parsed preset is reused, not read again: a marker
    /// put in the cache under those bytes is what comes back.
    @Test func anUnchangedPreset_isTakenFromTheCache() throws {
        let f = try LedgerFixture()
        #expect(try f.ledger.jurisdiction()?.code == "SE")
        let stored = try #require(f.ledger.presetCache?.source)
        let marker = try JurisdictionPreset.load(data: Data(EmbeddedPolicies.jurisdictions["DE"]!.utf8), fileName: "DE.json")
        f.ledger.presetCache = (stored, marker)
        #expect(try f.ledger.jurisdiction()?.code == "DE")
    }
}
