import Foundation
import RepositoryFiles
import GoodwillCore
import PolicyEngine
import Testing
@testable import Ledger
import Store


@Suite(.serialized)
struct FixtureBookTests {
    /// The shipped book replays cleanly: every refusal is one a real ledger would give, and the
    /// result verifies.
    @Test func theFixtureBook_replaysAndVerifies() throws {
        let temp = TemporaryDatabase()
        let clock = ManualClock(Date(timeIntervalSince1970: 0))
        let ledger = try Ledger(path: temp.path, clock: clock, options: .init(durable: false))
        let summary = try BookReplay(ledger: ledger, clock: clock).replay(contentsOf: Repository.file("Fixtures/book/events.jsonl"))
        #expect(summary.vouchers >= 2500)
        #expect(Set(summary.refused.keys).isSubset(of: ["voucher-expired", "voucher-voided", "voucher-blocked", "extension-refer",
                                                        "extension-deny", "extension-no_rule", "voucher-fully-used"]),
                "\(summary.refused)")
        #expect(try ledger.verify().ok)

        // policy simulate over the book: what generous would have done against what happened.
        let generous = try ledger.validatePolicy(data: try Data(contentsOf: Repository.file("Policies/generous.json")), fileName: "generous.json")
        let report = try ledger.simulate(generous, from: LocalDate(iso: "2025-11-20"), to: LocalDate(iso: "2026-11-20"))
        #expect(report.vouchers > 100)
        #expect(report.actual.extended > 0)
        #expect(report.candidate.extended > report.actual.extended)
        #expect(report.actual.laterRedeemed?["SEK", default: 0] ?? 0 > 0)
        // Simulating the active policy itself changes little; simulating changes nothing at all.
        let before = try ledger.verify().headHash
        let strict = try ledger.validatePolicy(data: try Data(contentsOf: Repository.file("Policies/strict.json")), fileName: "strict.json")
        let strictReport = try ledger.simulate(strict, from: nil, to: nil)
        #expect(strictReport.candidate.extended <= report.candidate.extended)
        #expect(try ledger.verify().headHash == before)
    }
}

struct EmbeddedPolicyTests {
    /// The binary carries the shipped files; they must not drift apart.
    @Test func embeddedPolicies_equalTheirFiles() throws {
        for (name, text) in EmbeddedPolicies.policies {
            #expect(try String(contentsOf: Repository.file("Policies/\(name)"), encoding: .utf8) == text, "\(name)")
        }
        for (code, text) in EmbeddedPolicies.jurisdictions {
            #expect(try String(contentsOf: Repository.file("Policies/jurisdictions/\(code).json"), encoding: .utf8) == text, "\(code)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: Repository.file("Policies/jurisdictions").path)
        #expect(files.count == EmbeddedPolicies.jurisdictions.count)
    }
}
