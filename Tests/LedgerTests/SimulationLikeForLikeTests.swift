import Foundation
import GoodwillCore
import PolicyEngine
import RepositoryFiles
import Testing
@testable import Ledger

/// `policy simulate` counts both sides alike: each voucher up to and including its first extension
/// after expiry, and referrals and denials only where the policy answered them (not a person's
/// grant, which is stored with the policy's outcome beside it).
@Suite(.serialized)
struct SimulationLikeForLikeTests {
    static let period = (from: LocalDate(iso: "2026-01-01"), to: LocalDate(iso: "2026-12-31"))

    /// The reviewer's reproduction: granted 30 days, later referred, then 20 days by hand. The
    /// policy's own history shows the same figures on both sides.
    @Test func theActivePolicy_overItsOwnHistory_withLaterRequests_showsEqualFigures() throws {
        let f = try LedgerFixture(now: "2025-06-01T10:00:00Z")
        let v = try f.issue(sek(100), validity: .lastDay(LocalDate(iso: "2026-01-31")!))
        f.clock.set(instant("2026-02-05T10:00:00Z"))
        #expect(try f.ledger.perform(.extend(VoucherReference(v.id), ExtensionRequest(reason: "asked")), actor: "t").decision?.applied?.days == 30)
        f.clock.set(instant("2026-03-15T10:00:00Z"))
        #expect(try f.ledger.perform(.extend(VoucherReference(v.id), ExtensionRequest(reason: "asked again")), actor: "t").decision?.outcome == "refer")
        let byHand = try f.ledger.perform(.extend(VoucherReference(v.id), ExtensionRequest(days: 20, reason: "support agreed", role: "support")), actor: "maria")
        #expect(byHand.decision?.applied?.days == 20)
        #expect(byHand.decision?.outcome == "refer")

        let report = try f.ledger.simulate(try f.ledger.activePolicy(), from: LocalDate(iso: "2026-01-01"), to: LocalDate(iso: "2026-02-28"))
        #expect(report.vouchers == 1)
        #expect(report.actual.extended == 1 && report.candidate.extended == 1)
        #expect(report.actual.daysGranted == 30, "the first extension's days, not the later one by hand as well")
        #expect(report.candidate.daysGranted == 30)
        #expect(report.actual.refers == 0 && report.candidate.refers == 0, "the referral came after the first extension")
        #expect(report.actual.denials == 0 && report.candidate.denials == 0)
        #expect(report.changed == 0)
        #expect(report.rows.first?.actual == "extended 30 days")
    }

    /// A richer book: goodwill at expiry, soft expiry at the till, a grant followed by a denial, a
    /// grant followed by a referral and a person's grant, a later grant on top of the sweep's, a
    /// referral, a denial after a year and a voucher forgotten. The active policy replayed over it
    /// shows the same figures on both sides.
    @Test func theActivePolicy_overARicherBook_showsEqualFigures() throws {
        let f = try Self.richerBook()
        let report = try f.ledger.simulate(try f.ledger.activePolicy(), from: Self.period.from, to: Self.period.to)
        let rows = report.rows.map { "\($0.voucherID): \($0.actual) / \($0.candidate)" }
        #expect(report.vouchers == 7)
        #expect(report.actual.extended == 4, "\(rows)")
        #expect(report.actual.daysGranted == 30 + 7 + 30 + 30, "\(rows)")
        #expect(report.actual.refers == 1, "\(rows)")
        #expect(report.actual.denials == 1, "\(rows)")
        #expect(report.candidate.extended == report.actual.extended)
        #expect(report.candidate.daysGranted == report.actual.daysGranted)
        #expect(report.candidate.refers == report.actual.refers, "\(rows)")
        #expect(report.candidate.denials == report.actual.denials, "\(rows)")
        #expect(report.candidate.valueKeptAlive == report.actual.valueKeptAlive)
        #expect(report.changed == 0, "\(rows)")
    }

    /// Counting alike does not hide a real difference: strict extends fewer of the same vouchers.
    @Test func aDifferentCandidate_overTheRicherBook_stillShowsTheDifference() throws {
        let f = try Self.richerBook()
        let strict = try f.ledger.validatePolicy(data: try Data(contentsOf: Repository.file("Policies/strict.json")), fileName: "strict.json")
        let report = try f.ledger.simulate(strict, from: Self.period.from, to: Self.period.to)
        #expect(report.vouchers == 7)
        #expect(report.actual.extended == 4)
        #expect(report.candidate.extended < report.actual.extended)
        #expect(report.candidate.daysGranted != report.actual.daysGranted)
        #expect(report.changed > 0)
    }

