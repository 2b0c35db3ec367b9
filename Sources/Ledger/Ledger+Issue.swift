import Foundation
import GoodwillCore
import Store

extension Ledger {
    func issue(_ request: IssueRequest, _ ctx: OperationContext) throws -> LedgerReceipt {
        let value = request.value
        guard value.minorUnits > 0 else {
            throw LedgerError.amountNotPositive(value, isValue: true)
        }
        guard value.minorUnits <= Money.voucherLimitMinorUnits else {
            throw LedgerError.invalidAmount("A voucher's value can be at most \(Money(minorUnits: Money.voucherLimitMinorUnits, currency: value.currency)); \(value) was asked. Check the amount for extra digits.")
        }
        let zoneName = request.timeZone ?? configuration.defaultTimeZone
        let calendar: ZonedCalendar
        let issueDay: LocalDate
        if let cached = issueDayCache, cached.calendar.identifier == zoneName, cached.start <= ctx.now, ctx.now < cached.end {
            calendar = cached.calendar
            issueDay = cached.day
        } else {
            let fresh: ZonedCalendar
            do { fresh = try ZonedCalendar(zoneName: zoneName) } catch { throw LedgerError.invalidRequest(error.description) }
            calendar = fresh
            issueDay = fresh.localDate(of: ctx.now)
            issueDayCache = IssueDayCache(calendar: fresh, day: issueDay, start: fresh.startOfDay(issueDay), end: fresh.endOfDay(issueDay))
        }
        let validity = request.validity ?? configuration.defaultValidity
        let lastDay: LocalDate?
        do {
            lastDay = try validity.lastValidDay(issuedOn: issueDay)
        } catch {
            throw LedgerError.invalidValidity(error)
        }
        if let preset = try jurisdiction(), case .refused(let reason, _) = preset.checkValidity(issuedOn: issueDay, lastValidDay: lastDay) {
            throw LedgerError.belowLegalMinimum(reason)
        }
        let expiry = lastDay.map { day -> Expiry in
            if let known = issueDayCache?.expiries[day], known.timeZone == calendar.identifier { return known }
            let computed = Expiry(lastValidDay: day, calendar: calendar)
            if issueDayCache?.calendar.identifier == calendar.identifier, (issueDayCache?.expiries.count ?? 0) < 64 {
                issueDayCache?.expiries[day] = computed
            }
            return computed
        }
        let experience = try Self.clean(request.experience, field: "experience", max: 500)
        let message = try Self.clean(request.message, field: "gift message", max: 2000)
        let holderFound = try findOrCreate(request.holder, role: "holder", now: ctx.now)
        let purchaserFound = try findOrCreate(request.purchaser, role: "purchaser", now: ctx.now)
        let holder = holderFound?.id, purchaser = purchaserFound?.id

        var voucher = Voucher(
            id: .generate(), code: "", value: value, balance: value, storedStatus: .active, issuedAt: ctx.now,
            expiry: expiry, timeZone: calendar.identifier, holderID: holder, purchaserID: purchaser,
            kind: request.kind ?? configuration.defaultKind, experience: experience, message: message,
            issuer: configuration.issuer)
        // 80 random bits make a collision practically impossible; the unique index makes it certain.
        var attempts = 0
        while true {
            let code = VoucherCode.generate()
            voucher.code = code.display
            do {
                try store.insert(voucher, codeKey: code.canonical)
                break
            } catch let e as DatabaseError where e.isUniqueViolation && attempts < 3 {
                attempts += 1
            }
        }
        // A customer who closed their account and is issued a voucher (or buys one) is a customer
        // again: their standing closure is reopened by this voucher, and stays as history.
        for found in [holderFound, purchaserFound] {
            if let found, found.existed { try HolderClosures.reopen(db, found.id, at: ctx.now, by: voucher.id) }
        }
        let entry = try append(LedgerEntry(
            id: 0, voucherID: voucher.id, kind: .issued, amount: value.minorUnits, balanceAfter: value.minorUnits,
            currency: value.currency, at: ctx.now, actor: ctx.actor, idempotencyKey: ctx.idempotencyKey,
            expiryAfter: expiry, statusAfter: .active), to: voucher, stateWritten: true)
        return try receipt(for: voucher, entry: entry, now: ctx.now)
    }

    /// A holder is found again by normalized email; details we lacked are filled in, never overwritten.
    /// `existed`: found, not made now (only a holder found can have closed their account).
    func findOrCreate(_ person: PersonInput?, role: String, now: Date) throws -> (id: HolderID, existed: Bool)? {
        guard let person, !person.isEmpty else { return nil }
        guard let email = person.email?.trimmingCharacters(in: .whitespaces), !email.isEmpty else {
            throw LedgerError.invalidRequest("A \(role) needs an email address (--\(role)-email), so they can be found again and reminded.")
        }
        guard Holder.isPlausible(email: email) else {
            throw LedgerError.invalidRequest(Holder.hasHiddenCharacter(email)
                ? "The \(role)'s email address contains an invisible or control character; type it again in plain text, like anna@example.com."
                : "'\(email)' does not look like an email address. Give the \(role)'s address, like anna@example.com.")
        }
        let name = try Self.clean(person.name, field: "\(role) name", max: 200)
        if let locale = person.locale, !Self.isPlausible(locale: locale) {
            throw LedgerError.invalidRequest("'\(locale)' is not a language tag. Use one like en, sv, da, nb, fi or sv-SE.")
        }
        if let zone = person.timeZone {
            do { try ZonedCalendar.checkZoneName(zone) } catch { throw LedgerError.invalidRequest(error.description) }
        }
        if let existing = try store.holder(email: email) {
            try store.complete(existing.id, name: name, locale: person.locale, timeZone: person.timeZone)
            return (existing.id, true)
        }
        let holder = Holder(id: .generate(), email: email, name: name, locale: person.locale,
                            timeZone: person.timeZone, firstSeenAt: now)
        try store.insert(holder)
        return (holder.id, false)
    }

    /// The shape of a language tag `isPlausible(locale:)` takes: a language of `localeLanguage`
    /// ASCII letters, then at most `localeSubtags` subtags of `localeSubtag` ASCII letters or digits,
    /// each after a hyphen. The API's document states it as a pattern built from these (OpenAPIRules).
    public static let localeLanguage = 2...3, localeSubtag = 2...8, localeSubtags = 2

    /// BCP 47 in its common shape: a 2–3 letter language, optional script/region subtags.
    static func isPlausible(locale: String) -> Bool {
        let parts = locale.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, localeLanguage.contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }),
              parts.count <= 1 + localeSubtags else { return false }
        return parts.dropFirst().allSatisfy { localeSubtag.contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }
}
