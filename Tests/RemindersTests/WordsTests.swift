import Foundation
import GoodwillCore
@testable import Reminders
import Testing

@Suite struct WordsTests {
    @Test func amounts_areWrittenAsEachLanguageWritesThem() {
        let m = Money(minorUnits: 125_050, currency: .sek)
        #expect(MoneyWords.format(m, in: .sv) == "1\u{00A0}250,50\u{00A0}kr")
        #expect(MoneyWords.format(m, in: .en) == "SEK\u{00A0}1,250.50")
        #expect(MoneyWords.format(Money(minorUnits: 125_050, currency: .dkk), in: .da) == "1.250,50\u{00A0}kr.")
        #expect(MoneyWords.format(Money(minorUnits: 50_000, currency: .nok), in: .nb) == "500\u{00A0}kr")
        #expect(MoneyWords.format(Money(minorUnits: 123_456_789, currency: .eur), in: .fi) == "1\u{00A0}234\u{00A0}567,89\u{00A0}€")
        #expect(MoneyWords.format(Money(minorUnits: 1_500, currency: .jpy), in: .en) == "JPY\u{00A0}1,500")
        #expect(MoneyWords.format(Money(minorUnits: 5, currency: .eur), in: .en) == "€0.05")
    }

    @Test func theLastDay_isWrittenOutInEachLanguage() {
        let day = LocalDate(iso: "2026-04-02")!
        #expect(MessageLanguage.en.longDate(day) == "Thursday 2 April 2026")
        #expect(MessageLanguage.sv.longDate(day) == "torsdag 2 april 2026")
        #expect(MessageLanguage.da.longDate(day) == "torsdag den 2. april 2026")
        #expect(MessageLanguage.nb.longDate(day) == "torsdag 2. april 2026")
        #expect(MessageLanguage.fi.longDate(day) == "torstai 2. huhtikuuta 2026")
        #expect(MessageLanguage.en.longDate(LocalDate(iso: "1970-01-01")!) == "Thursday 1 January 1970")
        #expect(MessageLanguage.sv.longDate(LocalDate(iso: "2028-02-29")!) == "tisdag 29 februari 2028")
    }

    @Test func theLengthOfAnExtension_takesTheFormItsNumberNeeds() {
        #expect([1, 3, 0, 21].map(MessageLanguage.en.extensionTime) == ["1 day", "3 days", "0 days", "21 days"])
        #expect([1, 3].map(MessageLanguage.sv.extensionTime) == ["1 dag", "3 dagar"])
        #expect([1, 3].map(MessageLanguage.da.extensionTime) == ["1 dag", "3 dage"])
        #expect([1, 3].map(MessageLanguage.nb.extensionTime) == ["1 dag", "3 dager"])
        // "yhdellä päivällä", "kolmella päivällä": the noun is singular, in the numeral's case.
        #expect([1, 3, 21].map(MessageLanguage.fi.extensionTime) == ["1 päivällä", "3 päivällä", "21 päivällä"])
    }

