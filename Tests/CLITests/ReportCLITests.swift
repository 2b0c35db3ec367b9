import Foundation
import Store
import Testing

/// `goodwill report rollforward` and `report ageing` as a person types them, against the fixture book.
@Suite struct ReportCLITests {
    func money(_ line: [String: Any], _ key: String) -> Int? { (line[key] as? [String: Any])?["amount"] as? Int }

    @Test func rollforward_fromBeforeTheFirstIssueToToday_opensAtZero_andClosesAtTheLiability() throws {
        let cli = try SupportCLITests.bookRunner()
        let r = try cli.json(["report", "rollforward", "--from", "2016-01-01", "--to", "2026-11-23"])
        #expect(r["balanced"] as? Bool == true && r["time_zone"] as? String == "UTC")
        #expect(r["opening_at"] as? String == "2016-01-01T00:00:00Z" && r["closing_at"] as? String == "2026-11-23T10:00:00Z")
        #expect(r["not_recorded"] as? [String] == ["escheated"])
        let lines = try #require(r["currencies"] as? [[String: Any]])
        let liability = try cli.json(["report", "liability"])
        let totals = (liability["totals"] as? [[String: Any]]) ?? []
        #expect(lines.map { $0["currency"] as? String } == ["EUR", "SEK"])
        for line in lines {
            let total = totals.first { $0["currency"] as? String == line["currency"] as? String }
            #expect(money(line, "opening") == 0 && money(line, "difference") == 0)
            #expect(money(line, "closing") == total.flatMap { money($0, "amount") } && money(line, "closing") ?? 0 > 0)
        }
        let table = try cli.run(["report", "rollforward", "--from", "2025-01-01", "--to", "2025-12-31"])
        #expect(table.status == 0)
        #expect(table.stdout.contains("Liability roll-forward 2025-01-01 … 2025-12-31 (UTC): 2025-01-01T00:00:00Z to 2026-01-01T00:00:00Z"))
        #expect(table.stdout.contains("Escheated: not recorded.") && table.stdout.contains("Balanced: opening + flows = closing"))
        let csv = try cli.run(["report", "rollforward", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "csv"])
        #expect(csv.status == 0 && csv.stdout.hasPrefix("currency,line,amount,as_of,from,to,time_zone,opening_at,closing_at,balanced\r\nEUR,opening,"), "\(csv.stdout.prefix(80))")
    }

    /// The days are taken in --time-zone: the same day starts an hour earlier in Stockholm in winter.
    @Test func rollforward_takesItsDaysInTheZoneAsked() throws {
        let cli = try SupportCLITests.bookRunner()
        let r = try cli.json(["report", "rollforward", "--from", "2025-01-01", "--to", "2025-01-31", "--time-zone", "Europe/Stockholm"])
        #expect(r["opening_at"] as? String == "2024-12-31T23:00:00Z" && r["closing_at"] as? String == "2025-01-31T23:00:00Z")
        #expect(r["time_zone"] as? String == "Europe/Stockholm")
    }

    @Test func rollforward_refusesABadPeriod_sayingWhatToGive() throws {
        let cli = try SupportCLITests.bookRunner()
        let missing = try cli.run(["report", "rollforward", "--to", "2025-12-31"])
        #expect(missing.status == 64 && missing.stderr.contains("Missing expected argument '--from <YYYY-MM-DD>'"), "\(missing.stderr)")
        #expect(missing.stderr.contains("Usage: goodwill report rollforward [--format <format>] --from <YYYY-MM-DD> --to <YYYY-MM-DD>"))
        let malformed = try cli.run(["report", "rollforward", "--from", "2025-01-01", "--to", "31/12/2025"])
        #expect(malformed.status == 64 && malformed.stderr.contains("--to takes a day as YYYY-MM-DD, like 2026-01-31; got '31/12/2025'."))
        let impossible = try cli.run(["report", "rollforward", "--from", "2025-02-30", "--to", "2025-03-31"])
        #expect(impossible.status == 64 && impossible.stderr.contains("--from takes a day as YYYY-MM-DD"))
        let backwards = try cli.run(["report", "rollforward", "--from", "2025-12-31", "--to", "2025-01-01"])
        #expect(backwards.status == 1 && backwards.stderr.contains("The period would start on 2025-12-31, after its end on 2025-01-01; give a start on or before the end."))
        let future = try cli.run(["report", "rollforward", "--from", "2027-01-01", "--to", "2027-12-31"])
        #expect(future.status == 1 && future.stderr.contains("nothing has happened in it yet. Give a start on or before today."))
        let offset = try cli.run(["report", "rollforward", "--from", "2025-01-01", "--to", "2025-12-31", "--time-zone", "UTC+01:00"])
        #expect(offset.status == 1 && offset.stderr.contains("is a fixed offset, not a time zone: give an IANA name such as Europe/Stockholm"))
        #expect(try cli.run(["report", "rollforward", "--from", "2025-01-01", "--to", "2025-12-31", "--days", "3"]).status == 64)
    }

