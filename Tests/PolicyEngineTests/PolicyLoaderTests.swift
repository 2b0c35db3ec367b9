import Foundation
import RepositoryFiles
import Testing
@testable import PolicyEngine

@Suite struct PolicyLoaderTests {
    struct Expected {
        let kind: PolicyLoadError.Kind
        let rule: (number: Int, name: String)?
        let field: String?
    }

    /// Every file in Fixtures/policies-broken must be listed here, so a new fixture cannot
    /// slip in without saying what it should be refused for.
    static let expectations: [String: Expected] = [
        "bad-json.json": Expected(kind: .notJSON, rule: nil, field: nil),
        "empty-file.json": Expected(kind: .notJSON, rule: nil, field: nil),
        "unknown-fact.json": Expected(kind: .unknownFact, rule: (3, "long-standing holders"), field: "condition \"tenure_dayz\""),
        "unknown-message-key.json": Expected(kind: .unknownMessageKey, rule: (4, "over a year"), field: "outcome.message"),
        "deny-with-grant-message.json": Expected(kind: .unknownMessageKey, rule: (4, "over a year"), field: "outcome.message"),
        "wrong-type-min-as-text.json": Expected(kind: .wrongType, rule: (1, "recently expired"), field: "condition \"days_since_expiry\".min"),
        "wrong-type-bool-as-text.json": Expected(kind: .wrongType, rule: (2, "expired up to 90 days"), field: "condition \"has_open_support_case\".equals"),
        "text-operator-on-number.json": Expected(kind: .wrongType, rule: (3, "long-standing holders"), field: "condition \"holder_tenure_days\".one_of"),
        "misspelled-operator.json": Expected(kind: .unknownField, rule: (1, "recently expired"), field: "condition \"days_since_expiry\".mni"),
        "condition-without-test.json": Expected(kind: .missingField, rule: (1, "recently expired"), field: "condition \"days_since_expiry\""),
        "fractional-days.json": Expected(kind: .wrongType, rule: (1, "recently expired"), field: "outcome.days"),
        "grant-above-max-days.json": Expected(kind: .exceedsLimit, rule: (3, "long-standing holders"), field: "outcome.days"),
        "refer-above-max-days.json": Expected(kind: .exceedsLimit, rule: (2, "expired up to 90 days"), field: "outcome.suggested_days"),
        "grant-with-no-extensions-allowed.json": Expected(kind: .exceedsLimit, rule: (1, "recently expired"), field: "outcome"),
        "missing-outcome.json": Expected(kind: .missingField, rule: (2, "expired up to 90 days"), field: "outcome"),
        "duplicate-rule-name.json": Expected(kind: .duplicateRuleName, rule: (4, "recently expired"), field: "name"),
        "min-greater-than-max.json": Expected(kind: .invalidRange, rule: (2, "expired up to 90 days"), field: "condition \"days_since_expiry\""),
        "unknown-outcome-kind.json": Expected(kind: .unknownOutcomeKind, rule: (1, "recently expired"), field: "outcome.kind"),
        "unknown-requester.json": Expected(kind: .invalidValue, rule: (1, "recently expired"), field: "condition \"requester\".equals"),
        "version-missing.json": Expected(kind: .missingField, rule: nil, field: "version"),
        "version-not-a-number.json": Expected(kind: .wrongType, rule: nil, field: "version"),
        "unknown-top-level-field.json": Expected(kind: .unknownField, rule: nil, field: "rulez"),
        "missing-limits.json": Expected(kind: .missingField, rule: nil, field: "limits"),
        "tag-condition.json": Expected(kind: .unknownFact, rule: (3, "long-standing holders"), field: "condition \"tags\""),
        "unknown-budget-currency.json": Expected(kind: .invalidValue, rule: nil, field: "limits.monthly_goodwill_budget.XYZ"),
        "id-too-long.json": Expected(kind: .invalidValue, rule: nil, field: "id"),
        // JSONDecoder keeps the first of two equal names, most readers (jq, Python, the API's gate)
        // the last or refuse: the file would mean 14 days here and 120 days to whoever reviewed it.
        "repeated-field.json": Expected(kind: .repeatedField, rule: (2, "expired up to 90 days"), field: "outcome.days"),
        // Rule 2 asks for the holder in one condition and an agent in another: it can never hold.
        "conditions-contradict.json": Expected(kind: .invalidRange, rule: (2, "expired up to 90 days"), field: "condition \"requester\""),
        // Rule 2 has no conditions and refers every case: rule 3 can never decide.
        "rule-after-catch-all.json": Expected(kind: .unreachableRule, rule: (3, "over a year"), field: nil),
        // Every holder 1 to 30 days late meets rule 1's conditions (a holder or agent, 1 to 90 days).
        "rule-after-broader-rule.json": Expected(kind: .unreachableRule, rule: (2, "recently expired, first time"), field: nil),
        // JSONDecoder reads 100.00 as 100: meant as 100 SEK, it would be 100 öre.
        // refer.limit_reached shows {limit}, which only a limit that stopped a grant fills.
        // The jurisdiction fact is a code (SE): "Sweden" would never hold.
        "jurisdiction-not-a-code.json": Expected(kind: .invalidValue, rule: (3, "long-standing holders"), field: "condition \"jurisdiction\".one_of"),
        "limit-key-in-rule.json": Expected(kind: .invalidValue, rule: (2, "expired up to 90 days"), field: "outcome.reason"),
        "money-with-decimal-point.json": Expected(kind: .wrongType, rule: (1, "recently expired"), field: "condition \"remaining_balance\".min"),
    ]

