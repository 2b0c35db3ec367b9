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
        // Strict extends fewer than generous over the same vouchers; simulating changes nothing at all.
        let before = try ledger.verify().headHash
        let strict = try ledger.validatePolicy(data: try Data(contentsOf: Repository.file("Policies/strict.json")), fileName: "strict.json")
        let strictReport = try ledger.simulate(strict, from: LocalDate(iso: "2025-11-20"), to: LocalDate(iso: "2026-11-20"))
        #expect(strictReport.vouchers == report.vouchers)
        #expect(strictReport.candidate.extended < report.candidate.extended)
        #expect(try ledger.verify().headHash == before)

        // The active policy replayed over the book it decided shows the same figures on both sides.
        let own = try ledger.simulate(try ledger.activePolicy(), from: LocalDate(iso: "2025-11-20"), to: LocalDate(iso: "2026-11-20"))
        #expect(own.actual.extended == own.candidate.extended)
        #expect(own.actual.daysGranted == own.candidate.daysGranted)
        #expect(own.actual.refers == own.candidate.refers)
        #expect(own.actual.denials == own.candidate.denials)
        #expect(own.actual.valueKeptAlive == own.candidate.valueKeptAlive)
        #expect(own.changed == 0)
    }

    /// A book is all or nothing: a malformed line, or one the ledger cannot apply, leaves the
    /// database as it was, and the message names the line in plain words.
    @Test func aBadLine_loadsNothing_andNamesTheLinePlainly() throws {
        let shipped = try String(contentsOf: Repository.file("Fixtures/book/events.jsonl"), encoding: .utf8)
            .split(separator: "\n").prefix(3).joined(separator: "\n")
        let cases = [
            (#"{"at": "2018-01-01T00:00:00Z", "op": "redeem", "ref": "v1", "amount": "100"}"#, "line 5: 'amount' should be a whole number."),
            ("not json", "line 5: not valid JSON"),
            (#"{"op": "sweep"}"#, "line 5: 'at' is missing"),
            (#"{"at": "2018-01-01T00:00:00Z", "op": "sweeep"}"#, "line 5: unknown op 'sweeep'"),
            (#"{"at": "2018-01-01T00:00:00Z", "op": "redeem", "ref": "v9", "amount": 100}"#, "line 5: refers to 'v9', which no earlier line issued."),
        ]
        for (bad, message) in cases {
            let temp = TemporaryDatabase()
            let book = URL(fileURLWithPath: temp.path + ".jsonl")
            defer { try? FileManager.default.removeItem(at: book) }
            try (shipped + "\n\n" + bad + "\n").write(to: book, atomically: true, encoding: .utf8)  // line 4 is blank
            let clock = ManualClock(Date(timeIntervalSince1970: 0))
            let ledger = try Ledger(path: temp.path, clock: clock, options: .init(durable: false))
            do {
                _ = try BookReplay(ledger: ledger, clock: clock).replay(contentsOf: book)
                Issue.record("\(bad) was replayed")
            } catch let error as LedgerError {
                #expect(error.description.contains(book.lastPathComponent + " " + message), "\(error.description)")
                #expect(!error.description.contains("codingPath") && !error.description.contains("debugDescription"), "\(error.description)")
            }
            #expect(try ledger.list(VoucherFilter()).vouchers.isEmpty, "\(bad) left vouchers behind")
            #expect(try ledger.verify().entries == 0)
        }
    }

    /// A book issues all of its vouchers afresh, so one already loaded is refused, changing nothing.
    @Test func aBookLoadedAlready_isRefused() throws {
        let temp = TemporaryDatabase()
        let book = URL(fileURLWithPath: temp.path + ".jsonl")
        defer { try? FileManager.default.removeItem(at: book) }
        try String(contentsOf: Repository.file("Fixtures/book/events.jsonl"), encoding: .utf8)
            .split(separator: "\n").prefix(3).joined(separator: "\n").write(to: book, atomically: true, encoding: .utf8)
        let clock = ManualClock(Date(timeIntervalSince1970: 0))
        let ledger = try Ledger(path: temp.path, clock: clock, options: .init(durable: false))
        #expect(try BookReplay(ledger: ledger, clock: clock).replay(contentsOf: book).vouchers == 2)
        #expect(throws: LedgerError.self) { try BookReplay(ledger: ledger, clock: clock).replay(contentsOf: book) }
        #expect(try ledger.list(VoucherFilter()).vouchers.count == 2)
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

struct SimulationReplayTests {
    /// The active policy simulated over the history it decided itself must report no change: every
    /// recorded request is replayed, soft expiry at the till and the sweep's goodwill included.
    @Test func simulatingTheActivePolicy_overTheHistoryItDecided_reportsNoChange() throws {
        let f = try LedgerFixture(now: "2023-03-01T10:00:00Z")
        try f.issue(sek(50), holder: "old@example.com")  // a holder first seen three years before
        f.clock.set(instant("2025-04-02T10:00:00Z"))
        let atTheTill = try f.issue(sek(100))
        let asked = try f.issue(sek(100))
        let referred = try f.issue(sek(100))
        let loyal = try f.issue(sek(100), holder: "old@example.com")
        let forgotten = try f.issue(sek(100))
        // Last valid day 2026-04-02. The sweep runs the next morning: goodwill for the loyal holder.
        f.clock.set(instant("2026-04-03T06:00:00Z"))
        let swept = try f.ledger.sweepExpired()
        #expect(swept.extended == [loyal.id])
        #expect(Set(swept.expired).isSuperset(of: [atTheTill, asked, referred, forgotten].map(\.id)))
        // Five days late at the till: soft expiry extends and redeems.
        f.clock.set(instant("2026-04-07T10:00:00Z"))
        try f.redeem(atTheTill, sek(40))
        // Fourteen days late the holder asks: thirty days.
        f.clock.set(instant("2026-04-16T10:00:00Z"))
        #expect(try f.ledger.perform(.extend(VoucherReference(asked.id), ExtensionRequest(reason: "asked")), actor: "t").decision?.applied?.days == 30)
        // Sixty days late: a person decides.
        f.clock.set(instant("2026-06-01T10:00:00Z"))
        #expect(try f.ledger.perform(.extend(VoucherReference(referred.id), ExtensionRequest(reason: "asked")), actor: "t").decision?.outcome == "refer")

        let report = try f.ledger.simulate(try f.ledger.activePolicy(), from: LocalDate(iso: "2026-01-01"), to: LocalDate(iso: "2026-12-31"))
        #expect(report.vouchers == 5)
        #expect(report.actual.extended == 3)
        #expect(report.candidate.extended == 3)
        #expect(report.changed == 0, "\(report.rows.map { "\($0.voucherID): \($0.actual) / \($0.candidate)" })")
        #expect(report.candidate.daysGranted == report.actual.daysGranted)
        #expect(report.candidate.refers == report.actual.refers)
        let row = try #require(report.rows.first { $0.voucherID == atTheTill.id })
        #expect(row.candidateRule == "soft expiry at redemption")
    }
}

struct SimulationSweepTests {
    /// Live, the sweep asks the policy as the system at every expiry, and records nothing when no
    /// rule of its own matches. A candidate whose goodwill is given at expiry must therefore be
    /// asked at expiry for every voucher, also for one whose holder asked about it later (that
    /// later request is recorded; the sweep's silent question before it is not).
    @Test func aCandidateGrantingAtExpiry_isAskedAtExpiry_evenWhenAHolderAskedLater() throws {
        let f = try LedgerFixture(now: "2025-04-02T10:00:00Z")
        let forgotten = try f.issue(sek(100))
        let askedLater = try f.issue(sek(100))
        f.clock.set(instant("2026-04-03T06:00:00Z"))
        #expect(try f.ledger.sweepExpired().extended.isEmpty)  // the default policy has nothing for newcomers
        f.clock.set(instant("2026-06-01T10:00:00Z"))
        #expect(try f.ledger.perform(.extend(VoucherReference(askedLater.id), ExtensionRequest(reason: "asked")), actor: "t").decision?.outcome == "refer")

        let candidate = try f.ledger.validatePolicy(data: Data("""
            {"id": "at-expiry", "version": 1, "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 1, "max_total_extension_days": 60,
                        "monthly_goodwill_budget": {"SEK": 1000000}, "when_exceeded": "refer"},
             "rules": [{"name": "unused at expiry", "conditions": [{"fact": "requester", "equals": "system"}],
                        "outcome": {"kind": "grant", "days": 30, "message": "grant.proactive"}}]}
            """.utf8), fileName: "at-expiry.json")
        let report = try f.ledger.simulate(candidate, from: LocalDate(iso: "2026-01-01"), to: LocalDate(iso: "2026-12-31"))
        #expect(report.vouchers == 2)
        let rows = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.voucherID, $0) })
        #expect(rows[forgotten.id]?.candidateRule == "unused at expiry")
        #expect(rows[askedLater.id]?.candidateRule == "unused at expiry", "\(rows[askedLater.id].map { "\($0.candidate) \($0.candidateRule ?? "-")" } ?? "no row")")
        #expect(report.candidate.extended == 2)
    }
}
