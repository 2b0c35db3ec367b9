import Foundation
import GoodwillCore
import PolicyEngine
import Testing
@testable import Ledger
import Store

struct GoodwillStoryTests {
    /// The story the policy engine exists for: a one-year experience voucher bought as a gift
    /// expired two weeks ago; the holder asks to use it anyway.
    @Test func aHolderAskingTwoWeeksAfterExpiry_getsThirtyDaysAutomatically() throws {
        let f = try LedgerFixture(now: "2025-04-02T09:00:00Z")
        let v = try f.ledger.perform(.issue(IssueRequest(
            value: sek(1000), validity: .months(12), timeZone: "Europe/Stockholm",
            holder: PersonInput(email: "anna@example.com", name: "Anna", locale: "sv"),
            purchaser: PersonInput(email: "erik@example.com", name: "Erik"), kind: .experience,
            experience: "Rooftop walk for two")), actor: "shop").voucher
        #expect(v.lastValidDay == "2026-04-02")
        f.clock.set(instant("2026-04-16T08:30:00Z"))

        let explained = try f.ledger.explainGoodwill(VoucherReference(v.code))
        #expect(explained.outcome == "grant")
        #expect(explained.rule == "recently expired, first time")
        #expect(explained.facts.daysSinceExpiry == 14)

        let r = try f.ledger.perform(.extend(VoucherReference(v.code), ExtensionRequest(reason: "holder called: did not see the date")), actor: "support:maria")
        #expect(r.voucher.status == .active)
        #expect(r.voucher.lastValidDay == "2026-05-16")
        let decision = try #require(r.decision)
        #expect(decision.outcome == "grant")
        #expect(decision.applied?.days == 30)
        #expect(decision.applied?.isOverride == false)
        #expect(decision.policy.id == "default")
        #expect(decision.policy.hash == SHA256.hash(Array(EmbeddedPolicies.policies["default.json"]!.utf8)).hexString)
        let entries = try f.ledger.entries(of: VoucherReference(v.id))
        #expect(entries.last?.kind == .extended)
        #expect(entries.last?.decisionID == decision.id)
        #expect(entries.last?.lastValidDayAfter == "2026-05-16")
        let stored = try #require(try PolicyStore(f.ledger.db).decision(id: decision.id!))
        #expect(stored.ruleName == "recently expired, first time")
        #expect(stored.json.contains("\"trace\""))
        #expect(try f.ledger.verify().ok)
        // And now it can be used.
        #expect(try f.redeem(r.voucher, sek(1000)).voucher.status == .redeemed)
    }
}

struct ExtensionRequestTests {
    func expiredVoucher(_ f: LedgerFixture, daysLate: Int) throws -> VoucherView {
        let v = try f.issue(sek(100))
        f.clock.set(instant("2026-04-02T22:00:00Z"))
        f.clock.advance(days: daysLate)
        return v
    }

    @Test func aReferredRequest_isRecorded_butChangesNothing() throws {
        let f = try LedgerFixture()
        let v = try expiredVoucher(f, daysLate: 60)
        let r = try f.ledger.perform(.extend(VoucherReference(v.id), ExtensionRequest(reason: "holder was abroad")), actor: "support")
        #expect(r.entry == nil)
        #expect(r.decision?.outcome == "refer")
        #expect(r.decision?.id != nil)
        #expect(r.voucher.lastValidDay == "2026-04-02")
        #expect(try PolicyStore(f.ledger.db).decisions(of: VoucherID(rawValue: v.id)).count == 1)
    }

