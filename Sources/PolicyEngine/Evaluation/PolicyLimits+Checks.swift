import GoodwillCore

extension PolicyLimits {
    /// The first limit a grant of `days` would exceed, or nil when it fits.
    /// The monthly budget counts the balance being extended: goodwill already granted this
    /// month plus this voucher's remaining balance must stay within the budget.
    public func breach(facts: PolicyFacts, days: Int) -> LimitBreach? {
        if facts.priorExtensionCount + 1 > maxExtensionsPerVoucher {
            return LimitBreach(limit: "max_extensions_per_voucher",
                               detail: "this would be extension \(facts.priorExtensionCount + 1) of this voucher; the limit is \(maxExtensionsPerVoucher)")
        }
        if facts.priorExtensionDays + days > maxTotalExtensionDays {
            return LimitBreach(limit: "max_total_extension_days",
                               detail: "\(Plural.count(facts.priorExtensionDays, "day")) already extended plus \(days) would be \(facts.priorExtensionDays + days); the limit is \(maxTotalExtensionDays)")
        }
        guard let budget = monthlyGoodwillBudget[facts.currency] else {
            return LimitBreach(limit: "monthly_goodwill_budget",
                               detail: "the policy sets no monthly budget in \(facts.currency)")
        }
        let (total, overflow) = facts.goodwillThisMonthValue.addingReportingOverflow(facts.remainingBalance)
        if overflow || total > budget {
            return LimitBreach(limit: "monthly_goodwill_budget",
                               detail: "\(facts.goodwillThisMonthValue) already granted this month plus this balance of \(facts.remainingBalance) would exceed the budget of \(budget) \(facts.currency) (minor units)")
        }
        return nil
    }
}
