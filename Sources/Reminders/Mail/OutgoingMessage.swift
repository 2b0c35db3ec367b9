import Foundation
import GoodwillCore

/// One rendered message, ready for any channel: as an RFC 5322 mail or a webhook event.
public struct OutgoingMessage: Sendable, Equatable {
    /// Stable per outbox row: the Message-ID, the `webhook-id` and the maildir file name.
    public var messageID: String
    public var kind: MessageKind
    public var voucherID: String
    public var code: String
    public var language: MessageLanguage
    public var fromAddress: String
    public var fromName: String
    public var toAddress: String
    public var toName: String?
    public var subject: String
    public var body: String
    /// The `.ics` attachment, when the message is about a date.
    public var calendarText: String?
    /// The Date header: when the message was written.
    public var date: Date
    public var lastValidDay: LocalDate?
    public var expiresAt: Date?
    public var balance: Money
    public var daysBefore: Int

    /// The right-hand side of Message-ID: the sender's domain.
    var domain: String {
        let d = fromAddress.split(separator: "@").last.map(String.init) ?? "goodwill.invalid"
        return d.isEmpty ? "goodwill.invalid" : d
    }

    public var rfc5322MessageID: String { "<\(messageID)@\(domain)>" }

    /// The complete mail (RFC 5322 + MIME, RFC 2045–2047), CRLF line ends: a text/plain part in
    /// quoted-printable UTF-8 and, for date messages, the calendar entry as a base64 attachment.
    public func mail() -> String {
        let crlf = MIMEEncoding.crlf
        // The boundary derives from the id: it cannot occur in QP or base64 text (it has '_' runs and '=').
        let boundary = "=_goodwill_" + messageID
        var h: [String] = [
            "Date: " + Self.rfc5322Date(date),
            MIMEEncoding.addressHeader("From", name: fromName, email: fromAddress),
            MIMEEncoding.addressHeader("To", name: toName, email: toAddress),
            MIMEEncoding.header("Subject", text: subject),
            "Message-ID: " + rfc5322MessageID,
            "MIME-Version: 1.0",
            "Content-Language: " + language.tag,
            // RFC 3834 §5: automatic, so autoresponders stay quiet.
            "Auto-Submitted: auto-generated",
        ]
        let textPart = [
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            MIMEEncoding.quotedPrintable(body),
        ].joined(separator: crlf)
        guard let ics = calendarText else {
            h.append("Content-Type: text/plain; charset=utf-8")
            h.append("Content-Transfer-Encoding: quoted-printable")
            return h.joined(separator: crlf) + crlf + crlf + MIMEEncoding.quotedPrintable(body) + crlf
        }
        h.append("Content-Type: multipart/mixed;" + crlf + " boundary=\"\(boundary)\"")
        let calendarPart = [
            "Content-Type: text/calendar; charset=utf-8; method=PUBLISH;" + crlf + " name=\"voucher.ics\"",
            "Content-Disposition: attachment; filename=\"voucher.ics\"",
            "Content-Transfer-Encoding: base64",
            "",
            MIMEEncoding.base64Lines(Array(ics.utf8)),
        ].joined(separator: crlf)
        return h.joined(separator: crlf) + crlf + crlf
            + "This is a message in MIME format." + crlf + crlf
            + "--" + boundary + crlf + textPart + crlf
            + "--" + boundary + crlf + calendarPart + crlf
            + "--" + boundary + "--" + crlf
    }

    /// `Thu, 02 Apr 2026 08:00:00 +0000` (RFC 5322 §3.3), always in UTC.
    static func rfc5322Date(_ date: Date) -> String {
        let seconds = date.unixMilliseconds / 1000
        let days = Int((seconds >= 0 ? seconds : seconds - 86_399) / 86_400)
        let day = LocalDate(daysSinceEpoch: days)
        let secs = Int(seconds - Int64(days) * 86_400)
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekdays[((days % 7) + 7) % 7]), \(two(day.day)) \(months[day.month - 1]) \(day.year) "
            + "\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60)) +0000"
    }

    /// The webhook body: Standard Webhooks' `{type, timestamp, data}` shape.
    public func webhookBody(at now: Date) throws -> [UInt8] {
        let event = WebhookEvent(type: "voucher." + kind.rawValue, timestamp: RFC3339.format(now), data: .init(
            messageID: messageID, kind: kind.rawValue, voucherID: voucherID, code: code, language: language.rawValue,
            recipient: .init(email: toAddress, name: toName), subject: subject, text: body,
            lastValidDay: lastValidDay?.isoString, expiresAt: expiresAt.map(RFC3339.format), balance: balance,
            daysBefore: kind == .expiryReminder || kind == .giftNotice ? daysBefore : nil, ics: calendarText))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(event))
    }
}

struct WebhookEvent: Encodable {
    var type: String
    var timestamp: String
    var data: Payload

    struct Payload: Encodable {
        var messageID: String
        var kind: String
        var voucherID: String
        var code: String
        var language: String
        var recipient: Recipient
        var subject: String
        var text: String
        var lastValidDay: String?
        var expiresAt: String?
        var balance: Money
        var daysBefore: Int?
        var ics: String?

        enum CodingKeys: String, CodingKey {
            case messageID = "message_id", kind, voucherID = "voucher_id", code, language, recipient, subject, text
            case lastValidDay = "last_valid_day", expiresAt = "expires_at", balance, daysBefore = "days_before", ics
        }
    }

    struct Recipient: Encodable {
        var email: String
        var name: String?
    }
}