    @Test func grantingBeyondThePolicy_needsAnOverride_andTheRightRole() throws {
        let f = try LedgerFixture()
        let v = try expiredVoucher(f, daysLate: 400)
        let ref = VoucherReference(v.id)
        #expect(ledgerError {
            try f.ledger.perform(.extend(ref, ExtensionRequest(days: 30, reason: "long illness", role: "redeemer")), actor: "till")
        }?.code == "not-permitted")
        #expect(ledgerError {
            try f.ledger.perform(.extend(ref, ExtensionRequest(days: 30, reason: "long illness", role: "support")), actor: "maria")
        }?.code == "override-required")
        let r = try f.ledger.perform(.extend(ref, ExtensionRequest(days: 30, reason: "long illness", override: true, role: "support")), actor: "maria")
        #expect(r.decision?.outcome == "deny")
        #expect(r.decision?.applied?.isOverride == true)
        #expect(r.decision?.applied?.days == 30)
        #expect(r.voucher.status == .active)
        #expect(try f.ledger.verify().ok)
    }

    @Test func voidedVouchers_andVouchersWithoutExpiry_cannotBeExtended() throws {
        let f = try LedgerFixture()
        let a = try f.issue(validity: Validity.none)
        #expect(ledgerError { try f.ledger.perform(.extend(VoucherReference(a.id), ExtensionRequest(reason: "x")), actor: "t") } == .noExpiry)
        let b = try f.issue()
        try f.ledger.perform(.void(VoucherReference(b.id), reason: nil), actor: "t")
        #expect(ledgerError { try f.ledger.perform(.extend(VoucherReference(b.id), ExtensionRequest(reason: "x")), actor: "t") } == .voucherVoided)
    }

    /// An override confirms days a person grants; without days there is nothing to confirm, and
    /// letting the policy decide instead (a refusal, recorded) is not what the agent asked for.
    @Test func anOverrideWithoutDays_isRefused_andNothingIsRecorded() throws {
        let f = try LedgerFixture()
        let v = try expiredVoucher(f, daysLate: 400)
        let error = ledgerError {
            try f.ledger.perform(.extend(VoucherReference(v.id), ExtensionRequest(reason: "long illness", override: true, role: "support")), actor: "maria")
        }
        #expect(error?.code == "invalid-request", "\(String(describing: error))")
        #expect(error?.description.contains("days") == true)
        #expect(try PolicyStore(f.ledger.db).decisions(of: VoucherID(rawValue: v.id)).isEmpty)
        #expect(try f.show(v).lastValidDay == "2026-04-02")
    }

    /// The dry run answers what the request would: a voided or refunded voucher is not offered
    /// an extension that asking for it would then refuse.
    @Test func theDryRun_refusesAVoidedOrRefundedVoucher_asTheRequestDoes() throws {
        let f = try LedgerFixture()
        let voided = try f.issue(sek(100)), refunded = try f.issue(sek(100))
        f.clock.set(instant("2026-04-16T08:30:00Z"))  // two weeks after the last valid day
        try f.ledger.perform(.void(VoucherReference(voided.id), reason: "sold by mistake"), actor: "admin")
        try f.ledger.perform(.refund(VoucherReference(refunded.id), reference: nil, reason: "left"), actor: "admin")
        for (v, error) in [(voided, LedgerError.voucherVoided), (refunded, .voucherRefunded)] {
            let ref = VoucherReference(v.id)
            #expect(ledgerError { try f.ledger.perform(.extend(ref, ExtensionRequest(reason: "x")), actor: "t") } == error)
            #expect(ledgerError { _ = try f.ledger.explainGoodwill(ref) } == error)
        }
    }

    @Test func theSweep_appliesGoodwillAtExpiry_forLongStandingHolders() throws {
        let f = try LedgerFixture(now: "2022-03-01T10:00:00Z")
        try f.issue(sek(50), holder: "old@example.com")  // first seen four years before
        f.clock.set(instant("2025-04-02T10:00:00Z"))
        let loyal = try f.issue(sek(100), holder: "old@example.com")
        let newcomer = try f.issue(sek(100), holder: "new@example.com")
        f.clock.set(instant("2026-04-03T06:00:00Z"))
        let result = try f.ledger.sweepExpired()
        #expect(result.extended == [loyal.id])
        #expect(result.expired.contains(newcomer.id))
        #expect(try f.show(loyal).lastValidDay == "2026-05-03")
        #expect(try f.ledger.verify().ok)
    }

    /// The sweep's rule grants, the month's budget stops it: the voucher expires, and the referral
    /// is recorded (a person decides) with the `expired` entry pointing at it.
    @Test func theSweep_recordsAReferral_whenALimitStopsItsGrant() throws {
        let f = try LedgerFixture()
        try f.ledger.activatePolicy(data: Data("""
            {"id": "at-expiry", "version": 1, "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 1, "max_total_extension_days": 60,
                        "monthly_goodwill_budget": {"SEK": 15000}, "when_exceeded": "refer"},
             "rules": [{"name": "unused at expiry", "conditions": [{"fact": "requester", "equals": "system"}],
                        "outcome": {"kind": "grant", "days": 30, "message": "grant.proactive"}}]}
            """.utf8), fileName: "at-expiry.json", actor: "admin")
        let fits = try f.issue(sek(100))
        let over = try f.issue(sek(100))
        f.clock.set(instant("2026-04-03T06:00:00Z"))
        let result = try f.ledger.sweepExpired()
        #expect(result.extended.count == 1)
        #expect(result.expired.count == 1)
        let expiredID = try #require(result.expired.first)
        #expect([fits.id, over.id].contains(expiredID))
        #expect(result.referred == [expiredID], "the sweep's result names it for a person")
        let decisions = try PolicyStore(f.ledger.db).decisions(of: VoucherID(rawValue: expiredID))
        #expect(decisions.count == 1)
        let referral = try #require(decisions.first)
        #expect(referral.outcome == "refer")
        #expect(referral.requester == "system")
        #expect(referral.ruleName == "unused at expiry")
        #expect(referral.daysGranted == 0)
        #expect(referral.json.contains("monthly_goodwill_budget"))
        let last = try #require(try f.ledger.entries(of: VoucherReference(expiredID)).last)
        #expect(last.kind == .expired)
        #expect(last.decisionID == referral.id)
        #expect(try f.ledger.verify().ok)
        // Swept again, nothing new is recorded.
        #expect(try f.ledger.sweepExpired().expired.isEmpty)
        #expect(try PolicyStore(f.ledger.db).decisions(of: VoucherID(rawValue: expiredID)).count == 1)
    }
}