    /// A person's grant on a referral is one referral on both sides (its row carries the policy's
    /// `refer`, and the candidate asked again at it is not a second referral); the extension itself
    /// is what happened, by a person, and the row says so.
    @Test func aPersonsGrantOnAReferral_countsAsOneReferral_onBothSides() throws {
        let f = try LedgerFixture(now: "2025-04-02T10:00:00Z")
        let v = try f.issue(sek(100))
        f.clock.set(instant("2026-06-01T10:00:00Z"))
        #expect(try f.ledger.perform(.extend(VoucherReference(v.id), ExtensionRequest(reason: "asked")), actor: "t").decision?.outcome == "refer")
        f.clock.set(instant("2026-06-02T10:00:00Z"))
        let byHand = try f.ledger.perform(.extend(VoucherReference(v.id), ExtensionRequest(days: 20, reason: "support agreed", role: "support")), actor: "maria")
        #expect(byHand.decision?.outcome == "refer" && byHand.decision?.applied?.days == 20)

        let report = try f.ledger.simulate(try f.ledger.activePolicy(), from: Self.period.from, to: Self.period.to)
        #expect(report.actual.refers == 1)
        #expect(report.candidate.refers == 1)
        #expect(report.actual.extended == 1 && report.actual.daysGranted == 20)
        #expect(report.candidate.extended == 0, "the policy alone refers; only a person extends")
        #expect(report.rows.first?.actual == "extended 20 days by a person")
    }

    /// The expiry sweep records a referral or a denial only when a limit stopped its grant; one it
    /// answers so otherwise does nothing but expire, so the candidate's answer there is not counted
    /// as one either.
    @Test func theSweepsPlainReferral_isNotCounted_asItIsNotRecorded() throws {
        let f = try LedgerFixture(now: "2025-04-02T10:00:00Z")
        try f.ledger.activatePolicy(data: Data("""
            {"id": "sweep-refers", "version": 1, "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 1, "max_total_extension_days": 60,
                        "monthly_goodwill_budget": {"SEK": 1000000}, "when_exceeded": "refer"},
             "rules": [{"name": "look at it", "conditions": [{"fact": "requester", "equals": "system"}],
                        "outcome": {"kind": "refer", "suggested_days": 30, "reason": "refer.needs_review"}}]}
            """.utf8), fileName: "sweep-refers.json", actor: "t")
        let v = try f.issue(sek(100))
        f.clock.set(instant("2026-04-03T06:00:00Z"))
        #expect(try f.ledger.sweepExpired().expired == [v.id])

        let report = try f.ledger.simulate(try f.ledger.activePolicy(), from: Self.period.from, to: Self.period.to)
        #expect(report.vouchers == 1)
        #expect(report.actual.refers == 0)
        #expect(report.candidate.refers == 0)
        #expect(report.changed == 0)
    }

    /// Seven vouchers whose last valid day is 2026-04-02, under the default policy.
    static func richerBook() throws -> LedgerFixture {
        let f = try LedgerFixture(now: "2023-03-01T10:00:00Z")
        try f.issue(sek(50), holder: "old@example.com")  // a holder first seen three years before
        f.clock.set(instant("2025-04-02T10:00:00Z"))
        let loyal = try f.issue(sek(100), holder: "old@example.com")
        let atTheTill = try f.issue(sek(100))
        let askedTwice = try f.issue(sek(100))
        let thenAPerson = try f.issue(sek(100))
        let referred = try f.issue(sek(100))
        let tooLate = try f.issue(sek(100))
        _ = try f.issue(sek(100))  // forgotten
        func ask(_ v: VoucherView, _ at: String, days: Int? = nil) throws -> DecisionView? {
            f.clock.set(instant(at))
            return try f.ledger.perform(.extend(VoucherReference(v.id), ExtensionRequest(days: days, reason: "asked", role: "support")), actor: "t").decision
        }
        f.clock.set(instant("2026-04-03T06:00:00Z"))
        #expect(try f.ledger.sweepExpired().extended == [loyal.id])  // 30 days, to 2026-05-03
        f.clock.set(instant("2026-04-07T10:00:00Z"))
        try f.redeem(atTheTill, sek(40))  // soft expiry: 7 days
        #expect(try ask(askedTwice, "2026-04-16T10:00:00Z")?.applied?.days == 30)
        #expect(try ask(thenAPerson, "2026-04-16T11:00:00Z")?.applied?.days == 30)
        #expect(try ask(askedTwice, "2026-05-01T10:00:00Z")?.outcome == "deny")  // not expired yet
        #expect(try ask(loyal, "2026-05-10T10:00:00Z")?.applied?.days == 60)  // long-standing holders
        #expect(try ask(thenAPerson, "2026-05-25T10:00:00Z")?.outcome == "refer")
        #expect(try ask(thenAPerson, "2026-05-25T11:00:00Z", days: 20)?.applied?.days == 20)
        #expect(try ask(referred, "2026-06-01T10:00:00Z")?.outcome == "refer")
        #expect(try ask(tooLate, "2027-05-10T10:00:00Z")?.outcome == "deny")  // over a year
        return f
    }
}
