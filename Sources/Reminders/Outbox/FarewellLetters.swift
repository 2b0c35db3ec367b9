import Foundation
import GoodwillCore
import Store

/// The farewell to a holder who closes their account (migration 5). It is written when the account
/// closes, because an erasure in the same transaction removes the address from the holder row; the
/// letter keeps it only until the message has gone out.
public struct FarewellLetter: Sendable, Equatable {
    public var holderID: HolderID
    public var language: MessageLanguage
    public var toAddress: String
    public var toName: String?
    public var subject: String
    public var body: String
    public var fromAddress: String
    public var fromName: String

    public init(holderID: HolderID, language: MessageLanguage, toAddress: String, toName: String?, subject: String, body: String,
                fromAddress: String, fromName: String) {
        self.holderID = holderID; self.language = language; self.toAddress = toAddress; self.toName = toName
        self.subject = subject; self.body = body; self.fromAddress = fromAddress; self.fromName = fromName
    }
}

public struct FarewellLetters {
    let db: Database

    public init(db: Database) { self.db = db }

    /// Stores the letter and its outbox row (one farewell per holder and closing). `anchor` is one of
    /// the holder's vouchers: the outbox names a voucher for every message. Returns the message id.
    /// `closing`: which close of this holder it is (a holder who came back and left again is said
    /// goodbye to again, possibly in the same millisecond on a stopped clock); the first keeps the id it always had.
    @discardableResult
    public func enqueue(_ letter: FarewellLetter, anchor: VoucherID, recipient: RecipientRole, sendZone: String,
                        closedAt: Date, closing: Int = 1, notBefore: Date, forgetAddressWhenSent: Bool) throws -> String {
        let seed = "goodwill-farewell|\(letter.holderID.rawValue)|\(closedAt.unixMilliseconds)" + (closing > 1 ? "|\(closing)" : "")
        let messageID = "msg_" + String(SHA256.hash(seed).hexString.prefix(32))
        try db.run("""
            INSERT INTO farewell_letters (message_id, holder_id, language, to_address, to_name, subject, body, forget_address_when_sent)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(messageID), .text(letter.holderID.rawValue), .text(letter.language.rawValue), .text(letter.toAddress),
                  .optional(letter.toName), .text(letter.subject), .text("From: \(letter.fromName) <\(letter.fromAddress)>\n" + letter.body),
                  .integer(forgetAddressWhenSent ? 1 : 0)])
        try db.run("""
            INSERT INTO reminder_outbox (message_id, voucher_id, kind, days_before, expires_at, entry_id, recipient_role,
                send_zone, due_at, created_at, status, attempts, next_attempt_at)
            VALUES (?, ?, 'farewell', 0, ?, 0, ?, ?, ?, ?, 'pending', 0, ?)
            """, [.text(messageID), .text(anchor.rawValue), .integer(closedAt.unixMilliseconds), .text(recipient.rawValue),
                  .text(sendZone), .integer(closedAt.unixMilliseconds), .integer(closedAt.unixMilliseconds),
                  .integer(notBefore.unixMilliseconds)])
        return messageID
    }

    /// The stored letter as a message for any channel.
    func message(_ messageID: String, at date: Date) throws -> OutgoingMessage {
        guard let row = try db.queryOne("""
            SELECT f.language, f.to_address, f.to_name, f.subject, f.body, o.voucher_id FROM farewell_letters f
            JOIN reminder_outbox o ON o.message_id = f.message_id WHERE f.message_id = ?
            """, [.text(messageID)], { ($0.text(0), $0.optionalText(1), $0.optionalText(2), $0.text(3), $0.text(4), $0.text(5)) }) else {
            throw ReminderError.messageUndeliverable("the farewell letter \(messageID) is not on file")
        }
        guard let to = row.1, !to.isEmpty else {
            throw ReminderError.messageUndeliverable("the farewell \(messageID) has no address any more (it was sent and forgotten)")
        }
        // The first body line carries the sender as it was at closing time.
        var body = row.4
        var fromName = "Goodwill", fromAddress = "noreply@goodwill.invalid"
        if body.hasPrefix("From: "), let nl = body.firstIndex(of: "\n") {
            let from = body[body.index(body.startIndex, offsetBy: 6)..<nl]
            if let lt = from.lastIndex(of: "<"), let gt = from.lastIndex(of: ">") {
                fromName = from[..<lt].trimmingCharacters(in: .whitespaces)
                fromAddress = String(from[from.index(after: lt)..<gt])
            }
            body = String(body[body.index(after: nl)...])
        }
        let language = MessageLanguage(rawValue: row.0) ?? .en
        return OutgoingMessage(
            messageID: messageID, kind: .farewell, voucherID: row.5, code: "", language: language, fromAddress: fromAddress,
            fromName: fromName, toAddress: to, toName: row.2, subject: row.3, body: body, calendarText: nil, date: date,
            lastValidDay: nil, expiresAt: nil, balance: Money(minorUnits: 0, currency: .sek), daysBefore: 0)
    }

    /// Once the letter has gone out, or never will (a permanent failure, or given up), an erased
    /// holder's letter forgets the address, the name and the words (the subject too: an operator's
    /// template may name them there), and the errors its attempts
    /// left forget the address they may quote ("550 anna@… unknown"). Until then the letter keeps
    /// them: it has to be sent.
    func forgetIfAsked(_ messageID: String, outboxID: Int64, delivered: Bool) throws {
        guard try db.run("""
            UPDATE farewell_letters SET to_address = NULL, to_name = NULL, subject = '[erased]', body = ?
            WHERE message_id = ? AND forget_address_when_sent = 1
            """, [.text(delivered ? "[erased after delivery]" : "[erased: not delivered]"), .text(messageID)]) == 1 else { return }
        try db.run("UPDATE reminder_attempts SET error = '[erased]' WHERE outbox_id = ? AND error IS NOT NULL", [.integer(outboxID)])
        try db.run("""
            UPDATE reminder_outbox SET last_error = 'not delivered; the reason is erased with the holder''s data'
            WHERE id = ? AND last_error IS NOT NULL
            """, [.integer(outboxID)])
    }
}