struct JurisdictionTests {
    @Test func issuingBelowTheLegalMinimum_isRefusedWithTheReason() throws {
        let f = try LedgerFixture()
        try f.ledger.setJurisdiction(code: "DE", actor: "admin")
        let error = ledgerError { try f.issue(validity: .months(12)) }
        #expect(error?.code == "below-legal-minimum")
        #expect(try f.ledger.store.countVouchers() == 0)
        try f.ledger.setJurisdiction(code: "SE", actor: "admin")
        #expect(try f.issue(validity: .months(12)).status == .active)
    }

    @Test func anUnknownJurisdiction_isRefused() throws {
        let f = try LedgerFixture()
        #expect(ledgerError { try f.ledger.setJurisdiction(code: "XX", actor: "a") }?.code == "invalid-request")
    }
}

struct PolicyManagementTests {
    func policyText(budget: Int64, version: Int = 1, id: String = "tight") -> Data {
        Data("""
        {"id": "\(id)", "version": \(version), "description": "five extensions a month", "jurisdiction": "any",
         "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 120,
                    "monthly_goodwill_budget": {"SEK": \(budget)}, "when_exceeded": "refer"},
         "rules": [{"name": "late", "conditions": [{"fact": "days_since_expiry", "min": 1, "max": 60}],
                    "outcome": {"kind": "grant", "days": 30, "message": "grant.courtesy"}}]}
        """.utf8)
    }

    @Test func aNewDatabase_startsWithTheDefaultPolicyActive() throws {
        let f = try LedgerFixture()
        let infos = try f.ledger.policyInfos()
        #expect(infos.map(\.id) == ["default"])
        #expect(infos.first?.active == true)
        #expect(try f.ledger.jurisdiction()?.code == "SE")
    }

