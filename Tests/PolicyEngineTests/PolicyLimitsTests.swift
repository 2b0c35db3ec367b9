import Foundation
import Testing
@testable import PolicyEngine

@Suite struct PolicyLimitsTests {
    /// Long-standing holders get 60 days even on a second extension; the limits then decide.
    @Test func aGrantBeyondTheExtensionCount_becomesAReferNamingTheLimit() throws {
        let decision = try shippedPolicy("default.json").evaluate(.make(daysSinceExpiry: 20, priorExtensions: 2, tenure: 1000))
        #expect(decision.ruleName == "long-standing holders")
        #expect(decision.outcome == .refer(suggestedDays: 60, reasonKey: "refer.limit_reached"))
        #expect(decision.limitApplied?.limit == "max_extensions_per_voucher")
        #expect(decision.explanation.contains("max_extensions_per_voucher"))
    }

    @Test func aGrantBeyondTheTotalDays_becomesARefer() throws {
        let decision = try shippedPolicy("default.json").evaluate(.make(daysSinceExpiry: 20, priorExtensions: 1, priorDays: 90, tenure: 1000))
        #expect(decision.outcome == .refer(suggestedDays: 60, reasonKey: "refer.limit_reached"))
        #expect(decision.limitApplied?.limit == "max_total_extension_days")
    }

    @Test func aGrantBeyondTheMonthlyBudget_becomesARefer() throws {
        // Budget 5 000 000 öre; 4 950 000 already granted plus this 60 000 balance is over.
        let over = try shippedPolicy("default.json").evaluate(.make(daysSinceExpiry: 14, monthValue: 4_950_000))
        #expect(over.outcome == .refer(suggestedDays: 30, reasonKey: "refer.limit_reached"))
        #expect(over.limitApplied?.limit == "monthly_goodwill_budget")
        let exactlyAtBudget = try shippedPolicy("default.json").evaluate(.make(daysSinceExpiry: 14, monthValue: 4_940_000))
        #expect(exactlyAtBudget.outcome.isGrant)
    }

    @Test func aCurrencyWithoutABudget_goesToAPerson() throws {
        let decision = try shippedPolicy("default.json").evaluate(.make(daysSinceExpiry: 14, currency: "CHF"))
        #expect(decision.limitApplied == LimitBreach(limit: "monthly_goodwill_budget", detail: "the policy sets no monthly budget in CHF"))
    }

    @Test func aStrictPolicy_deniesWhenALimitIsReached() throws {
        let decision = try shippedPolicy("strict.json").evaluate(.make(daysSinceExpiry: 2, priorExtensions: 1, requester: .redemption))
        #expect(decision.ruleName == "soft expiry at redemption")
        #expect(decision.outcome == .deny(messageKey: "deny.limit_reached", alternative: nil))
        #expect(decision.limitApplied?.limit == "max_extensions_per_voucher")
    }

    /// A denial caused by the month's budget must not tell the holder the voucher was extended as far
    /// as allowed: it never was. Each limit gets its own explanation.
    @Test func aDenialByTheMonthlyBudget_saysSo_notThatTheVoucherWasExtendedTooOften() throws {
        let budget = try shippedPolicy("strict.json").evaluate(.make(daysSinceExpiry: 2, requester: .redemption, monthValue: 1_000_000))
        #expect(budget.ruleName == "soft expiry at redemption")
        #expect(budget.limitApplied?.limit == "monthly_goodwill_budget")
        #expect(budget.outcome == .deny(messageKey: "deny.budget_reached", alternative: nil))
        #expect(budget.explanation.contains("This month's goodwill budget cannot cover this voucher"), "\(budget.explanation)")
        #expect(!budget.explanation.contains("extended"), "\(budget.explanation)")

        let count = try shippedPolicy("strict.json").evaluate(.make(daysSinceExpiry: 2, priorExtensions: 1, requester: .redemption))
        #expect(count.explanation.contains("The policy's limit for one voucher stops this extension (max_extensions_per_voucher:"), "\(count.explanation)")
        #expect(!count.explanation.contains("budget"), "\(count.explanation)")
    }

    @Test func limitsDoNotTouchRefersOrDenials() throws {
        let decision = try shippedPolicy("default.json").evaluate(.make(daysSinceExpiry: 400, priorExtensions: 5, priorDays: 500))
        #expect(decision.limitApplied == nil)
        #expect(decision.ruleName == "over a year")
    }
}
