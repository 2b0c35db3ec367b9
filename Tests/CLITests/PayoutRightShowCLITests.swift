import Foundation
import RepositoryFiles
import Testing

/// Where the law in force still lets the holder take an expired voucher's balance out as money
/// (Denmark: a year after expiry), `show` and `list` say so: a line a support agent can act on (the
/// amount, the last day, the refund command with the voucher's code) and the JSON fields.
@Suite(.serialized)
struct PayoutRightShowCLITests {
    /// 400 in `currency` issued 2025-04-02 in Copenhagen, valid through 2026-04-02.
    func issued(_ jurisdiction: String, currency: String) throws -> (CLIRunner, String) {
        let cli = CLIRunner(now: "2025-04-02T10:00:00Z")
        #expect(try cli.run(["policy", "jurisdiction", jurisdiction]).status == 0)
        let v = try cli.json(["issue", "--amount", "400", "--currency", currency, "--time-zone", "Europe/Copenhagen",
                                "--holder-email", "ida@example.dk"])
        #expect(v["last_valid_day"] as? String == "2026-04-02")
        return (cli, v["code"] as? String ?? "")
    }

    func object(_ r: CLIResult) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any] ?? [:]
    }

    @Test func inDenmark_fortyDaysLate_showAndListSayThePayoutRightAndHowToPayItOut() throws {
        let (cli, code) = try issued("DK", currency: "DKK")
        let late = ["GOODWILL_NOW": "2026-05-12T10:00:00Z"]
        let show = try cli.run(["show", code], env: late)
        #expect(show.status == 0)
        #expect(show.stdout.contains("expired"), "\(show.stdout)")
        let line = show.stdout.split(separator: "\n").first { $0.hasPrefix("Payout right:") }.map(String.init) ?? ""
        #expect(line.contains("400.00 DKK as money until 2027-04-02"), "\(show.stdout)")
        #expect(line.contains("goodwill refund \(code) --reference REF"), "\(line)")

        let json = object(try cli.run(["show", code, "--json"], env: late))
        #expect((json["payout_claimable"] as? [String: Any])?["amount"] as? Int == 40000)
        #expect(json["payout_claimable_until"] as? String == "2027-04-02")

        let list = try cli.run(["list"], env: late)
        #expect(list.stdout.contains("\(code): payout claimable 400.00 DKK until 2027-04-02"), "\(list.stdout)")
        let listed = (object(try cli.run(["list", "--json"], env: late))["vouchers"] as? [[String: Any]])?.first
        #expect(listed?["payout_claimable_until"] as? String == "2027-04-02")
        let holder = try cli.run(["holder", "show", "ida@example.dk"], env: late)
        #expect(holder.stdout.contains("\(code): payout claimable 400.00 DKK until 2027-04-02"), "\(holder.stdout)")
    }

    @Test func inSweden_pastTheRightsEnd_andBeforeExpiry_nothingIsSaidOfAPayout() throws {
        let (se, seCode) = try issued("SE", currency: "SEK")
        let (dk, dkCode) = try issued("DK", currency: "DKK")
        for (cli, code, now) in [(se, seCode, "2026-05-12T10:00:00Z"), (dk, dkCode, "2027-04-03T10:00:00Z"), (dk, dkCode, "2026-03-12T10:00:00Z")] {
            let env = ["GOODWILL_NOW": now]
            for args in [["show", code], ["show", code, "--json"], ["list"], ["list", "--json"], ["holder", "show", "ida@example.dk"]] {
                let r = try cli.run(args, env: env)
                #expect(r.status == 0 && !r.stdout.lowercased().contains("payout"), "\(args) at \(now): \(r.stdout)")
            }
        }
    }
}