    /// Policies/README.md lists what each kind of template may use; operators write from that list.
    @Test func everyTemplateField_isDocumented() throws {
        let readme = try String(contentsOfFile: messagesDirectory + "/../README.md", encoding: .utf8)
        let section = try #require(readme.range(of: "## Reminder templates").map { readme[$0.lowerBound...] })
        for kind in MessageKind.allCases {
            #expect(section.contains("`\(kind.rawValue)`"), "\(kind)")
            for field in kind.fields { #expect(section.contains("`\(field)`"), "\(kind): \(field)") }
        }
    }

    @Test func theLanguage_followsTheLocale_withSensibleFallbacks() {
        #expect(MessageLanguage.choose(locale: "sv-SE") == .sv)
        #expect(MessageLanguage.choose(locale: "no") == .nb)
        #expect(MessageLanguage.choose(locale: "nn-NO") == .nb)
        #expect(MessageLanguage.choose(locale: "da_DK") == .da)
        #expect(MessageLanguage.choose(locale: "FI") == .fi)
        #expect(MessageLanguage.choose(locale: "de-DE") == .en)
        #expect(MessageLanguage.choose(locale: nil) == .en)
    }

    @Test func everyShippedTemplate_loads_inEveryLanguage() throws {
        let catalog = try MessageCatalog.load(directory: messagesDirectory)
        for kind in MessageKind.allCases {
            for language in MessageLanguage.allCases {
                #expect(catalog.template(kind, language)?.language == language, "\(language)/\(kind)")
            }
        }
        #expect(catalog.settings.defaultProfile.reminderDaysBefore == [30, 7, 1])
    }

    @Test func aTemplateNamingAnUnknownField_isRefusedAtLoad_withFileAndField() throws {
        let folder = TemporaryFolder()
        try FileManager.default.copyItem(atPath: messagesDirectory, toPath: folder.path + "/messages")
        let file = folder.path + "/messages/sv/expiry_reminder.txt"
        try "Subject: Hej\n\nDitt saldo: {{balance}}\nDin rabatt: {{discount}}\n".write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try MessageCatalog.load(directory: folder.path + "/messages")
            Issue.record("the template was accepted")
        } catch {
            let text = "\(error)"
            #expect(text.hasPrefix(file + ":4: "))
            #expect(text.contains("{{discount}}"))
            #expect(text.contains("Known fields: balance, booking_url, code"))
        }
        // A field of another kind is unknown here too: refund_amount belongs to refund_closing.
        #expect(throws: TemplateError.self) {
            try MessageTemplate(kind: .expiryReminder, language: .en, file: "x.txt", text: "Subject: {{refund_amount}}\n\nHi\n")
        }
        #expect(throws: TemplateError.missingSubject(file: "y.txt")) {
            try MessageTemplate(kind: .expiryReminder, language: .en, file: "y.txt", text: "\nHi\n")
        }
    }

    @Test func issuerSettings_thatWouldSendAtNight_areRefused() throws {
        let folder = TemporaryFolder()
        let file = folder.path + "/issuer.json"
        try #"{"send_hour": 23}"#.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: TemplateError.self) { try ReminderSettings.load(file: file) }
        try #"{"reminder_days_before": [14, 1], "issuers": {"spa": {"reminder_days_before": [60]}}}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let s = try ReminderSettings.load(file: file)
        #expect(s.profile(for: "default").reminderDaysBefore == [14, 1])
        #expect(s.profile(for: "spa").reminderDaysBefore == [60])
    }

    /// A language whose template an operator has not written falls back to English file by file;
    /// the words filled in (greeting, date, amount, "in 30 days") and Content-Language follow the
    /// template, or an English mail reads "Hej Anna! … torsdag 2 april 2026 … 500 kr".
    @Test func aMessageFallingBackToEnglish_isEnglishThroughout() throws {
        let folder = TemporaryFolder()
        try FileManager.default.copyItem(atPath: messagesDirectory, toPath: folder.path + "/messages")
        try FileManager.default.removeItem(atPath: folder.path + "/messages/sv/expiry_reminder.txt")
        let f = try ReminderFixture()
        try f.issue(locale: "sv-SE")
        let service = ReminderService(ledger: f.ledger, catalog: try MessageCatalog.load(directory: folder.path + "/messages"))
        f.clock.set(instant("2026-03-03T09:30:00Z"))
        let channel = RecordingChannel()
        _ = try service.run(channel: channel)
        let m = try #require(channel.deliveries.first?.message)
        #expect(m.kind == .expiryReminder)
        #expect(m.language == .en)
        #expect(m.body.hasPrefix("Hi Anna,"))
        #expect(m.body.contains("Thursday 2 April 2026"))
        #expect(m.body.contains("SEK\u{00A0}500"))
        #expect(!m.body.contains("torsdag") && !m.body.contains("dagar"))
        #expect(m.mail().contains("Content-Language: en\r\n"))
    }
}
