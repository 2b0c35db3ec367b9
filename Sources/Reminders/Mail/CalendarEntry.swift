import Foundation
import GoodwillCore

/// An all-day calendar event on the voucher's last valid day, with an alarm a week before
/// (RFC 5545). Carried by expiry reminders so the date lands in the holder's calendar.
struct CalendarEntry: Sendable, Equatable {
    /// Stable per voucher, so a later entry (after an extension) replaces the earlier one.
    var uid: String
    /// Raised each time the date moves (RFC 5545 §3.8.7.4).
    var sequence: Int
    var stamp: Date
    var lastValidDay: LocalDate
    var summary: String
    var description: String

    /// The whole `.ics` text: CRLF line ends, lines folded at 75 octets (§3.1).
    var text: String {
        let lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Goodwill//Reminders//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "BEGIN:VEVENT",
            "UID:" + Self.escape(uid),
            "SEQUENCE:\(sequence)",
            "DTSTAMP:" + Self.utcStamp(stamp),
            // All day: DTEND is the day after, not included (§3.6.1).
            "DTSTART;VALUE=DATE:" + Self.basic(lastValidDay),
            "DTEND;VALUE=DATE:" + Self.basic(lastValidDay.adding(days: 1)),
            "SUMMARY:" + Self.escape(summary),
            "DESCRIPTION:" + Self.escape(description),
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "DESCRIPTION:" + Self.escape(summary),
            "TRIGGER:-P7D",
            "END:VALARM",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    static func basic(_ day: LocalDate) -> String { day.isoString.replacingOccurrences(of: "-", with: "") }

    static func utcStamp(_ date: Date) -> String {
        // RFC3339.format gives 2026-03-03T09:00:00Z (maybe with .mmm); keep the seconds.
        let s = RFC3339.format(Date(unixMilliseconds: date.unixMilliseconds / 1000 * 1000))
        return s.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
    }

    /// TEXT values escape backslash, semicolon, comma and newline (§3.3.11).
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": out += "\\n"
            case "\r": continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Folds a content line into pieces of at most 75 octets, never inside a UTF-8 sequence;
    /// continuation lines start with one space (§3.1).
    static func fold(_ line: String) -> String {
        var pieces: [String] = []
        var current = ""
        var octets = 0
        for character in line {
            let size = String(character).utf8.count
            let limit = pieces.isEmpty ? 75 : 74 // the leading space counts on continuation lines
            if octets + size > limit {
                pieces.append(current)
                current = ""
                octets = 0
            }
            current.append(character)
            octets += size
        }
        pieces.append(current)
        return pieces.joined(separator: "\r\n ")
    }
}
