import Foundation
import RepositoryFiles
import Testing

/// Where the law in force still lets the holder take an expired voucher's balance out as money
/// (Denmark: a year after expiry), the CLI's "expired" and "no" say so, with the last day and the
/// command that pays it out.
@Suite(.serialized)
struct PayoutRightCLITests {
    /// 400 in `currency` issued 2025-04-02 in Copenhagen, valid through 2026-04-02, under the
    /// strict policy (a denial after 31 days).
    func issued(_ jurisdiction: String, currency: String) throws -> (CLIRunner, String) {
        let cli = CLIRunner(now: "2025-04-02T10:00:00Z")
        #expect(try cli.run(["policy", "jurisdiction", jurisdiction]).status == 0)
        let activated = try cli.run(["policy", "activate", Repository.file("Policies/strict.json").path])
        #expect(activated.status == 0, "\(activated.stderr)")
        let v = try cli.json(["issue", "--amount", "400", "--currency", currency, "--time-zone", "Europe/Copenhagen"])
        #expect(v["last_valid_day"] as? String == "2026-04-02")
        return (cli, v["code"] as? String ?? "")
    }

    static let fortyDaysLate = ["GOODWILL_NOW": "2026-05-12T10:00:00Z"]

    @Test func inDenmark_fortyDaysLate_redeemExplainAndExtend_sayThePayoutRightAndItsLastDay() throws {
        let (cli, code) = try issued("DK", currency: "DKK")
        let redeem = try cli.run(["redeem", code, "--amount", "10"], env: Self.fortyDaysLate)
        #expect(redeem.status != 0)
        #expect(redeem.stderr.contains("400.00 DKK as money until 2027-04-02"), "\(redeem.stderr)")
        #expect(redeem.stderr.contains("goodwill refund CODE --reference REF"), "\(redeem.stderr)")

        let explain = try cli.run(["policy", "explain", code], env: Self.fortyDaysLate)
        #expect(explain.status == 0)
        #expect(explain.stdout.contains("Decision: DENY"), "\(explain.stdout)")
        #expect(explain.stdout.contains("until 2027-04-02"), "\(explain.stdout)")
        let json = try cli.run(["policy", "explain", code, "--json"], env: Self.fortyDaysLate)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["payout_claimable_until"] as? String == "2027-04-02")

        let extend = try cli.run(["extend", code, "--reason", "abroad"], env: Self.fortyDaysLate)
        #expect(extend.status == 1)
        #expect(extend.stdout.contains("Decision: DENY"), "\(extend.stdout)")
        #expect(extend.stdout.contains("until 2027-04-02"), "\(extend.stdout)")
    }

    @Test func inSweden_nothingIsSaidOfAPayout() throws {
        let (cli, code) = try issued("SE", currency: "SEK")
        let redeem = try cli.run(["redeem", code, "--amount", "10"], env: Self.fortyDaysLate)
        #expect(redeem.status != 0 && redeem.stderr.contains("expired"), "\(redeem.stderr)")
        #expect(!redeem.stderr.contains("payout"), "\(redeem.stderr)")
        let explain = try cli.run(["policy", "explain", code], env: Self.fortyDaysLate)
        #expect(explain.stdout.contains("Decision: DENY") && !explain.stdout.contains("payout"), "\(explain.stdout)")
        let extend = try cli.run(["extend", code, "--reason", "abroad"], env: Self.fortyDaysLate)
        #expect(extend.status == 1 && !extend.stdout.contains("payout"), "\(extend.stdout)")
    }
}