    @Test func activating_keepsEveryVersion_andRefusesAChangedVersion() throws {
        let f = try LedgerFixture()
        try f.ledger.activatePolicy(data: policyText(budget: 1000), fileName: "tight.json", actor: "admin")
        #expect(try f.ledger.activePolicy().id == "tight")
        #expect(ledgerError { try f.ledger.activatePolicy(data: policyText(budget: 2000), fileName: "tight.json", actor: "admin") }?.code == "invalid-policy")
        try f.ledger.activatePolicy(data: policyText(budget: 2000, version: 2), fileName: "tight.json", actor: "admin")
        let infos = try f.ledger.policyInfos()
        #expect(infos.count == 3)
        #expect(infos.filter(\.active).map(\.version) == [2])
    }

    /// A refused redemption's hint says which limit stops goodwill: here the month's budget, which
    /// the voucher itself has not touched (it was never extended).
    @Test(arguments: ["deny", "refer"])
    func theRedemptionHint_namesTheMonthlyBudget_whenTheBudgetStopsTheGrant(whenExceeded: String) throws {
        let f = try LedgerFixture()
        let text = String(decoding: policyText(budget: 100), as: UTF8.self)
            .replacingOccurrences(of: #""when_exceeded": "refer""#, with: #""when_exceeded": "\#(whenExceeded)""#)
        try f.ledger.activatePolicy(data: Data(text.utf8), fileName: "tight.json", actor: "admin")
        let v = try f.issue(sek(100))
        f.clock.set(instant("2026-04-10T10:00:00Z"))
        let error = ledgerError { try f.redeem(v, sek(10)) }
        guard case .voucherExpired(_, let hint, _)? = error else { Issue.record("expected voucher-expired, got \(String(describing: error))"); return }
        let words = try #require(hint?.sentence)
        #expect(words.contains("goodwill budget cannot cover"), "\(words)")
        #expect(!words.contains("already been extended"), "\(words)")
        #expect(words.hasPrefix(whenExceeded == "deny" ? "The goodwill policy would not extend it" : "The goodwill policy would refer"), "\(words)")
    }

    /// One budget, one month: counted in the issuer's zone (Stockholm), not each voucher's. A grant
    /// at 01:00 Stockholm on 1 May is May's; a New York voucher asking at 01:00 New York time must
    /// see it, although New York's May began six hours later.
    @Test func theMonthlyBudget_isCountedInTheIssuersZone_forVouchersInAnyZone() throws {
        let f = try LedgerFixture()
        try f.ledger.activatePolicy(data: policyText(budget: 10_000), fileName: "tight.json", actor: "admin")
        let stockholm = try f.issue(sek(100))
        let newYork = try f.ledger.perform(.issue(IssueRequest(value: sek(100), validity: .months(12), timeZone: "America/New_York")),
                                           actor: "test").voucher
        f.clock.set(instant("2026-04-30T23:00:00Z"))  // 1 May 01:00 in Stockholm, 30 April 19:00 in New York
        let first = try f.ledger.perform(.extend(VoucherReference(stockholm.id), ExtensionRequest(reason: "asked")), actor: "t")
        #expect(first.decision?.applied?.days == 30)
        f.clock.set(instant("2026-05-01T05:00:00Z"))  // 1 May 07:00 in Stockholm, 01:00 in New York
        let facts = try f.ledger.explainGoodwill(VoucherReference(newYork.id)).facts
        #expect(facts.goodwillThisMonthCount == 1)
        #expect(facts.goodwillThisMonthValue == 10_000)
        let second = try f.ledger.perform(.extend(VoucherReference(newYork.id), ExtensionRequest(reason: "asked")), actor: "t")
        #expect(second.decision?.outcome == "refer")
        #expect(second.decision?.limitApplied?.limit == "monthly_goodwill_budget")
    }

    /// The monthly budget holds under concurrency: budget for five, twenty racing requests, five grants.
    @Test func theMonthlyBudget_holdsUnderConcurrentRequests() throws {
        let f = try LedgerFixture()
        try f.ledger.activatePolicy(data: policyText(budget: 5 * 10_000), fileName: "tight.json", actor: "admin")
        var codes: [String] = []
        for _ in 0..<20 { codes.append(try f.issue(sek(100)).code) }
        f.clock.set(instant("2026-04-10T10:00:00Z"))
        let path = f.temp.path, clock = f.clock
        let tally = Tally()
        let group = DispatchGroup()
        for code in codes {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    let ledger = try Ledger(path: path, clock: clock, options: .init(durable: false))
                    let r = try ledger.perform(.extend(VoucherReference(code), ExtensionRequest(reason: "asked")), actor: "t")
                    tally.record(r.decision?.applied != nil ? "granted" : (r.decision?.outcome ?? "?"))
                } catch { tally.record("error: \(error)") }
            }
        }
        group.wait()
        #expect(tally.counts() == ["granted": 5, "refer": 15])
        #expect(try f.ledger.verify().ok)
    }
}

