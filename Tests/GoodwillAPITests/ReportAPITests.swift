import Foundation
import GoodwillCore
import HTTPServer
import Ledger
import Testing
@testable import GoodwillAPI

/// GET /v1/reports/rollforward and /v1/reports/ageing: for auditors, refused to others, and a bad
/// period answered with 422 saying what to give.
@Suite struct ReportAPITests {
    func amount(_ value: Any?) -> Int? { (value as? [String: Any])?["amount"] as? Int }

    @Test func rollforward_isForAuditors_andRollsTheLiabilityForward() async throws {
        let h = try APIHarness()
        let issued = try await h.issue()
        let id = try #require(issued.string("id"))
        _ = await h.post("/v1/vouchers/\(id)/redemptions", #"{"amount": {"amount": 20000, "currency": "SEK"}}"#)
        let auditor = h.keys[.auditor]!
        let r = await h.get("/v1/reports/rollforward?from=2026-03-01&to=2026-03-31", key: auditor)
        #expect(r.status == 200, "\(r.text)")
        #expect(r.value(["balanced"]) as? Bool == true && r.string("closing_at") == "2026-03-02T10:00:00Z")
        #expect(r.value(["not_recorded"]) as? [String] == ["escheated"])
        let sek = try #require((r.json["currencies"] as? [[String: Any]])?.first)
        #expect(amount(sek["opening"]) == 0 && amount(sek["issued"]) == 50_000 && amount(sek["redeemed"]) == -20_000)
        #expect(amount(sek["closing"]) == 30_000 && amount(sek["difference"]) == 0 && sek["balanced"] as? Bool == true)
        // The same figure the liability report gives now.
        let liability = await h.get("/v1/reports/liability", key: auditor)
        #expect(amount((liability.json["totals"] as? [[String: Any]])?.first?["amount"]) == 30_000)
        // In another zone the days start elsewhere.
        let stockholm = await h.get("/v1/reports/rollforward?from=2026-03-01&to=2026-03-01&time_zone=Europe/Stockholm", key: auditor)
        #expect(stockholm.string("opening_at") == "2026-02-28T23:00:00Z" && stockholm.string("closing_at") == "2026-03-01T23:00:00Z")

        #expect(await h.get("/v1/reports/rollforward?from=2026-03-01&to=2026-03-31", key: h.keys[.redeemer]!).status == 403)
        #expect(await h.get("/v1/reports/rollforward?from=2026-03-01&to=2026-03-31", key: h.keys[.support]!).status == 403)
        #expect(await h.send(.get, "/v1/reports/rollforward?from=2026-03-01&to=2026-03-31").status == 401)
    }

    @Test func rollforward_withABadPeriod_is422_sayingWhatToGive() async throws {
        let h = try APIHarness()
        let auditor = h.keys[.auditor]!
        for (query, detail) in [
            ("", "Give from: the period's first day as YYYY-MM-DD, like ?from=2026-01-01&to=2026-03-31."),
            ("?from=2026-01-01", "Give to: the period's last day (included) as YYYY-MM-DD, like ?from=2026-01-01&to=2026-03-31."),
            ("?from=2026-01-01&to=2026-1-31", "to is a day as YYYY-MM-DD, like 2026-01-31; got '2026-1-31'."),
            ("?from=2026-02-30&to=2026-03-31", "from is a day as YYYY-MM-DD, like 2026-01-31; got '2026-02-30'."),
            ("?from=2026-02-01&to=2026-01-31", "The period would start on 2026-02-01, after its end on 2026-01-31; give a start on or before the end."),
            ("?from=2026-01-01&to=2026-01-31&time_zone=GMT%2B1",
             "The period's time zone 'GMT+1' is a fixed offset, not a time zone: give an IANA name such as Europe/Stockholm, or leave it out for UTC."),
            ("?from=2026-01-01&to=2026-01-31&days=30", "Unknown query parameter 'days'. GET /v1/reports/rollforward takes from, to and time_zone."),
            ("?from=1500-01-01&to=2026-01-31", "The period starts on 1500-01-01, before 1970-01-01, the earliest day a report period can start: the ledger's instants count from then, and time zones' rules before it are not kept reliably. Give a day from 1970-01-01 on."),
        ] {
            let a = await h.get("/v1/reports/rollforward" + query, key: auditor)
            #expect(a.status == 422 && a.code == "invalid-request" && a.headers["Content-Type"] == "application/problem+json", "\(query): \(a.status) \(a.text)")
            #expect(a.string("detail") == detail, "\(query)")
        }
        let future = await h.get("/v1/reports/rollforward?from=2026-04-01&to=2026-04-30", key: auditor)
        #expect(future.status == 422 && (future.string("detail") ?? "").contains("nothing has happened in it yet"))
        // The other reports take no period.
        let liability = await h.get("/v1/reports/liability?from=2026-01-01", key: auditor)
        #expect(liability.status == 422 && liability.string("detail") == "Unknown query parameter 'from'. GET /v1/reports/{name} takes no query parameters; only the roll-forward takes from: GET /v1/reports/rollforward?from=DAY&to=DAY[&time_zone=ZONE].")
        #expect(await h.get("/v1/reports/rollforward?from=2026-01-01&from=2026-02-01&to=2026-03-01", key: auditor).status == 422)
    }

    @Test func ageingAndCurves_areReportsByName() async throws {
        let h = try APIHarness()
        _ = try await h.issue()
        _ = try await h.issue(amount: 7_000, validity: #"{"none": true}"#)
        let auditor = h.keys[.auditor]!
        let a = await h.get("/v1/reports/ageing", key: auditor)
        #expect(a.status == 200, "\(a.text)")
        let buckets = (a.json["by_expiry"] as? [[String: Any]]) ?? []
        #expect(buckets.map { $0["bucket"] as? String } == ["0-30", "31-90", "91-180", "181-365", "over_365", "no_expiry"])
        #expect(amount(buckets.first { $0["bucket"] as? String == "181-365" }?["amount"]) == 50_000)
        #expect(amount(buckets.first { $0["bucket"] as? String == "no_expiry" }?["amount"]) == 7_000)
        #expect(((a.json["by_issue_month"] as? [[String: Any]])?.first?["month"]) as? String == "2026-03")
        #expect(await h.get("/v1/reports/ageing", key: h.keys[.redeemer]!).status == 403)
        #expect(await h.get("/v1/reports/ageing?days=3", key: auditor).status == 422)
        let unknown = await h.get("/v1/reports/aging", key: auditor)
        #expect(unknown.code == "report-not-found" && (unknown.string("detail") ?? "").contains("ageing, curves, rollforward"))
        let curves = await h.get("/v1/reports/curves", key: auditor)
        let cohort = (curves.json["cohorts"] as? [[String: Any]])?.first
        #expect(curves.status == 200 && cohort?["issue_month"] as? String == "2026-03" && cohort?["vouchers"] as? Int == 2)
        #expect((cohort?["points"] as? [[String: Any]])?.count == 1)
        #expect(await h.get("/v1/reports/curves", key: h.keys[.redeemer]!).status == 403)
    }
}
