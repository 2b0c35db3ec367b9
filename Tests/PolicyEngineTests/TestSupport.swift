import Foundation
import RepositoryFiles
import GoodwillCore
@testable import PolicyEngine

/// Deliberately not SHA-256 (which the ledger passes): a stable function of the bytes that no other
/// code computes shows that the hash is the one of the hasher passed in, taken from the file and
/// carried into decisions.
let fakeHasher: PolicyLoader.Hasher = { data in
    "len\(data.count)-sum\(data.reduce(UInt64(0)) { ($0 &* 31) &+ UInt64($1) })"
}

func shippedPolicy(_ name: String) throws -> Policy {
    try PolicyLoader.load(contentsOf: Repository.root.appendingPathComponent("Policies/\(name)"), hasher: fakeHasher)
}

func date(_ text: String) -> LocalDate {
    guard let value = LocalDate(iso8601: text) else { preconditionFailure("bad test date \(text)") }
    return value
}

extension PolicyFacts {
    /// A holder asking about a voucher of 1 000 SEK with 600 left, expired on 2026-04-02.
    static func make(daysSinceExpiry: Int = 14, remaining: Int64 = 60_000, original: Int64 = 100_000,
                     priorExtensions: Int = 0, priorDays: Int = 0, tenure: Int = 0,
                     openCase: Bool = false, requester: Requester = .holder, tags: [String] = [],
                     monthCount: Int = 0, monthValue: Int64 = 0, currency: String = "SEK") -> PolicyFacts {
        let lastValid = date("2026-04-02")
        return PolicyFacts(lastValidDay: lastValid, asOf: lastValid.adding(days: daysSinceExpiry),
                           remainingBalance: remaining, originalValue: original, currency: currency,
                           priorExtensionCount: priorExtensions, priorExtensionDays: priorDays,
                           holderTenureDays: tenure, hasOpenSupportCase: openCase, tags: tags,
                           requester: requester, jurisdiction: "SE",
                           goodwillThisMonthCount: monthCount, goodwillThisMonthValue: monthValue)
    }
}