/// A last valid day past 9999-12-31 would be stored as "10000-…", which LocalDate(iso:) cannot
/// read back: the voucher would become unreadable. Issue and extension refuse to get there.
struct LastStorableDayLedgerTests {
    @Test func anExtensionPastTheLastStorableDay_isRefused_andTheVoucherStaysReadable() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500), validity: .lastDay(LocalDate(iso: "9999-12-20")!))
        let entries = try f.ledger.store.countEntries()
        let error = ledgerError {
            try f.ledger.perform(.extend(VoucherReference(v.id), ExtensionRequest(days: 30, reason: "forever", override: true)), actor: "root")
        }
        #expect(error?.code == "invalid-request")
        #expect(error?.description.contains("9999-12-31") == true, "\(String(describing: error))")
        #expect(try f.show(v).lastValidDay == "9999-12-20")
        #expect(try f.ledger.store.countEntries() == entries)
        #expect(try f.ledger.verify().ok)
    }

    @Test func theLedgersOwnCheck_refusesADayPastTheCalendar() throws {
        let f = try LedgerFixture()
        let v = try f.issue(sek(500), validity: .lastDay(LocalDate(iso: "9999-12-20")!))
        let voucher = try f.ledger.resolve(VoucherReference(v.id))
        let decision = try f.ledger.activePolicy().evaluate(try f.ledger.goodwillFacts(for: voucher, requester: .agent, now: f.clock.now()))
        let ctx = Ledger.OperationContext(actor: "t", idempotencyKey: nil, now: f.clock.now())
        let error = ledgerError {
            _ = try f.ledger.db.writeTransaction {
                try f.ledger.applyExtension(voucher, decision: decision, days: 30, lastValidDay: LocalDate(iso: "9999-12-20")!.adding(days: 30),
                                            isOverride: true, overrideBecause: nil, reason: "test", ctx)
            }
        }
        #expect(error?.code == "invalid-request")
        #expect(try f.show(v).lastValidDay == "9999-12-20")
    }

    @Test func aValidityInMonthsPastTheCalendar_isRefusedAtIssue() throws {
        let f = try LedgerFixture()
        #expect(try f.issue(sek(500), validity: .months(1200)).lastValidDay == "2125-04-02")  // 2125: fine
        f.clock.set(instant("9950-01-01T10:00:00Z"))
        let late = ledgerError { try f.issue(sek(500), validity: .months(1200)) }
        #expect(late?.code == "invalid-request")
        #expect(late?.description.contains("ends after 9999-12-31") == true, "\(String(describing: late))")
    }
}