    /// A ledger entry the report knows no flow for (written behind the ledger's back): exit 1, like
    /// reconciliation when it does not balance.
    @Test func rollforward_thatDoesNotBalance_exits1() throws {
        let cli = try SupportCLITests.bookRunner()
        let db = try Database(path: cli.database, options: .init(durable: false))
        try db.run("""
            INSERT INTO entries (id, voucher_id, kind, amount, balance_after, currency, at, actor, status_after, prev_hash, hash, voucher_previous)
            SELECT (SELECT max(id) + 1 FROM entries), id, 'escheated', -balance, 0, currency, ?, 'state', 'voided', zeroblob(32), zeroblob(32), last_entry
            FROM vouchers WHERE status = 'active' AND balance > 0 AND currency = 'SEK' ORDER BY seq LIMIT 1
            """, [.integer(1_767_225_600_000)])  // 2026-01-01T00:00:00Z
        let r = try cli.run(["report", "rollforward", "--from", "2025-01-01", "--to", "2026-06-30"])
        #expect(r.status == 1 && r.stdout.contains("NOT BALANCED"), "\(r.stdout)")
        #expect(try cli.run(["report", "rollforward", "--from", "2025-01-01", "--to", "2025-12-31"]).status == 0)
    }

    @Test func ageing_printsBucketsAndCohorts_andAddsUpToTheLiability() throws {
        let cli = try SupportCLITests.bookRunner()
        let a = try cli.json(["report", "ageing"])
        let buckets = (a["by_expiry"] as? [[String: Any]]) ?? [], cohorts = (a["by_issue_month"] as? [[String: Any]]) ?? []
        let liability = try cli.json(["report", "liability"])
        for total in (liability["totals"] as? [[String: Any]]) ?? [] {
            let currency = total["currency"] as? String
            let inBuckets = buckets.filter { $0["currency"] as? String == currency }.compactMap { money($0, "amount") }.reduce(0, +)
            let inCohorts = cohorts.filter { $0["currency"] as? String == currency }.compactMap { money($0, "amount") }.reduce(0, +)
            #expect(inBuckets == money(total, "amount") && inCohorts == inBuckets, "\(currency ?? "")")
        }
        #expect(buckets.compactMap { $0["bucket"] as? String }.prefix(6) == ["0-30", "31-90", "91-180", "181-365", "over_365", "no_expiry"])
        let csv = try cli.run(["report", "ageing", "--format", "csv"])
        #expect(csv.status == 0 && csv.stdout.hasPrefix("currency,by,group,vouchers,amount,as_of\r\nEUR,days_to_expiry,0-30,"))
        #expect(csv.stdout.contains("\r\nSEK,issue_month,2024-06,"))
        let help = try cli.run(["report", "--help"])
        #expect(help.stdout.contains("ageing") && help.stdout.contains("rollforward"))
    }

    @Test func curves_showACurvePerCohort() throws {
        let cli = try SupportCLITests.bookRunner()
        let csv = try cli.run(["report", "curves", "--format", "csv"])
        #expect(csv.status == 0 && csv.stdout.hasPrefix("currency,issue_month,vouchers,issued,m0,m1,m2,m3,m6,m12,m18,m24,m36,now,as_of\r\n"), "\(csv.stdout.prefix(120))")
        let json = try cli.json(["report", "curves"])
        let cohorts = (json["cohorts"] as? [[String: Any]]) ?? []
        let redemption = ((try cli.json(["report", "redemption"]))["cohorts"] as? [[String: Any]]) ?? []
        #expect(cohorts.count == redemption.count && cohorts.count > 20)
        let last = (cohorts.first?["points"] as? [[String: Any]])?.last
        #expect(last?["redeemed_percent"] as? Double == redemption.first?["redeemed_percent"] as? Double)
    }
}
