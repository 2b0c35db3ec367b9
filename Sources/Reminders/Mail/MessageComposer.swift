import Foundation
import GoodwillCore
import Store

/// Turns an outbox row (or a planned one, for preview) into the words the recipient reads,
/// from the voucher and the people as they are at the time of writing.
struct MessageComposer {
    let catalog: MessageCatalog
    let ledgerStore: LedgerStore

    /// What the message is about, independent of whether it is stored yet.
    struct Subject {
        var messageID: String
        var voucherID: VoucherID
        var kind: MessageKind
        var daysBefore: Int
        var entryID: Int64
        var recipient: RecipientRole
    }

    func compose(_ s: Subject, at date: Date) throws -> OutgoingMessage {
        if s.kind == .farewell { return try FarewellLetters(db: ledgerStore.db).message(s.messageID, at: date) }
        guard let voucher = try ledgerStore.voucher(id: s.voucherID) else {
            throw ReminderError.messageUndeliverable("the voucher \(s.voucherID) is no longer on file")
        }
        let personID = s.recipient == .holder ? voucher.holderID : voucher.purchaserID
        guard let personID, let person = try ledgerStore.holder(id: personID), person.erasedAt == nil,
              let email = person.email, !email.isEmpty else {
            throw ReminderError.messageUndeliverable("the \(s.recipient.rawValue) of \(voucher.code) has no email address on file (never given, or erased on request)")
        }
        guard let template = catalog.template(s.kind, MessageLanguage.choose(locale: person.locale)) else {
            throw ReminderError.messageUndeliverable("there is no template for \(s.kind.rawValue) in \(catalog.directory)")
        }
        // The template's language, not the locale's: one that falls back to English is English
        // throughout (greeting, dates, amounts, Content-Language), not English words around Swedish ones.
        let language = template.language
        let profile = catalog.settings.profile(for: voucher.issuer)
        // "Tomorrow" is the recipient's tomorrow: the steps are days before the last valid day in
        // their zone (else the voucher's), as the sweep plans them, so the words count the same way.
        let zone = person.timeZone.flatMap { ZonedCalendar(identifier: $0) } ?? ZonedCalendar.stored(voucher.timeZone)

        var lastDay = voucher.expiry?.lastValidDay
        var expiresAt = voucher.expiry?.instant
        var fields: [String: String] = [
            "greeting": language.greeting(name: person.name),
            "name": person.name ?? "",
            "code": voucher.code,
            "description": voucher.experience ?? language.giftCardLabel,
            "balance": MoneyWords.format(voucher.balance, in: language),
            "value": MoneyWords.format(voucher.value, in: language),
            "company": profile.companyName,
            "support_email": profile.supportEmail ?? profile.mailFrom,
            "support_phone": profile.supportPhone ?? "",
            "booking_url": profile.bookingURL ?? "",
        ]
        var sequence = 0
        var entry: LedgerEntry?
        if s.entryID != 0 { entry = try ledgerStore.entry(id: s.entryID) }
        switch s.kind {
        case .expiryReminder, .giftNotice:
            if let lastDay {
                let days = lastDay.days(since: zone.localDate(of: date))
                fields["days_left"] = String(max(0, days))
                fields["time_left"] = language.timeLeft(days: days)
            }
            if s.kind == .giftNotice, let holderID = voucher.holderID {
                let holder = try ledgerStore.holder(id: holderID)
                // The first name, as a friend would say it: "the gift you gave Anna".
                let first = holder?.erasedAt == nil ? holder?.name?.split(separator: " ").first.map(String.init) : nil
                fields["holder_name"] = first ?? language.friendFallback
            } else if s.kind == .giftNotice {
                fields["holder_name"] = language.friendFallback
            }
            sequence = try extensionCount(voucher.id, upTo: Int64.max)
        case .extensionGranted:
            // The expiry this entry set, even if a later extension moved it again.
            if let after = entry?.expiryAfter { lastDay = after.lastValidDay; expiresAt = after.instant }
            let previous = try previousLastDay(voucher.id, before: s.entryID)
            fields["previous_last_valid_day"] = previous.map(language.longDate) ?? ""
            // `extension_days` stays the bare number for operators' own templates ("{{extension_days}} days"
            // reads "1 days"); `extension_time` is the number with its noun in the right form.
            if let previous, let lastDay {
                let days = lastDay.days(since: previous)
                fields["extension_days"] = String(days)
                fields["extension_time"] = language.extensionTime(days: days)
            } else {
                fields["extension_days"] = ""
                fields["extension_time"] = ""
            }
            sequence = try extensionCount(voucher.id, upTo: s.entryID)
        case .refundClosing:
            let amount = Money(minorUnits: -(entry?.amount ?? 0), currency: voucher.value.currency)
            fields["refund_amount"] = MoneyWords.format(amount, in: language)
        case .farewell:
            break  // written at closing time; see the top of this function
        }
        fields["last_valid_day"] = lastDay.map(language.longDate) ?? ""

        let subject = MessageTemplate.fill(template.subject, fields)
        var calendar: String?
        if s.kind.carriesCalendar, let lastDay {
            let domain = profile.mailFrom.split(separator: "@").last.map(String.init) ?? "goodwill.invalid"
            let description = [voucher.code, profile.bookingURL].compactMap { $0 }.joined(separator: "\n")
            calendar = CalendarEntry(uid: "\(voucher.id.rawValue)-expiry@\(domain)", sequence: sequence, stamp: date,
                                     lastValidDay: lastDay,
                                     summary: MessageTemplate.fill(template.calendarTitle ?? template.subject, fields),
                                     description: description).text
        }
        return OutgoingMessage(
            messageID: s.messageID, kind: s.kind, voucherID: voucher.id.rawValue, code: voucher.code, language: language,
            fromAddress: profile.mailFrom, fromName: profile.companyName, toAddress: email, toName: person.name,
            subject: subject, body: MessageTemplate.fill(template.body, fields), calendarText: calendar, date: date,
            lastValidDay: lastDay, expiresAt: expiresAt, balance: voucher.balance, daysBefore: s.daysBefore)
    }

    func extensionCount(_ id: VoucherID, upTo entryID: Int64) throws -> Int {
        Int(try ledgerStore.db.scalarInt("SELECT count(*) FROM entries WHERE voucher_id = ? AND kind <> 'redeemed' AND kind = 'extended' AND id <= ?",
                                         [.text(id.rawValue), .integer(entryID)]))
    }

    /// The last valid day in force just before an extension entry.
    func previousLastDay(_ id: VoucherID, before entryID: Int64) throws -> LocalDate? {
        let text = try ledgerStore.db.scalarText("""
            SELECT last_valid_day_after FROM entries WHERE voucher_id = ? AND kind <> 'redeemed' AND id < ? AND kind IN ('issued', 'extended')
            ORDER BY id DESC LIMIT 1
            """, [.text(id.rawValue), .integer(entryID)])
        return text.flatMap(LocalDate.init(iso:))
    }
}
