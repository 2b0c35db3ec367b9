import Foundation
import Testing

/// A redemption the goodwill policy accepted after expiry (soft expiry) extended the voucher
/// first; the person at the till is told so, and --json carries the decision.
@Suite(.serialized)
struct RedeemCLITests {
    /// 70 SEK issued 2024-04-01, valid through 2025-04-01.
    func issued() throws -> (CLIRunner, String) {
        let cli = CLIRunner(now: "2024-04-01T10:00:00Z")
        let v = try cli.json(["issue", "--amount", "70", "--currency", "SEK"])
        #expect(v["last_valid_day"] as? String == "2025-04-01")
        return (cli, v["code"] as? String ?? "")
    }

    static let nineDaysLate = ["GOODWILL_NOW": "2025-04-10T10:00:00Z"]
    static let accepted = "Accepted after expiry: extended by 7 days to 2025-04-17 under rule \"soft expiry at redemption\" of policy default v1."

    @Test func aRedemptionAcceptedAfterExpiry_saysTheExtension_andARepeatSaysItAgain() throws {
        let (cli, code) = try issued()
        let r = try cli.run(["redeem", code, "--amount", "10", "--idempotency-key", "till-1"], env: Self.nineDaysLate)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "Redeemed 10.00 SEK on \(code) — entry 3.\n\(Self.accepted)\nBalance now 60.00 SEK; status active.\n")
        let again = try cli.run(["redeem", code, "--amount", "10", "--idempotency-key", "till-1"], env: Self.nineDaysLate)
        #expect(again.stdout.contains("(Already done") && again.stdout.contains(Self.accepted), "\(again.stdout)")
    }

    @Test func aRedemptionAcceptedAfterExpiry_inJSON_carriesTheDecision() throws {
        let (cli, code) = try issued()
        let r = try cli.run(["redeem", code, "--amount", "10", "--json"], env: Self.nineDaysLate)
        #expect(r.status == 0, "\(r.stderr)")
        let receipt = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let decision = try #require(receipt["decision"] as? [String: Any])
        #expect(decision["outcome"] as? String == "grant")
        #expect(decision["requester"] as? String == "redemption")
        #expect(decision["rule"] as? String == "soft expiry at redemption")
        let applied = try #require(decision["applied"] as? [String: Any])
        #expect(applied["days"] as? Int == 7)
        #expect(applied["new_last_valid_day"] as? String == "2025-04-17")
        #expect((receipt["voucher"] as? [String: Any])?["last_valid_day"] as? String == "2025-04-17")
    }

    @Test func aRedemptionWithinValidity_saysNothingOfGoodwill() throws {
        let (cli, code) = try issued()
        let r = try cli.run(["redeem", code, "--amount", "10"])
        #expect(r.stdout == "Redeemed 10.00 SEK on \(code) — entry 2.\nBalance now 60.00 SEK; status active.\n")
    }
}