/// Where the law in force still lets the holder take the balance out as money after expiry
/// (Denmark: a year), every answer that says "expired" or "no" says so too, with the last day and
/// how to pay it out; the decision itself does not change. Elsewhere nothing changes.
struct PayoutRightAfterExpiryTests {
    /// A voucher of `value` issued 2025-04-02 in Copenhagen, valid `months`, under `jurisdiction`.
    func expired(_ jurisdiction: String, _ value: Money, months: Int = 12, policy: String? = nil) throws -> (LedgerFixture, VoucherView) {
        let f = try LedgerFixture(now: "2025-04-02T10:00:00Z")
        try f.ledger.setJurisdiction(code: jurisdiction, actor: "admin")
        if let policy {
            try f.ledger.activatePolicy(data: Data(EmbeddedPolicies.policies[policy]!.utf8), fileName: policy, actor: "admin")
        }
        let v = try f.ledger.perform(.issue(IssueRequest(value: value, validity: .months(months), timeZone: "Europe/Copenhagen",
                                                         holder: PersonInput(email: "ida@example.dk", name: "Ida", locale: "da"))),
                                     actor: "shop").voucher
        return (f, v)
    }

    func dkk(_ units: Int64) -> Money { Money(minorUnits: units * 100, currency: .dkk) }

    /// Forty days after a last valid day of 2026-04-02 (Copenhagen).
    static let fortyDaysLate = "2026-05-12T10:00:00Z"

    @Test func aDanishVoucherFortyDaysLate_isRefused_explained_andDenied_sayingThePayoutRightAndItsLastDay() throws {
        let (f, v) = try expired("DK", dkk(400), policy: "strict.json")
        #expect(v.lastValidDay == "2026-04-02")
        f.clock.set(instant(Self.fortyDaysLate))

        // The redemption refused for expiry.
        let error = ledgerError { try f.redeem(v, dkk(10)) }
        guard case .voucherExpired(let day, _, let payout)? = error else { Issue.record("expected voucher-expired, got \(String(describing: error))"); return }
        #expect(day == LocalDate(iso: "2026-04-02"))
        #expect(payout?.until == LocalDate(iso: "2027-04-02"))
        let refusal = error?.description ?? ""
        #expect(refusal.contains("400.00 DKK as money until 2027-04-02"), "\(refusal)")
        #expect(refusal.contains("goodwill refund"), "\(refusal)")

        // The dry run: the policy's answer stays a denial, the right is said beside it.
        let dry = try f.ledger.explainGoodwill(VoucherReference(v.code))
        #expect(dry.outcome == "deny")
        #expect(dry.rule == "later than a month")
        #expect(dry.payoutClaimableUntil == "2027-04-02")
        #expect(dry.payoutClaimable == dkk(400))
        #expect(dry.explanation.contains("until 2027-04-02"), "\(dry.explanation)")

        // The denied request: recorded with the right in its explanation, and a retry says the same.
        let request = LedgerCommand.extend(VoucherReference(v.id), ExtensionRequest(reason: "holder was abroad"))
        let denied = try f.ledger.perform(request, actor: "support", idempotencyKey: "ask-1")
        let decision = try #require(denied.decision)
        #expect(decision.outcome == "deny")
        #expect(decision.applied == nil)
        #expect(decision.payoutClaimableUntil == "2027-04-02")
        #expect(decision.explanation.contains("until 2027-04-02"), "\(decision.explanation)")
        let row = try #require(try PolicyStore(f.ledger.db).decision(id: decision.id!))
        #expect(row.json.contains("2027-04-02"))
        f.clock.advance(days: 400)  // the right has run out since; the stored decision still says what was said
        let retry = try f.ledger.perform(request, actor: "support", idempotencyKey: "ask-1")
        #expect(retry.decision?.explanation == decision.explanation)
        #expect(retry.decision?.payoutClaimableUntil == "2027-04-02")
        #expect(try f.show(v).lastValidDay == "2026-04-02")
    }

    /// The default policy refers a request 40 days late; a referral says it too.
    @Test func aReferral_saysThePayoutRightToo() throws {
        let (f, v) = try expired("DK", dkk(400))
        f.clock.set(instant(Self.fortyDaysLate))
        let r = try f.ledger.perform(.extend(VoucherReference(v.id), ExtensionRequest(reason: "asked")), actor: "support")
        #expect(r.decision?.outcome == "refer")
        #expect(r.decision?.explanation.contains("until 2027-04-02") == true)
    }

