import Foundation
import Testing
@testable import PolicyEngine

/// The explanation an agent reads (and the goodwill answer serves) counts days as English does:
/// one day, two days.
@Suite struct ExplanationPluralTests {
    @Test func oneDaySinceExpiry_isOneDay() throws {
        let decision = try shippedPolicy("default.json").evaluate(.make(daysSinceExpiry: 1))
        #expect(decision.explanation.contains("the voucher expired 1 day ago"), "\(decision.explanation)")
        #expect(decision.explanation.contains("Extended by 30 days"), "\(decision.explanation)")
        #expect(!decision.explanation.contains("1 days"), "\(decision.explanation)")
    }

    /// Both wordings: the catalogue's and, for a voucher not expired yet, `beforeExpiry`'s.
    @Test(arguments: [true, false])
    func everyMessage_countsItsDaysInSingularAndPlural(expired: Bool) {
        for key in MessageCatalog.keys {
            let one = MessageCatalog.render(key, ["days": "1", "days_since_expiry": "1", "limit": "x", "percent": "5",
                                                  "new_last_valid_day": "2026-05-16", "last_valid_day": "2026-04-02"],
                                            expired: expired)
            #expect(!one.contains("1 days") && !one.contains("{"), "\(key): \(one)")
            let two = MessageCatalog.render(key, ["days": "2", "days_since_expiry": "2", "limit": "x", "percent": "5",
                                                  "new_last_valid_day": "2026-05-16", "last_valid_day": "2026-04-02"],
                                            expired: expired)
            #expect(!two.contains("2 day ") && !two.contains("2 day.") && !two.contains("{"), "\(key): \(two)")
        }
        #expect(MessageCatalog.render("refer.long_overdue", ["days_since_expiry": "1", "days": "1"])
                == "The voucher expired 1 day ago. A person should decide; suggested: 1 day.")
    }
}
