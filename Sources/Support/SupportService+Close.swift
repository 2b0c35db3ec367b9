import Foundation
import GoodwillCore
import Ledger
import PolicyEngine
import Reminders
import Store

extension SupportService {
    /// A holder leaves: each remaining balance is refunded where the jurisdiction's cash-out rule
    /// (or the issuer's terms, `refundAll`) allows, otherwise the outcome says what happens to it;
    /// pending messages are dropped; one farewell goes out in their language; personal data is
    /// erased if asked. One transaction: all of it happens, or none of it. A second close changes
    /// nothing and returns the first outcome with `already_closed`, until the holder comes back (a
    /// voucher issued to them or bought by them reopens the closure, which stays as history): a
    /// close after that is a new close of the vouchers live then, idempotent in its turn.
    public func close(_ request: CloseRequest, actor: String) throws -> CloseResult {
        let payoutReference = try request.payoutReference.map {
            try Self.clean($0, field: "payout reference", max: 200,
                           ifEmpty: "give the payout's reference (a bank transfer or payment id), or leave it out when nothing is refunded")
        }
        let catalog = try self.catalog ?? MessageCatalog.embedded()
        let now = self.now
        return try db.writeTransaction {
            let h = try resolveHolder(request.holder)
            if let closure = try closureRow(h.id) {
                var first = try JSONDecoder().decode(CloseResult.self, from: Data(closure.summaryJSON.utf8))
                first.alreadyClosed = true
                first.erasedNow = false
                // Erasure asked for after an earlier close without it: that part is still owed.
                if request.erase && !closure.erased {
                    let p = Self.pseudonym(h.id)
                    try erasePersonalData(h.id, pseudonym: p, now: now)
                    try closeFaultInjection?(.erasure)
                    first.erased = true
                    first.pseudonym = p
                    first.erasedNow = true
                    if var f = first.farewell { f.subject = "[erased]"; f.body = "[erased]"; first.farewell = f }
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    var stored = first
                    stored.alreadyClosed = false
                    stored.erasedNow = false
                    try db.run("UPDATE holder_closures SET erased = 1, pseudonym = ?, summary_json = ? WHERE id = ?",
                               [.text(p), .text(String(decoding: try encoder.encode(stored), as: UTF8.self)), .integer(closure.id)])
                }
                // The letter that close wrote has gone its way since: say where it is now.
                if var f = first.farewell {
                    if let (status, sentAt) = try db.queryOne("SELECT status, sent_at FROM reminder_outbox WHERE message_id = ?",
                                                             [.text(f.messageID)], { ($0.text(0), $0.optionalInt64(1)) }) {
                        f.status = status
                        f.sentAt = sentAt.map { RFC3339.format(Date(unixMilliseconds: $0)) }
                    }
                    first.farewell = f
                }
                return first
            }
            let hid = h.id.rawValue
            let preset = try ledger.jurisdiction()
            let vouchers = try db.query("SELECT \(LedgerStore.voucherColumns) FROM vouchers WHERE holder_id = ? OR purchaser_id = ? ORDER BY seq",
                                        [.text(hid), .text(hid)]) { try LedgerStore.voucher($0, offset: 0) }

            // 1. Each voucher: refund, or say plainly what happens to it.
            var outcomes: [VoucherOutcome] = []
            var refunds: [(Voucher, Int)] = []
            for v in vouchers {
                let role = v.holderID == h.id ? (v.purchaserID == h.id ? "both" : "holder") : "purchaser"
                var o = VoucherOutcome(voucherID: v.id.rawValue, code: v.code, role: role, balance: v.balance, action: "nothing_left",
                                       explanation: "", entryID: nil, lastValidDay: v.expiry?.lastValidDay.isoString)
                let status = v.status(at: now)
                let zone = ZonedCalendar.stored(v.timeZone)
                let today = zone.localDate(of: now)
                if role == "purchaser" {
                    o.action = "not_theirs"
                    o.explanation = "Bought as a gift for someone else: it belongs to its holder and is not touched."
                } else if v.balance.minorUnits == 0 || status.isFinal {
                    o.explanation = "Nothing left on it (\(status.rawValue))."
                } else if status == .blocked {
                    o.action = "blocked"
                    o.explanation = "Blocked for investigation: it stays blocked with \(v.balance) and is not paid out until support resolves it."
                } else {
                    let rule = preset?.cashOutAllowed(balance: v.balance.minorUnits, currency: v.value.currency.code, on: today,
                                                      lastValidDay: v.expiry?.lastValidDay)
                    if case .holderEntitled(let why)? = rule {
                        o.action = "refunded"
                        o.explanation = "Refunded \(v.balance): \(why)"
                        refunds.append((v, outcomes.count))
                    } else if request.refundAll {
                        o.action = "refunded"
                        o.explanation = "Refunded \(v.balance) under the issuer's terms (refund all remaining balances on closing)."
                        refunds.append((v, outcomes.count))
                    } else {
                        var why = ""
                        if case .notRequired(let reason)? = rule { why = " No payout: \(reason)" }
                        if status == .expired {
                            o.action = "expired"
                            o.explanation = "Expired on \(v.expiry?.lastValidDay.isoString ?? "?") with \(v.balance) unused; the balance is breakage.\(why)"
                        } else {
                            o.action = "kept"
                            o.explanation = "Kept: \(v.balance) stays on it and it stays valid\(v.expiry.map { " through \($0.lastValidDay.isoString)" } ?? ", with no expiry"); whoever has the code can still use it.\(why)"
                        }
                    }
                }
                outcomes.append(o)
            }
            if !refunds.isEmpty && payoutReference == nil { throw SupportError.payoutReferenceRequired(count: refunds.count) }
            // A payout reference identifies one payment, so one close: not another holder's, nor
            // this holder's before they came back (that payment is made). Letter case aside, as a
            // bank reads it. The retry of the close it was given for has answered above. A close
            // that pays nothing makes no payment: it neither checks nor keeps the reference, which
            // stays free for the payment it names.
            let payoutReference = refunds.isEmpty ? nil : payoutReference
            if let payoutReference, let earlier = try db.queryOne(Self.closeWithPayoutReferenceSQL, [.text(payoutReference)], {
                (holder: $0.text(0), closedAt: Date(unixMilliseconds: $0.int64(1)))
            }) {
                throw SupportError.payoutReferenceUsed(reference: payoutReference, holder: earlier.holder,
                                                       closedOn: String(RFC3339.format(earlier.closedAt).prefix(10)), sameHolder: earlier.holder == hid)
            }
            var refundedTotals: [String: (Int, Int64)] = [:]
            for (v, index) in refunds {
                let receipt = try ledger.performInTransaction(.refund(.id(v.id), reference: payoutReference, reason: "holder closed their account"),
                                                              actor: actor, idempotencyKey: nil)
                outcomes[index].entryID = receipt.entry?.id
                // Checked: an overflow here throws and rolls the whole close back; a plain += would trap.
                let cur = v.value.currency.code
                var total = refundedTotals[cur, default: (0, 0)]
                total.0 += 1
                total.1 = try Self.add(total.1, v.balance.minorUnits, to: "refunded total", cur)
                refundedTotals[cur] = total
            }
            try closeFaultInjection?(.refunds)

            // 2. Nothing more is sent about their vouchers (the sweep skips closed holders from now on).
            //    A row being sent keeps its claim's lease end: should the holder come back, the sweep
            //    puts it back in line no earlier (`OutboxStore.insertIfAbsent`), so it is not sent twice.
            let dropped = try db.run("""
                UPDATE reminder_outbox SET status = 'cancelled', last_error = ?3, cancel_kind = ?4, cancelled_at = ?2
                WHERE status IN ('pending', 'sending') AND kind <> 'farewell' AND voucher_id IN (SELECT id FROM vouchers WHERE holder_id = ?1 OR purchaser_id = ?1)
                  AND ((recipient_role = 'holder' AND voucher_id IN (SELECT id FROM vouchers WHERE holder_id = ?1))
                    OR (recipient_role = 'purchaser' AND voucher_id IN (SELECT id FROM vouchers WHERE purchaser_id = ?1)))
                """, [.text(hid), .integer(now.unixMilliseconds), .text(OutboxCancel.holderClosed.reason),
                      .text(OutboxCancel.holderClosed.kind.rawValue)])
            try closeFaultInjection?(.reminders)

            // 3. One farewell, written now in their language (an erasure below removes the address).
            var farewell: FarewellView?
            if let email = h.email, h.erasedAt == nil, let anchor = vouchers.last {
                guard let template = catalog.template(.farewell, MessageLanguage.choose(locale: h.locale)) else {
                    throw SupportError.invalid("There is no farewell template in \(catalog.directory); add farewell.txt (see Policies/messages/en/farewell.txt).")
                }
                // The template's language (English when theirs has no farewell.txt), for every word filled in.
                let language = template.language
                let profile = catalog.settings.profile(for: anchor.issuer)
                let zone = ZonedCalendar.stored(h.timeZone ?? anchor.timeZone)
                let lines = outcomes.compactMap { FarewellWords.line($0, language: language, payoutReference: payoutReference) }
                let fields: [String: String] = [
                    "greeting": language.greeting(name: h.name), "name": h.name ?? "", "company": profile.companyName,
                    "support_email": profile.supportEmail ?? profile.mailFrom, "support_phone": profile.supportPhone ?? "",
                    "booking_url": profile.bookingURL ?? "", "since_year": String(zone.localDate(of: h.firstSeenAt).year),
                    "summary": lines.isEmpty ? FarewellWords.nothingToDo(language) : lines.joined(separator: "\n"),
                ]
                let subject = MessageTemplate.fill(template.subject, fields)
                let body = MessageTemplate.fill(template.body, fields)
                let role: RecipientRole = anchor.holderID == h.id ? .holder : .purchaser
                let id = try FarewellLetters(db: db).enqueue(
                    FarewellLetter(holderID: h.id, language: language, toAddress: email, toName: h.name, subject: subject, body: body,
                                   fromAddress: profile.mailFrom, fromName: profile.companyName),
                    anchor: anchor.id, recipient: role, sendZone: zone.identifier, closedAt: now,
                    closing: Int(try db.scalarInt("SELECT count(*) FROM holder_closures WHERE holder_id = ?", [.text(hid)])) + 1,
                    notBefore: profile.schedule.earliestSendable(from: now, in: zone), forgetAddressWhenSent: request.erase)
                farewell = FarewellView(messageID: id, language: language.rawValue, subject: subject, body: body, status: "pending")
            }
            try closeFaultInjection?(.farewell)

            // 4. Erasure: personal data goes; amounts, codes and the hash-chained entries stay.
            var pseudonym: String?
            if request.erase {
                let p = Self.pseudonym(h.id)
                pseudonym = p
                try erasePersonalData(h.id, pseudonym: p, now: now)
            }
            try closeFaultInjection?(.erasure)

            // 5. The record that makes it idempotent.
            let totals = refundedTotals.keys.sorted().map {
                AmountLine(currency: $0, month: nil, vouchers: refundedTotals[$0]!.0, amount: Self.money(refundedTotals[$0]!.1, $0))
            }
            var result = CloseResult(holderID: hid, alreadyClosed: false, closedAt: RFC3339.format(now), closedBy: actor, vouchers: outcomes,
                                     refunded: totals, payoutReference: payoutReference, remindersDropped: dropped, farewell: farewell,
                                     erased: request.erase, erasedNow: request.erase, pseudonym: pseudonym)
            var stored = result
            // Of the moment, not of the close: a later call reads them anew.
            stored.erasedNow = false
            stored.farewell?.status = nil
            if request.erase, var f = stored.farewell {
                // The letter's words name the person; the stored outcome keeps only that there was one.
                f.subject = "[erased]"; f.body = "[erased]"
                stored.farewell = f
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try db.run("""
                INSERT INTO holder_closures (holder_id, closed_at, closed_by, payout_reference, erased, pseudonym, summary_json)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [.text(hid), .integer(now.unixMilliseconds), .text(actor), .optional(payoutReference), .integer(request.erase ? 1 : 0),
                      .optional(pseudonym), .text(String(decoding: try encoder.encode(stored), as: UTF8.self))])
            try closeFaultInjection?(.record)
            result.alreadyClosed = false
            return result
        }
    }

    /// The first close that paid under a payout reference (parameter 1), in any letter case; the
    /// index of migration 10 (`holder_closures_payout_reference`) finds it. A close that refunded
    /// nothing made no payment: closes before 7 Dec kept the reference they were given all the
    /// same, and must not block the payment it names.
    static let closeWithPayoutReferenceSQL = """
        SELECT holder_id, closed_at FROM holder_closures WHERE payout_reference = ?1 COLLATE NOCASE
          AND json_array_length(summary_json, '$.refunded') > 0
        ORDER BY id LIMIT 1
        """

    /// From the random end of the holder's ID, so it reveals nothing about the person. (An ID
    /// begins with the time it was made; holders made in the same import share those symbols.)
    static func pseudonym(_ id: HolderID) -> String {
        "Former customer " + String(id.rawValue.suffix(8)).uppercased()
    }

    /// What replaces a stored API answer that named an erased holder (see `IdempotentWrite`).
    public static let erasedAnswer = Array("erased|".utf8)

    /// Parameters: the erased answer, the holder ID's bytes, the holder ID. X'68317C' is
    /// `storedAnswerMark`, literally, as `idempotency_api_answers` is defined (a partial index is
    /// used only for the same term).
    static let eraseStoredAnswersSQL = """
        UPDATE idempotency SET result = ?1
        WHERE substr(result, 1, 3) = X'68317C' AND (instr(result, ?2) > 0 OR EXISTS (
            SELECT 1 FROM vouchers v WHERE (v.holder_id = ?3 OR v.purchaser_id = ?3) AND instr(idempotency.result, CAST(v.id AS BLOB)) > 0))
        """

    /// How every answer `IdempotentWrite` stores begins; the ledger's own records begin `v1|`.
    public static let storedAnswerMark = Array("h1|".utf8)

    /// Replaces what identifies a person. The ledger's entries name vouchers, never people (the
    /// voucher row links to the holder by an ID of time and random bits), so the hash chain covers no personal data
    /// and `verify` still passes; entry reasons are business words written by staff.
    func erasePersonalData(_ id: HolderID, pseudonym: String, now: Date) throws {
        let hid = SQLValue.text(id.rawValue)
        try db.run("UPDATE holders SET email = NULL, email_key = NULL, name = ?, erased_at = ? WHERE id = ?",
                   [.text(pseudonym), .integer(now.unixMilliseconds), hid])
        try db.run("UPDATE vouchers SET message = NULL WHERE (holder_id = ?1 OR purchaser_id = ?1) AND message IS NOT NULL", [hid])
        try db.run("UPDATE support_notes SET text = '[erased]' WHERE holder_id = ?", [hid])
        // Every farewell ever written to them (a holder who came back was said goodbye to before):
        // one still to go out forgets the address once sent; one gone out forgets it now. The
        // outcome kept of each earlier close keeps that there was a letter, not its words.
        try db.run("UPDATE farewell_letters SET forget_address_when_sent = 1 WHERE holder_id = ?", [hid])
        try db.run("""
            UPDATE farewell_letters SET to_address = NULL, to_name = NULL, subject = '[erased]', body = '[erased after delivery]'
            WHERE holder_id = ? AND message_id IN (SELECT message_id FROM reminder_outbox WHERE status IN ('sent', 'failed', 'cancelled'))
            """, [hid])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for c in try closures(of: id) {
            var kept = try JSONDecoder().decode(CloseResult.self, from: Data(c.summaryJSON.utf8))
            guard var letter = kept.farewell, letter.subject != "[erased]" || letter.body != "[erased]" else { continue }
            letter.subject = "[erased]"; letter.body = "[erased]"
            kept.farewell = letter
            try db.run("UPDATE holder_closures SET summary_json = ? WHERE id = ?",
                       [.text(String(decoding: try encoder.encode(kept), as: UTF8.self)), .integer(c.id)])
        }
        // The API keeps the first answer to each support write for its retries (`storedAnswerMark`
        // and a header, then the answer's bytes): a note's text, a case's subject, a reminder's
        // delivery errors. Those naming this holder or one of their vouchers are replaced by
        // `erasedAnswer`, which a retry gets instead (so it is not carried out again either); the
        // fingerprint stays, so another body under the key is still refused. They are found by
        // their mark, not their scope, so that the ledger's records (which name voucher ids and
        // must stay readable for their own retries) are never touched, whatever scope they are
        // under: the mark, written out as in the partial index that holds just those records
        // (migration 8), so that only they are read.
        try db.run(Self.eraseStoredAnswersSQL, [.blob(Self.erasedAnswer), .blob(Array(id.rawValue.utf8)), hid])
        try db.run("UPDATE support_cases SET subject = '[erased]', resolution = CASE WHEN resolution IS NULL THEN NULL ELSE '[erased]' END WHERE holder_id = ?", [hid])
        // Delivery errors may quote the address ("550 anna@… unknown").
        try db.run("""
            UPDATE reminder_attempts SET error = '[erased]' WHERE error IS NOT NULL AND outbox_id IN (
                SELECT o.id FROM reminder_outbox o JOIN vouchers v ON v.id = o.voucher_id
                WHERE (v.holder_id = ?1 AND o.recipient_role = 'holder') OR (v.purchaser_id = ?1 AND o.recipient_role = 'purchaser'))
            """, [hid])
        try db.run("""
            UPDATE reminder_outbox SET last_error = '[erased]'
            -- A drop's reason is our own words ("dropped: the voucher was…") and names no one.
            WHERE last_error IS NOT NULL AND cancel_kind IS NOT 'dropped'
              -- A farewell still to be sent keeps its error until it is done (see FarewellLetters.forgetIfAsked).
              AND (kind <> 'farewell' OR status IN ('sent', 'failed', 'cancelled')) AND id IN (
                SELECT o.id FROM reminder_outbox o JOIN vouchers v ON v.id = o.voucher_id
                WHERE (v.holder_id = ?1 AND o.recipient_role = 'holder') OR (v.purchaser_id = ?1 AND o.recipient_role = 'purchaser'))
            """, [hid])
    }
}