    static func brokenFiles() throws -> [URL] {
        let folder = Repository.root.appendingPathComponent("Fixtures/policies-broken")
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test func theBrokenFixtureSetHasAtLeastTenFilesAndEachIsExpected() throws {
        let names = try Self.brokenFiles().map(\.lastPathComponent)
        #expect(names.count >= 10)
        #expect(Set(names) == Set(Self.expectations.keys))
    }

    @Test func everyBrokenPolicy_isRefusedWithAMessageNamingFileRuleAndField() throws {
        for url in try Self.brokenFiles() {
            let name = url.lastPathComponent
            let error = #expect(throws: PolicyLoadError.self, "\(name) loaded") {
                try PolicyLoader.load(contentsOf: url, hasher: fakeHasher)
            }
            guard let error, let expected = Self.expectations[name] else { continue }
            let message = error.description
            #expect(error.kind == expected.kind, "\(name): \(message)")
            #expect(message.hasPrefix("\(name): "), "\(message)")
            #expect(error.fileName == name)
            #expect(error.ruleNumber == expected.rule?.number, "\(message)")
            #expect(error.ruleName == expected.rule?.name, "\(message)")
            #expect(error.field == expected.field, "\(message)")
            if let rule = expected.rule { #expect(message.contains("rule \(rule.number) \"\(rule.name)\""), "\(message)") }
            if let field = expected.field { #expect(message.contains(field), "\(message)") }
        }
    }

    @Test func anUnknownFact_isNamedAndTheKnownFactsListed() throws {
        let url = Repository.root.appendingPathComponent("Fixtures/policies-broken/unknown-fact.json")
        let error = #expect(throws: PolicyLoadError.self) { try PolicyLoader.load(contentsOf: url, hasher: fakeHasher) }
        #expect(error?.description.hasPrefix(
            "unknown-fact.json: rule 3 \"long-standing holders\": condition \"tenure_dayz\": unknown fact; known facts are days_since_expiry, ") == true)
        #expect(error?.description.contains("holder_tenure_days") == true)
    }

    /// Vouchers carry no tags, so the `tags` fact is always empty: a rule on it would never decide,
    /// silently. The loader says so instead, for both list tests, and no longer lists it as known.
    @Test(arguments: [#""includes": "summer""#, #""includes_any_of": ["summer", "winter"]"#])
    func aConditionOnTags_isRefused_becauseVouchersCarryNoTags(test: String) throws {
        let json = """
        {"id": "tagged", "version": 1, "description": "d", "jurisdiction": "any",
         "limits": {"max_extensions_per_voucher": 1, "max_total_extension_days": 365, "monthly_goodwill_budget": {"SEK": 100}},
         "rules": [{"name": "summer vouchers", "conditions": [{"fact": "tags", \(test)}],
                    "outcome": {"kind": "grant", "until": "2026-08-31"}}]}
        """
        let error = #expect(throws: PolicyLoadError.self) { try PolicyLoader.load(data: Data(json.utf8), fileName: "t.json", hasher: fakeHasher) }
        #expect(error?.description == "t.json: rule 1 \"summer vouchers\": condition \"tags\": vouchers carry no tags yet, so the list is always empty and this condition could never hold; use voucher_kind or another fact")
        let unknown = try #require(#expect(throws: PolicyLoadError.self) {
            try PolicyLoader.load(contentsOf: Repository.root.appendingPathComponent("Fixtures/policies-broken/unknown-fact.json"), hasher: fakeHasher)
        })
        #expect(!unknown.description.contains("tags"), "\(unknown.description)")
    }

