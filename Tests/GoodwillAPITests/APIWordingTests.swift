import Foundation
import GoodwillCore
import Ledger
import Testing
@testable import GoodwillAPI

/// The ledger's sentences are shared with the CLI and name its flags and commands; an HTTP
/// client is told the fields and routes it can use instead.
@Suite struct APIWordingTests {
    func expectNoCLIWords(_ answer: Answer, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let detail = answer.json["detail"] as? String ?? ""
        #expect(!detail.isEmpty, "\(what): \(answer.text)", sourceLocation: sourceLocation)
        #expect(!detail.contains("--") && !detail.contains("'goodwill "), "\(what): \(detail)", sourceLocation: sourceLocation)
    }

    @Test func aLastDayBeforeIssue_namesValidityMonths_notTheFlag() async throws {
        let h = try APIHarness()
        let past = await h.post("/v1/vouchers", #"{"value": {"amount": 50000, "currency": "SEK"}, "validity": {"last_day": "2026-01-31"}}"#)
        #expect(past.status == 422 && past.code == "invalid-request")
        #expect(past.json["detail"] as? String
                == "validity.last_day 2026-01-31 is before the day of issue (2026-03-02). Give a day from 2026-03-02 on, or validity.months instead.")
        // The CLI keeps its flag.
        let issueDay = LocalDate(iso: "2026-03-02")!, lastDay = LocalDate(iso: "2026-01-31")!
        #expect(ValidityError.endsBeforeIssue(lastDay: lastDay, issueDay: issueDay).description.contains("--valid-months"))
    }

    @Test func problemsTheAPIReturns_nameNoCLIFlagOrCommand() async throws {
        let h = try APIHarness()
        let id = try #require(try await h.issue(validity: #"{"last_day": "2026-03-10"}"#).string("id"))
        expectNoCLIWords(await h.post("/v1/vouchers", #"{"value": {"amount": 500, "currency": "SEK"}, "validity": {"months": 0}}"#), "months 0")
        expectNoCLIWords(await h.post("/v1/vouchers/\(id)/adjustments", #"{"amount": {"amount": 100, "currency": "SEK"}, "reason": " "}"#), "adjustment reason")
        expectNoCLIWords(await h.post("/v1/vouchers/\(id)/extensions", #"{"reason": " "}"#), "extension reason")
        expectNoCLIWords(await h.post("/v1/vouchers/\(id)/extensions", #"{"reason": "generous", "days": 3000}"#), "override")
        expectNoCLIWords(await h.get("/v1/holders/hld_0000000000000000"), "holder not found")
        expectNoCLIWords(await h.post("/v1/reminders/999/retry"), "reminder not found")
        h.clock.set(instant("2026-03-28T10:00:00Z"))
        let expired = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 100, "currency": "SEK"}}"#)
        #expect(expired.code == "voucher-expired")
        expectNoCLIWords(expired, "expired, with a goodwill hint")
        // Answers the ledger words without a request that is easy to set up here.
        for error: LedgerError in [.importedRedemption(7), .voucherExpired(lastValidDay: LocalDate(iso: "2026-03-10")!)] {
            let detail = Problem.from(error).detail
            #expect(!detail.contains("--") && !detail.contains("'goodwill "), "\(detail)")
        }
    }

    /// A book written before the voucher limit can hold sums that do not fit in 64 bits: the report
    /// is refused, and an HTTP client is told the routes to find and fix those vouchers, not the CLI's.
    @Test func aTotalTooLargeToAdd_namesRoutes_notACommand() async throws {
        let h = try APIHarness()
        // Expiring in different months: each line of the report fits, their total does not.
        for day in ["2027-01-15", "2027-02-15"] { _ = try await h.issue(validity: #"{"last_day": "\#(day)"}"#) }
        try h.ledger().db.run("UPDATE vouchers SET value = ?1, balance = ?1", [.integer(Int64.max / 2 + 1)])
        let answer = await h.get("/v1/reports/liability")
        #expect(answer.status == 409 && answer.code == "total-too-large", "\(answer.text)")
        expectNoCLIWords(answer, "total too large")
        let detail = answer.json["detail"] as? String ?? ""
        #expect(detail.contains("too large to add up") && detail.contains("GET /v1/vouchers")
                && detail.contains("POST /v1/vouchers/{id}/void") && detail.contains("POST /v1/vouchers/{id}/adjustments"), "\(detail)")
    }

    @Test func aSimulationPeriodBackwards_namesFromAndTo_notTheFlags() async throws {
        let h = try APIHarness(policies: GoodwillAndSupportRoutesTests.policiesFolder)
        let answer = await h.post("/v1/policies/simulate", #"{"file": "strict.json", "from": "2026-03-01", "to": "2025-01-01"}"#)
        #expect(answer.status == 422)
        expectNoCLIWords(answer, "simulation period")
    }

    /// Only a start, later than today: the end is today, which the detail says, in words of both
    /// the API and the CLI.
    @Test func aSimulationStartingAfterToday_saysTheEndIsToday_notTheFlags() async throws {
        let h = try APIHarness(policies: GoodwillAndSupportRoutesTests.policiesFolder)
        let answer = await h.post("/v1/policies/simulate", #"{"file": "strict.json", "from": "2999-01-01"}"#)
        #expect(answer.status == 422 && answer.text.contains("no end was given"), "\(answer.text)")
        expectNoCLIWords(answer, "simulation from the future")
    }
}
