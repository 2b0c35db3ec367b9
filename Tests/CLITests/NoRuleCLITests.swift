import Foundation
import Testing

/// `policy explain` for the till or the sweep, where no rule of the default policy covers the case,
/// says what then happens there, as `redeem` and `expire-sweep` do it; for a holder a person decides.
@Suite(.serialized)
struct NoRuleCLITests {
    static let twentyDaysLate = ["GOODWILL_NOW": "2026-04-22T10:00:00Z"]  // last valid day 2026-04-02

    @Test func explainForARedemption_saysTheTillRefuses_asRedeemDoes() throws {
        let cli = CLIRunner(now: "2025-04-02T10:00:00Z")
        let code = try cli.issue()
        let explain = try cli.run(["policy", "explain", "--requester", "redemption", code], env: Self.twentyDaysLate)
        #expect(explain.status == 0, "\(explain.stderr)")
        #expect(explain.stdout.contains("at the till an expired voucher is refused"), "\(explain.stdout)")
        #expect(explain.stdout.contains("Decision: no rule covers this; at the till an expired voucher is refused."), "\(explain.stdout)")
        #expect(!explain.stdout.contains("person"), "\(explain.stdout)")
        let json = try cli.run(["policy", "explain", "--requester", "redemption", code, "--json"], env: Self.twentyDaysLate)
        let view = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(view["outcome"] as? String == "no_rule")
        #expect((view["explanation"] as? String)?.contains("at the till an expired voucher is refused") == true, "\(json.stdout)")
        let redeem = try cli.run(["redeem", code, "--amount", "100"], env: Self.twentyDaysLate)
        #expect(redeem.status != 0, "the till refuses it, as the explanation says")
    }

    @Test func explainForTheSweep_saysItRecordsTheExpiry() throws {
        let cli = CLIRunner(now: "2025-04-02T10:00:00Z")
        let code = try cli.issue()
        let explain = try cli.run(["policy", "explain", "--requester", "system", code], env: Self.twentyDaysLate)
        #expect(explain.status == 0, "\(explain.stderr)")
        #expect(explain.stdout.contains("the expiry sweep records the expiry"), "\(explain.stdout)")
        #expect(explain.stdout.contains("Decision: no rule covers this; the expiry sweep records the expiry."), "\(explain.stdout)")
        #expect(!explain.stdout.contains("person"), "\(explain.stdout)")
    }
}
