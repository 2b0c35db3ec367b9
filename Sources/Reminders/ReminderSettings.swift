import Foundation

/// Who the messages come from and when they go out, per issuer. Read from
/// `Policies/messages/issuer.json`; every field is optional there and falls back to the defaults here.
public struct IssuerProfile: Sendable, Equatable {
    public var companyName: String
    public var supportEmail: String?
    public var supportPhone: String?
    public var bookingURL: String?
    /// The From address of mail (overridden by GOODWILL_MAIL_FROM).
    public var mailFrom: String
    /// The cadence: how many days before the last valid day each reminder goes out.
    public var reminderDaysBefore: [Int]
    /// How long before the last valid day the purchaser of an unused gift hears from us (opt-in).
    public var giftNoticeDaysBefore: Int
    /// The local hour scheduled messages go out at.
    public var sendHour: Int
    /// No message is sent from this local hour…
    public var quietFromHour: Int
    /// …until this one.
    public var quietUntilHour: Int

    public init(companyName: String = "Goodwill", supportEmail: String? = nil, supportPhone: String? = nil,
                bookingURL: String? = nil, mailFrom: String = "reminders@goodwill.invalid",
                reminderDaysBefore: [Int] = [30, 7, 1], giftNoticeDaysBefore: Int = 45, sendHour: Int = 10,
                quietFromHour: Int = 21, quietUntilHour: Int = 8) {
        self.companyName = companyName; self.supportEmail = supportEmail; self.supportPhone = supportPhone
        self.bookingURL = bookingURL; self.mailFrom = mailFrom
        self.reminderDaysBefore = reminderDaysBefore.sorted(by: >); self.giftNoticeDaysBefore = giftNoticeDaysBefore
        self.sendHour = sendHour; self.quietFromHour = quietFromHour; self.quietUntilHour = quietUntilHour
    }

    public var schedule: ReminderSchedule {
        ReminderSchedule(daysBefore: reminderDaysBefore, sendHour: sendHour,
                         quietFromHour: quietFromHour, quietUntilHour: quietUntilHour)
    }

    /// Refuses settings that would send at night or never.
    func validate() -> String? {
        guard reminderDaysBefore.allSatisfy({ (0...366).contains($0) }), Set(reminderDaysBefore).count == reminderDaysBefore.count else {
            return "reminder_days_before must list different day counts from 0 to 366, like [30, 7, 1]."
        }
        guard (0...366).contains(giftNoticeDaysBefore) else { return "gift_notice_days_before must be 0 to 366 days." }
        guard (0...23).contains(sendHour), (0...23).contains(quietFromHour), (0...23).contains(quietUntilHour) else {
            return "send_hour, quiet_from_hour and quiet_until_hour are local hours from 0 to 23."
        }
        guard !schedule.isQuiet(hour: sendHour) else {
            return "send_hour \(sendHour) falls in the quiet hours (\(quietFromHour):00–\(quietUntilHour):00); choose a daytime hour like 10."
        }
        guard mailFrom.contains("@") else { return "mail_from must be an email address." }
        return nil
    }
}

/// The profiles of every issuer in the database, with a default for those not named.
public struct ReminderSettings: Sendable, Equatable {
    public var defaultProfile: IssuerProfile
    public var issuers: [String: IssuerProfile]

    public init(defaultProfile: IssuerProfile = IssuerProfile(), issuers: [String: IssuerProfile] = [:]) {
        self.defaultProfile = defaultProfile; self.issuers = issuers
    }

    public func profile(for issuer: String) -> IssuerProfile { issuers[issuer] ?? defaultProfile }

    /// Every cadence step any issuer uses, largest first.
    var allReminderDays: [Int] {
        Set(([defaultProfile] + Array(issuers.values)).flatMap(\.reminderDaysBefore)).sorted(by: >)
    }

    var allGiftNoticeDays: [Int] {
        Set(([defaultProfile] + Array(issuers.values)).map(\.giftNoticeDaysBefore)).sorted(by: >)
    }

    /// Sets the From address of every profile (GOODWILL_MAIL_FROM).
    public mutating func overrideMailFrom(_ address: String) {
        defaultProfile.mailFrom = address
        for key in issuers.keys { issuers[key]?.mailFrom = address }
    }

    /// Reads `issuer.json`: the default profile's fields at the top level, and an optional
    /// `"issuers": {"name": {…}}` whose fields override the default for that issuer.
    public static func load(file: String) throws(TemplateError) -> ReminderSettings {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            throw .unreadable(file: file, reason: error.localizedDescription)
        }
        return try load(data: data, file: file)
    }

    /// The same from bytes already read (`file` names them in errors).
    public static func load(data: Data, file: String) throws(TemplateError) -> ReminderSettings {
        let raw: RawProfile
        do { raw = try JSONDecoder().decode(RawProfile.self, from: data) } catch {
            throw .badIssuerConfig(file: file, reason: "not valid settings JSON (\(error)). See README 'Reminders' for the fields.")
        }
        let base = raw.applied(to: IssuerProfile())
        var settings = ReminderSettings(defaultProfile: base)
        for (name, override) in raw.issuers ?? [:] { settings.issuers[name] = override.applied(to: base) }
        for (name, profile) in [("default", settings.defaultProfile)] + settings.issuers.map({ ($0.key, $0.value) }) {
            if let problem = profile.validate() { throw .badIssuerConfig(file: file, reason: "issuer '\(name)': \(problem)") }
        }
        return settings
    }

    struct RawProfile: Decodable {
        var companyName: String?
        var supportEmail: String?
        var supportPhone: String?
        var bookingURL: String?
        var mailFrom: String?
        var reminderDaysBefore: [Int]?
        var giftNoticeDaysBefore: Int?
        var sendHour: Int?
        var quietFromHour: Int?
        var quietUntilHour: Int?
        var issuers: [String: RawProfile]?

        enum CodingKeys: String, CodingKey {
            case companyName = "company_name", supportEmail = "support_email", supportPhone = "support_phone"
            case bookingURL = "booking_url", mailFrom = "mail_from", reminderDaysBefore = "reminder_days_before"
            case giftNoticeDaysBefore = "gift_notice_days_before", sendHour = "send_hour"
            case quietFromHour = "quiet_from_hour", quietUntilHour = "quiet_until_hour", issuers
        }

        func applied(to p: IssuerProfile) -> IssuerProfile {
            IssuerProfile(companyName: companyName ?? p.companyName, supportEmail: supportEmail ?? p.supportEmail,
                          supportPhone: supportPhone ?? p.supportPhone, bookingURL: bookingURL ?? p.bookingURL,
                          mailFrom: mailFrom ?? p.mailFrom, reminderDaysBefore: reminderDaysBefore ?? p.reminderDaysBefore,
                          giftNoticeDaysBefore: giftNoticeDaysBefore ?? p.giftNoticeDaysBefore,
                          sendHour: sendHour ?? p.sendHour, quietFromHour: quietFromHour ?? p.quietFromHour,
                          quietUntilHour: quietUntilHour ?? p.quietUntilHour)
        }
    }
}