    @Test func inSweden_nothingIsSaidOfAPayout() throws {
        let (f, v) = try expired("SE", sek(400), policy: "strict.json")
        f.clock.set(instant(Self.fortyDaysLate))
        try expectNoPayoutWords(f, v, amount: sek(10))
    }

    @Test func inDenmark_pastTheYearAfterExpiry_nothingIsSaidOfAPayout() throws {
        let (f, v) = try expired("DK", dkk(400), policy: "strict.json")
        f.clock.set(instant("2027-04-03T10:00:00Z"))
        try expectNoPayoutWords(f, v, amount: dkk(10))
    }

    /// A grant makes the voucher valid again: its answer says nothing of a payout.
    @Test func aGrantedExtension_saysNothingOfAPayout() throws {
        let (f, v) = try expired("DK", dkk(400))
        f.clock.set(instant("2026-04-16T10:00:00Z"))
        let r = try f.ledger.perform(.extend(VoucherReference(v.id), ExtensionRequest(reason: "asked")), actor: "support")
        #expect(r.decision?.outcome == "grant")
        #expect(r.decision?.payoutClaimableUntil == nil)
        #expect(r.decision?.explanation.contains("payout") == false)
    }

    /// New York: a balance under $5 may be claimed however long ago it expired; $5 may not.
    @Test func underAThreshold_theRightHasNoLastDay_andAtItNothingIsSaid() throws {
        let usd = { (minor: Int64) in Money(minorUnits: minor, currency: .usd) }
        let (small, s) = try expired("US-NY", usd(499), months: 108, policy: "strict.json")
        small.clock.set(instant("2034-05-12T10:00:00Z"))
        let error = ledgerError { try small.redeem(s, usd(100)) }
        guard case .voucherExpired(_, _, let payout)? = error else { Issue.record("expected voucher-expired, got \(String(describing: error))"); return }
        #expect(payout != nil)
        #expect(payout?.until == nil)
        #expect(error?.description.contains("4.99 USD as money at any time") == true, "\(error?.description ?? "")")
        let dry = try small.ledger.explainGoodwill(VoucherReference(s.id))
        #expect(dry.payoutClaimable == usd(499))
        #expect(dry.payoutClaimableUntil == nil)
        #expect(dry.explanation.contains("at any time"), "\(dry.explanation)")

        let (large, l) = try expired("US-NY", usd(500), months: 108, policy: "strict.json")
        large.clock.set(instant("2034-05-12T10:00:00Z"))
        try expectNoPayoutWords(large, l, amount: usd(100))
    }

    func expectNoPayoutWords(_ f: LedgerFixture, _ v: VoucherView, amount: Money, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let error = ledgerError { try f.redeem(v, amount) }
        guard case .voucherExpired(_, _, let payout)? = error else {
            Issue.record("expected voucher-expired, got \(String(describing: error))", sourceLocation: sourceLocation); return
        }
        #expect(payout == nil, sourceLocation: sourceLocation)
        #expect(error?.description.contains("payout") == false, "\(error?.description ?? "")", sourceLocation: sourceLocation)
        let dry = try f.ledger.explainGoodwill(VoucherReference(v.id))
        #expect(dry.outcome == "deny", sourceLocation: sourceLocation)
        #expect(dry.payoutClaimable == nil && dry.payoutClaimableUntil == nil, sourceLocation: sourceLocation)
        #expect(!dry.explanation.contains("payout"), "\(dry.explanation)", sourceLocation: sourceLocation)
        let denied = try f.ledger.perform(.extend(VoucherReference(v.id), ExtensionRequest(reason: "asked")), actor: "support")
        #expect(denied.decision?.outcome == "deny", sourceLocation: sourceLocation)
        #expect(denied.decision?.explanation.contains("payout") == false, sourceLocation: sourceLocation)
    }
}
