import GoodwillCore

/// The languages reminders are written in. Chosen from the holder's locale, English otherwise.
public enum MessageLanguage: String, Sendable, Codable, CaseIterable {
    case en, sv, da, nb, fi

    /// `sv-SE` → sv; `no`, `nn`, `nb-NO` → nb (Bokmål is what most Norwegians read);
    /// anything unknown or missing → en.
    public static func choose(locale: String?) -> MessageLanguage {
        guard let locale else { return .en }
        let primary = locale.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        switch primary {
        case "sv": return .sv
        case "da": return .da
        case "nb", "no", "nn": return .nb
        case "fi": return .fi
        default: return .en
        }
    }

    /// The BCP 47 tag for a `Content-Language` header.
    public var tag: String { rawValue }
}

/// The words a template cannot hold itself: dates, amounts, "tomorrow", the greeting.
/// Written out per language here, without Foundation's locale data, so they are the same on every machine.
extension MessageLanguage {
    /// Monday first.
    var weekdays: [String] {
        switch self {
        case .en: return ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        case .sv: return ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
        case .da: return ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
        case .nb: return ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
        case .fi: return ["maanantai", "tiistai", "keskiviikko", "torstai", "perjantai", "lauantai", "sunnuntai"]
        }
    }

    /// Finnish months are in the partitive, as a date is written ("2. huhtikuuta 2026").
    var months: [String] {
        switch self {
        case .en: return ["January", "February", "March", "April", "May", "June", "July", "August",
                          "September", "October", "November", "December"]
        case .sv: return ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
                          "september", "oktober", "november", "december"]
        case .da: return ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
                          "september", "oktober", "november", "december"]
        case .nb: return ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
                          "september", "oktober", "november", "desember"]
        case .fi: return ["tammikuuta", "helmikuuta", "maaliskuuta", "huhtikuuta", "toukokuuta", "kesäkuuta",
                          "heinäkuuta", "elokuuta", "syyskuuta", "lokakuuta", "marraskuuta", "joulukuuta"]
        }
    }

    /// "Thursday 2 April 2026", "torsdag 2 april 2026", "torsdag den 2. april 2026",
    /// "torsdag 2. april 2026", "torstai 2. huhtikuuta 2026".
    public func longDate(_ day: LocalDate) -> String {
        // 1970-01-01 was a Thursday (index 3 counting from Monday).
        let n = day.daysSinceEpoch
        let weekday = weekdays[((n % 7) + 7 + 3) % 7]
        let month = months[day.month - 1]
        switch self {
        case .en: return "\(weekday) \(day.day) \(month) \(day.year)"
        case .sv: return "\(weekday) \(day.day) \(month) \(day.year)"
        case .da: return "\(weekday) den \(day.day). \(month) \(day.year)"
        case .nb, .fi: return "\(weekday) \(day.day). \(month) \(day.year)"
        }
    }

    /// When the last day is, seen from today: "today", "tomorrow", "in 7 days".
    public func timeLeft(days: Int) -> String {
        switch (self, days) {
        case (.en, ...0): return "today"
        case (.en, 1): return "tomorrow"
        case (.en, _): return "in \(days) days"
        case (.sv, ...0): return "i dag"
        case (.sv, 1): return "i morgon"
        case (.sv, _): return "om \(days) dagar"
        case (.da, ...0): return "i dag"
        case (.da, 1): return "i morgen"
        case (.da, _): return "om \(days) dage"
        case (.nb, ...0): return "i dag"
        case (.nb, 1): return "i morgen"
        case (.nb, _): return "om \(days) dager"
        case (.fi, ...0): return "tänään"
        case (.fi, 1): return "huomenna"
        case (.fi, _): return "\(days) päivän kuluttua"
        }
    }

    /// How long an extension is, as "we've extended your voucher by …" needs it: "1 day", "3 days",
    /// "1 dag"/"3 dagar", "1 dag"/"3 dage", "1 dag"/"3 dager". Finnish says "extended by" with the
    /// adessive ("jatkaa 3 päivällä", read "kolmella päivällä"); after a number the noun stays
    /// singular and takes the numeral's case, so "päivällä" is right for every number.
    public func extensionTime(days: Int) -> String {
        let one = days == 1
        switch self {
        case .en: return one ? "1 day" : "\(days) days"
        case .sv: return one ? "1 dag" : "\(days) dagar"
        case .da: return one ? "1 dag" : "\(days) dage"
        case .nb: return one ? "1 dag" : "\(days) dager"
        case .fi: return "\(days) päivällä"
        }
    }

    /// The opening line, with the first name when we know it.
    public func greeting(name: String?) -> String {
        let first = name?.split(separator: " ").first.map(String.init)
        switch self {
        case .en: return first.map { "Hi \($0)," } ?? "Hello,"
        case .sv: return first.map { "Hej \($0)!" } ?? "Hej!"
        case .da: return first.map { "Kære \($0)" } ?? "Hej"
        case .nb: return first.map { "Hei \($0)!" } ?? "Hei!"
        case .fi: return first.map { "Hei \($0)!" } ?? "Hei!"
        }
    }

    /// What to call a voucher that names no experience.
    var giftCardLabel: String {
        switch self {
        case .en: return "Gift card"
        case .sv: return "Presentkort"
        case .da: return "Gavekort"
        case .nb: return "Gavekort"
        case .fi: return "Lahjakortti"
        }
    }

    /// Who the gift went to, when we do not know their name.
    var friendFallback: String {
        switch self {
        case .en: return "your friend"
        case .sv: return "din vän"
        case .da: return "din ven"
        case .nb: return "vennen din"
        case .fi: return "ystäväsi"
        }
    }
}
