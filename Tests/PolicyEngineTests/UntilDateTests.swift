import Foundation
import Testing
import GoodwillCore
@testable import PolicyEngine

/// `until` dates: a day that does not exist is named as such; one in the form is not told to use the form.
@Suite struct UntilDateTests {
    @Test(arguments: [
        ("2026-02-29", "2026 has no 29 February; give a day that exists, like 2026-02-28"),
        ("2026-04-31", "2026 has no 31 April; give a day that exists, like 2026-04-30"),
        ("2026-13-01", "there is no month 13; give a date as YYYY-MM-DD, like 2026-08-31"),
        ("2026-00-10", "there is no month 00; give a date as YYYY-MM-DD, like 2026-08-31"),
        ("2026-06-00", "there is no day 00; give a day that exists, like 2026-06-01"),
        ("0000-06-01", "year 0000 is before year 1; give a date as YYYY-MM-DD, like 2026-08-31"),
        ("2026-8-31", "expected a date as YYYY-MM-DD, found \"2026-8-31\""),
    ])
    func anUntilThatIsNoDay_isRefusedSayingWhy(text: String, problem: String) throws {
        let data = Data("""
            {"id": "u", "version": 1, "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 365, "monthly_goodwill_budget": {"SEK": 100}},
             "rules": [{"name": "summer", "outcome": {"kind": "grant", "until": "\(text)"}}]}
            """.utf8)
        let error = #expect(throws: PolicyLoadError.self) { try PolicyLoader.load(data: data, fileName: "u.json", hasher: fakeHasher) }
        #expect(error?.description == "u.json: rule 1 \"summer\": outcome.until: \(problem)")
        #expect(LocalDate(iso8601: "2028-02-29") != nil)
    }
}
