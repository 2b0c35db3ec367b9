import Foundation
import GoodwillCore
import Ledger
import Testing
@testable import Reminders

/// The extension e-mail says how long the extension is with the noun in the form its number needs.
@Suite struct ExtensionMessageTests {
    /// Extends the voucher by one day, then by three more, running the reminders after each;
    /// the bodies of the two extension messages, in order.
    static func extensionBodies(locale: String, catalog: MessageCatalog? = nil) throws -> [String] {
        let f = try ReminderFixture()
        let v = try f.issue(locale: locale)
        let service = catalog.map { ReminderService(ledger: f.ledger, catalog: $0) } ?? f.service
        let channel = RecordingChannel()
        _ = try service.run(channel: channel)  // reminders have run before: the extensions are news
        let lastDay = try #require(v.lastValidDay.flatMap(LocalDate.init(iso:)))
        f.clock.set(instant("2025-06-02T10:00:00Z"))
        try f.recordExtension(v, to: lastDay.adding(days: 1))
        _ = try service.run(channel: channel)
        f.clock.set(instant("2025-06-03T10:00:00Z"))
        try f.recordExtension(v, to: lastDay.adding(days: 4))
        _ = try service.run(channel: channel)
        return channel.deliveries.filter { $0.message.kind == .extensionGranted }.map(\.message.body)
    }

    @Test(arguments: [
        ("en-GB", "we've extended your voucher by 1 day. It", "we've extended your voucher by 3 days. It"),
        ("sv-SE", "vi har förlängt ditt presentkort med 1 dag. Det", "vi har förlängt ditt presentkort med 3 dagar. Det"),
        ("da-DK", "vi har forlænget dit gavekort med 1 dag. Det", "vi har forlænget dit gavekort med 3 dage. Det"),
        ("nb-NO", "vi har forlenget gavekortet ditt med 1 dag. Det", "vi har forlenget gavekortet ditt med 3 dager. Det"),
        // Finnish: the adessive singular after any number ("yhdellä päivällä", "kolmella päivällä").
        ("fi-FI", "jatkaneet lahjakorttisi voimassaoloa 1 päivällä. Viimeinen", "jatkaneet lahjakorttisi voimassaoloa 3 päivällä. Viimeinen"),
    ])
    func oneDayAndSeveralDays_areSaidWithTheRightNoun(locale: String, oneDay: String, threeDays: String) throws {
        let bodies = try Self.extensionBodies(locale: locale)
        try #require(bodies.count == 2)
        #expect(bodies[0].contains(oneDay), "\(bodies[0])")
        #expect(bodies[1].contains(threeDays), "\(bodies[1])")
    }

    /// An operator's own template written before `extension_time` still gets the bare number.
    @Test func anOperatorTemplateUsingExtensionDays_stillGetsTheBareNumber() throws {
        let folder = TemporaryFolder()
        try FileManager.default.copyItem(atPath: messagesDirectory, toPath: folder.path + "/messages")
        try "Subject: Extended\n\nAdded: {{extension_days}} | {{extension_time}}\n"
            .write(toFile: folder.path + "/messages/en/extension_granted.txt", atomically: true, encoding: .utf8)
        let catalog = try MessageCatalog.load(directory: folder.path + "/messages")
        let bodies = try Self.extensionBodies(locale: "en", catalog: catalog)
        #expect(bodies == ["Added: 1 | 1 day\n", "Added: 3 | 3 days\n"])
    }
}
