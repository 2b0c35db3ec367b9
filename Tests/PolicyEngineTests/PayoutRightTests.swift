import Foundation
import RepositoryFiles
import GoodwillCore
import Testing
@testable import PolicyEngine

/// The payout right a jurisdiction still gives after expiry, said beside a goodwill answer: decided
/// by `cashOutAllowed` (the rule closing refunds by), with the day it ends.
@Suite struct PayoutRightTests {
    func preset(_ code: String) throws -> JurisdictionPreset {
        try JurisdictionPreset.load(contentsOf: Repository.root.appendingPathComponent("Policies/jurisdictions/\(code).json"))
    }

    @Test func aDanishVoucherFortyDaysPastExpiry_mayStillBePaidOut_untilAYearAfter() throws {
        let right = try #require(try preset("DK").payoutRightAfterExpiry(balance: 40_000, currency: "DKK", on: date("2026-05-12"),
                                                                        lastValidDay: date("2026-04-02")))
        #expect(right.until == date("2027-04-02"))
        #expect(right.balance == 40_000)
        let words = right.sentence(PayoutRight.howCLI)
        #expect(words.contains("until 2027-04-02"), "\(words)")
        #expect(words.contains("400.00 DKK"), "\(words)")
        #expect(words.contains("goodwill refund"), "\(words)")
        #expect(words.contains("Denmark"), "\(words)")
    }

    @Test(arguments: [
        // Sweden gives no payout right.
        ("SE", 40_000 as Int64, "SEK", "2026-05-12", "2026-04-02"),
        // Denmark, the day after the year ran out.
        ("DK", 40_000, "DKK", "2027-04-03", "2026-04-02"),
        // Denmark, not expired yet: nothing to say beside an expiry.
        ("DK", 40_000, "DKK", "2026-04-02", "2026-04-02"),
        // Nothing left.
        ("DK", 0, "DKK", "2026-05-12", "2026-04-02"),
        // New York: at or above the $5 threshold.
        ("US-NY", 500, "USD", "2026-05-12", "2026-04-02"),
    ] as [(String, Int64, String, String, String)])
    func noPayoutRight(code: String, balance: Int64, currency: String, on day: String, lastValid: String) throws {
        #expect(try preset(code).payoutRightAfterExpiry(balance: balance, currency: currency, on: date(day),
                                                        lastValidDay: date(lastValid)) == nil)
    }

    @Test func aPhysicalDanishCard_hasNoPayoutRightAfterExpiry() throws {
        #expect(try preset("DK").payoutRightAfterExpiry(balance: 40_000, currency: "DKK", on: date("2026-05-12"),
                                                        lastValidDay: date("2026-04-02"), isElectronic: false) == nil)
    }

    /// Under a threshold the right has no last day: it is said so, not given a date.
    @Test func aSmallBalanceUnderAThreshold_mayBeClaimedAtAnyTime() throws {
        let right = try #require(try preset("US-NY").payoutRightAfterExpiry(balance: 499, currency: "USD", on: date("2030-05-12"),
                                                                           lastValidDay: date("2026-04-02")))
        #expect(right.until == nil)
        let words = right.sentence(PayoutRight.howAPI)
        #expect(words.contains("at any time"), "\(words)")
        #expect(words.contains("4.99 USD"), "\(words)")
        #expect(words.contains("/refunds"), "\(words)")
    }

    /// Beside the decision, never instead of it: the outcome stays, the explanation says the right,
    /// and the stored JSON carries it so a replay says the same. A grant is left alone (the voucher
    /// is valid again, and the right runs from its new expiry).
    @Test func aDecisionNotesTheRight_besideItsOutcome_andKeepsItWhenStored() throws {
        let policy = try shippedPolicy("strict.json")
        let facts = PolicyFacts.make(daysSinceExpiry: 40, currency: "DKK")
        let plain = policy.evaluate(facts)
        let right = try #require(try preset("DK").payoutRightAfterExpiry(balance: facts.remainingBalance, currency: "DKK",
                                                                        on: facts.asOf, lastValidDay: facts.lastValidDay))
        let noted = plain.noting(right)
        #expect(noted.outcome == plain.outcome)
        guard case .deny = noted.outcome else { Issue.record("strict denies after 31 days, got \(noted.outcome)"); return }
        #expect(noted.explanation.hasPrefix(plain.explanation))
        #expect(noted.explanation.contains("until 2027-04-02"), "\(noted.explanation)")
        #expect(noted.payoutRight == right)
        let stored = try JSONDecoder().decode(PolicyDecision.self, from: try JSONEncoder().encode(noted))
        #expect(stored == noted)
        // Nothing to note: unchanged, and a decision stored before this field reads back without it.
        #expect(plain.noting(nil) == plain)
        #expect(try JSONDecoder().decode(PolicyDecision.self, from: try JSONEncoder().encode(plain)).payoutRight == nil)

        let grant = policy.evaluate(PolicyFacts.make(daysSinceExpiry: 2, currency: "DKK"))
        #expect(grant.outcome.isGrant)
        #expect(grant.noting(right) == grant)
    }
}