    /// A name given twice anywhere is refused, named as the loader names fields, escapes included;
    /// the same name in two different objects is fine.
    @Test(arguments: [
        (#"{"fact": "days_since_expiry", "min": 1, "max": 30, "min": 5}"#, #"{"kind": "grant", "days": 30}"#, "", 1, "condition 1.min"),
        (#"{"fact": "days_since_expiry", "min": 1}"#, #"{"kind": "grant", "\u0064ays": 30, "days": 60}"#, "", 1, "outcome.days"),
        (#"{"fact": "days_since_expiry", "min": 1}"#, #"{"kind": "grant", "days": 30}"#, #", "version": 2"#, nil, "version"),
    ])
    func aNameGivenTwice_isRefused(condition: String, outcome: String, extra: String, rule: Int?, field: String) throws {
        let data = Data("""
            {"id": "twice", "version": 1, "description": "d", "jurisdiction": "any"\(extra),
             "limits": {"max_extensions_per_voucher": 1, "max_total_extension_days": 365, "monthly_goodwill_budget": {"SEK": 100}},
             "rules": [{"name": "late", "conditions": [\(condition)], "outcome": \(outcome)}]}
            """.utf8)
        let error = #expect(throws: PolicyLoadError.self) { try PolicyLoader.load(data: data, fileName: "t.json", hasher: fakeHasher) }
        #expect(error?.kind == .repeatedField, "\(error?.description ?? "")")
        #expect(error?.ruleNumber == rule)
        #expect(error?.field == field, "\(error?.description ?? "")")
        _ = try PolicyLoader.load(data: Data(#"{"id": "once", "version": 1, "description": "d", "jurisdiction": "any", "limits": {"max_extensions_per_voucher": 1, "max_total_extension_days": 365, "monthly_goodwill_budget": {"SEK": 100}}, "rules": [{"name": "a", "conditions": [{"fact": "days_since_expiry", "min": 1}, {"fact": "remaining_balance", "min": 1}], "outcome": {"kind": "grant", "days": 3}}, {"name": "b", "outcome": {"kind": "grant", "days": 3}}]}"#.utf8), fileName: "once.json", hasher: fakeHasher)
    }

    /// A version the database stored before names given twice were refused is read as it was then
    /// (the first value counts), as stored jurisdiction presets are: an upgrade must not stop every
    /// decision. A file being validated or activated is still refused.
    @Test func aStoredPolicyWithANameGivenTwice_isReadAsWhenItWasStored() throws {
        let data = Data("""
            {"id": "twice", "version": 1, "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 1, "max_total_extension_days": 365, "monthly_goodwill_budget": {"SEK": 100}},
             "rules": [{"name": "late", "conditions": [{"fact": "days_since_expiry", "min": 1, "min": 5}], "outcome": {"kind": "grant", "days": 30}},
                       {"name": "else", "outcome": {"kind": "deny", "message": "deny.too_late"}}]}
            """.utf8)
        #expect(throws: PolicyLoadError.self) { try PolicyLoader.load(data: data, fileName: "t.json", hasher: fakeHasher) }
        let stored = try PolicyLoader.load(data: data, fileName: "t.json", hasher: fakeHasher, stored: true)
        #expect(stored.evaluate(.make(daysSinceExpiry: 3)).ruleNumber == 1, "the first min (1) counts, as it did")
    }

    /// A misspelt kind or currency would make its rule silently never hold: refused at load.
    @Test(arguments: [
        (#"{"fact": "voucher_kind", "equals": "value"}"#, #""value" is not a voucher_kind; expected one of gift_card, experience"#),
        (#"{"fact": "voucher_kind", "one_of": ["experience", "gift card"]}"#, #""gift card" is not a voucher_kind; expected one of gift_card, experience"#),
        (#"{"fact": "currency", "equals": "SKR"}"#, #""SKR" is not a currency; expected a value such as "#),
    ])
    func aValueOutsideAClosedSet_isRefused(condition: String, message: String) throws {
        func policy(_ condition: String) -> Data {
            Data("""
            {"id": "kinds", "version": 1, "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 1, "max_total_extension_days": 365, "monthly_goodwill_budget": {"SEK": 100}},
             "rules": [{"name": "gift cards", "conditions": [\(condition)], "outcome": {"kind": "grant", "until": "2026-08-31"}}]}
            """.utf8)
        }
        let error = #expect(throws: PolicyLoadError.self) { try PolicyLoader.load(data: policy(condition), fileName: "k.json", hasher: fakeHasher) }
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
        // The right values load.
        _ = try PolicyLoader.load(data: policy(#"{"fact": "voucher_kind", "one_of": ["experience", "gift_card"]}"#), fileName: "k.json", hasher: fakeHasher)
        _ = try PolicyLoader.load(data: policy(#"{"fact": "currency", "equals": "SEK"}"#), fileName: "k.json", hasher: fakeHasher)
    }

    @Test func badJSON_isRefusedWithLineAndColumn() throws {
        let error = #expect(throws: PolicyLoadError.self) {
            try PolicyLoader.load(data: Data("{\n  \"id\": \"x\",\n  \"version\": }".utf8), fileName: "x.json", hasher: fakeHasher)
        }
        #expect(error?.description.hasPrefix("x.json: not valid JSON at line 3") == true, "\(String(describing: error))")
    }

    @Test func aMissingFile_isRefusedAsUnreadable() {
        let error = #expect(throws: PolicyLoadError.self) {
            try PolicyLoader.load(contentsOf: URL(fileURLWithPath: "/nonexistent/none.json"), hasher: fakeHasher)
        }
        #expect(error?.kind == .unreadable)
        #expect(error?.fileName == "none.json")
    }

    @Test(arguments: ["default.json", "strict.json", "generous.json"])
    func shippedPolicies_load(name: String) throws {
        let policy = try shippedPolicy(name)
        #expect(policy.id == String(name.dropLast(5)))
        #expect(policy.version >= 1)
        #expect(!policy.rules.isEmpty)
        #expect(policy.contentHash == fakeHasher(policy.sourceBytes))
    }

    @Test func theDefaultPolicy_isReadAsWritten() throws {
        let policy = try shippedPolicy("default.json")
        #expect(policy.limits.maxExtensionsPerVoucher == 2)
        #expect(policy.limits.maxTotalExtensionDays == 120)
        #expect(policy.limits.monthlyGoodwillBudget["SEK"] == 5_000_000)
        let rule = try #require(policy.rules.first { $0.name == "recently expired, first time" })
        #expect(rule.outcome == .grant(.days(30), messageKey: "grant.courtesy"))
        #expect(rule.conditions.contains(Condition(fact: "days_since_expiry", tests: [.max(30), .min(1)])))
    }

    @Test func grantUntilADate_isAccepted() throws {
        let json = """
        {"id": "until", "version": 2, "description": "d", "jurisdiction": "US-CA",
         "limits": {"max_extensions_per_voucher": 1, "max_total_extension_days": 365, "monthly_goodwill_budget": {"USD": 100}},
         "rules": [{"name": "summer", "conditions": [{"fact": "voucher_kind", "equals": "gift_card"}],
                    "outcome": {"kind": "grant", "until": "2026-08-31"}}]}
        """
        let policy = try PolicyLoader.load(data: Data(json.utf8), fileName: "until.json", hasher: fakeHasher)
        #expect(policy.rules[0].outcome == .grant(.until(date("2026-08-31")), messageKey: "grant.courtesy"))
    }
}

@Suite struct PolicyReadmeTests {
    @Test func theCompleteExampleInTheREADME_loadsAndDecides() throws {
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("Policies/README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "```json\n"))
        let end = try #require(readme.range(of: "\n```", range: start.upperBound..<readme.endIndex))
        let policy = try PolicyLoader.load(data: Data(readme[start.upperBound..<end.lowerBound].utf8),
                                           fileName: "README example", hasher: fakeHasher)
        #expect(policy.id == "example")
        #expect(policy.rules.count == 5)
        #expect(policy.evaluate(.make(daysSinceExpiry: 14)).ruleName == "recently expired, first time")
        #expect(policy.evaluate(.make(daysSinceExpiry: 5, requester: .redemption)).outcome.isGrant)
    }
}
