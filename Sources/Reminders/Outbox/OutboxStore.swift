import Foundation
import GoodwillCore
import Store

/// The reminder tables in and out (migration 3). No rules here, only bound SQL.
///
/// A dispatcher's writes to a row it claimed name its claim (`claim_number`, migration 12) and
/// change nothing when the row is no longer held under it (put back, dropped, sent or claimed
/// again since); they answer false then. The one exception is `markSent`: see there.
struct OutboxStore {
    let db: Database

    static let columns = """
        id, message_id, voucher_id, kind, days_before, expires_at, entry_id, recipient_role, send_zone, due_at,
        created_at, status, attempts, next_attempt_at, lease_until, channel, sent_at, last_error, cancelled_at, cancel_kind,
        claim_number
        """

    static func row(_ r: Row) -> OutboxRow {
        OutboxRow(
            id: r.int64(0), messageID: r.text(1), voucherID: VoucherID(rawValue: r.text(2)),
            kind: MessageKind(rawValue: r.text(3)) ?? .expiryReminder, daysBefore: r.int(4), expiresAt: r.int64(5),
            entryID: r.int64(6), recipient: RecipientRole(rawValue: r.text(7)) ?? .holder, sendZone: r.text(8),
            dueAt: Date(unixMilliseconds: r.int64(9)), createdAt: Date(unixMilliseconds: r.int64(10)),
            status: OutboxStatus(rawValue: r.text(11)) ?? .failed, attempts: r.int(12),
            nextAttemptAt: Date(unixMilliseconds: r.int64(13)), leaseUntil: r.optionalInt64(14).map(Date.init(unixMilliseconds:)),
            channel: r.optionalText(15), sentAt: r.optionalInt64(16).map(Date.init(unixMilliseconds:)), lastError: r.optionalText(17),
            cancelledAt: r.optionalInt64(18).map(Date.init(unixMilliseconds:)), cancelKind: r.optionalText(19).flatMap(OutboxCancelKind.init(rawValue:)),
            claimNumber: r.int64(20))
    }

    /// Inserts unless the same message exists; the UNIQUE constraints decide. One dropped while its
    /// voucher was not active (`cancelStale`) is put back in line instead, no longer cancelled, but
    /// not before the lease it was dropped under ends: a run that checked its claim before the drop
    /// may be sending it until then, and either records it sent (`markSent`) or is past its lease
    /// before another run may claim the row. A lease that has ended holds nothing back. True when
    /// inserted or put back.
    func insertIfAbsent(_ m: PlannedMessage, now: Date) throws -> Bool {
        try db.run("""
            INSERT INTO reminder_outbox (message_id, voucher_id, kind, days_before, expires_at, entry_id, recipient_role,
                send_zone, due_at, created_at, status, attempts, next_attempt_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)
            ON CONFLICT (voucher_id, kind, days_before, expires_at, entry_id) DO UPDATE SET
                status = 'pending', attempts = 0, due_at = excluded.due_at,
                next_attempt_at = max(excluded.next_attempt_at, coalesce(reminder_outbox.lease_until, 0)),
                send_zone = excluded.send_zone, last_error = NULL, cancelled_at = NULL, cancel_kind = NULL
                WHERE reminder_outbox.cancel_kind = 'dropped'
            ON CONFLICT DO NOTHING
            """, [
            .text(m.messageID), .text(m.voucherID.rawValue), .text(m.kind.rawValue), .integer(Int64(m.daysBefore)),
            .integer(m.expiresAt), .integer(m.entryID), .text(m.recipient.rawValue), .text(m.sendZone),
            .integer(m.dueAt.unixMilliseconds), .integer(now.unixMilliseconds), .integer(m.notBefore.unixMilliseconds),
        ]) == 1
    }

    func row(id: Int64) throws -> OutboxRow? {
        try db.queryOne("SELECT \(Self.columns) FROM reminder_outbox WHERE id = ?", [.integer(id)], Self.row)
    }

    func row(messageID: String) throws -> OutboxRow? {
        try db.queryOne("SELECT \(Self.columns) FROM reminder_outbox WHERE message_id = ?", [.text(messageID)], Self.row)
    }

    func rows(voucher: VoucherID) throws -> [OutboxRow] {
        try db.query("SELECT \(Self.columns) FROM reminder_outbox WHERE voucher_id = ? ORDER BY id", [.text(voucher.rawValue)], Self.row)
    }

    func rows(status: OutboxStatus?, limit: Int) throws -> [OutboxRow] {
        if let status {
            return try db.query("SELECT \(Self.columns) FROM reminder_outbox WHERE status = ? ORDER BY next_attempt_at, id LIMIT ?",
                                [.text(status.rawValue), .integer(Int64(limit))], Self.row)
        }
        return try db.query("SELECT \(Self.columns) FROM reminder_outbox ORDER BY id DESC LIMIT ?", [.integer(Int64(limit))], Self.row)
    }

    /// Up to `limit` rows in all: claimed rows whose claimer vanished (lease ran out) first, as
    /// they have waited longest, then pending rows whose time has come. The limit is the caller's
    /// sizing (what the channel can send within half a lease), so the two together keep to it.
    func claimable(now: Date, limit: Int) throws -> [OutboxRow] {
        let t = SQLValue.integer(now.unixMilliseconds)
        let abandoned = try db.query("""
            SELECT \(Self.columns) FROM reminder_outbox WHERE status = 'sending' AND lease_until <= ? ORDER BY id LIMIT ?
            """, [t, .integer(Int64(max(0, limit)))], Self.row)
        let room = limit - abandoned.count
        guard room > 0 else { return abandoned }
        let pending = try db.query("""
            SELECT \(Self.columns) FROM reminder_outbox WHERE status = 'pending' AND next_attempt_at <= ?
            ORDER BY next_attempt_at, id LIMIT ?
            """, [t, .integer(Int64(room))], Self.row)
        return abandoned + pending
    }

    /// Takes a row for one delivery under the next claim number; false when another dispatcher
    /// got it first.
    func claim(_ id: Int64, now: Date, leaseUntil: Date, channel: String) throws -> Bool {
        let t = SQLValue.integer(now.unixMilliseconds)
        return try db.run("""
            UPDATE reminder_outbox SET status = 'sending', lease_until = ?, attempts = attempts + 1, channel = ?,
                claim_number = claim_number + 1
            WHERE id = ? AND ((status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND lease_until <= ?))
            """, [.integer(leaseUntil.unixMilliseconds), .text(channel), .integer(id), t, t]) == 1
    }

    func postpone(_ id: Int64, until: Date) throws {
        try db.run("UPDATE reminder_outbox SET status = 'pending', lease_until = NULL, next_attempt_at = ? WHERE id = ?",
                   [.integer(until.unixMilliseconds), .integer(id)])
    }

    /// The row is still held under the claim it was claimed with (`claim_number`, migration 12):
    /// every write a dispatcher makes to a row it claimed is bound to it, with `held(claim)`.
    private static let heldUnderClaim = "id = ? AND status = 'sending' AND claim_number = ?"
    private static func held(_ claim: OutboxRow) -> [SQLValue] { [.integer(claim.id), .integer(claim.claimNumber)] }

    /// A longer lease for a row still held under this claim; false when it is not.
    func extendLease(_ claim: OutboxRow, to until: Date) throws -> Bool {
        try db.run("UPDATE reminder_outbox SET lease_until = ? WHERE \(Self.heldUnderClaim)",
                   [.integer(until.unixMilliseconds)] + Self.held(claim)) == 1
    }

    /// Whether the row is still held under this claim (not dropped, put back, sent or claimed again since).
    func holds(_ claim: OutboxRow) throws -> Bool {
        try db.scalarInt("SELECT count(*) FROM reminder_outbox WHERE \(Self.heldUnderClaim)",
                         Self.held(claim)) == 1
    }

    /// Gives a claimed row back unsent, to go out at `until`; the claim was no attempt. False
    /// when it is no longer held under this claim.
    func release(_ claim: OutboxRow, until: Date) throws -> Bool {
        try db.run("""
            UPDATE reminder_outbox SET status = 'pending', lease_until = NULL, attempts = max(0, attempts - 1), next_attempt_at = ?
            WHERE \(Self.heldUnderClaim)
            """, [.integer(until.unixMilliseconds)] + Self.held(claim)) == 1
    }

    /// The message went out: sent, whatever became of the row while it was on its way and
    /// whoever holds it now: dropped (a block and a sweep elsewhere, a close; the drop no longer
    /// stands), put back in line, given up on or claimed by another run (its claim ends here,
    /// before its own send if that has not begun, as its check before the send names it). The one
    /// write of a dispatcher not bound to its claim: a message that went out is never recorded as
    /// not sent, nor left in line to go out again. False when the row was recorded sent already
    /// (another run sent it too); that record stands.
    func markSent(_ id: Int64, at now: Date, channel: String) throws -> Bool {
        try db.run("""
            UPDATE reminder_outbox SET status = 'sent', sent_at = ?, lease_until = NULL, channel = ?, last_error = NULL,
                cancel_kind = NULL, cancelled_at = NULL
            WHERE id = ? AND status <> 'sent'
            """, [.integer(now.unixMilliseconds), .text(channel), .integer(id)]) == 1
    }

    /// False when the row is no longer held under this claim: dropped while its message was on
    /// its way (it stays dropped, not put back in line), or taken over.
    func markRetry(_ claim: OutboxRow, next: Date, error: String) throws -> Bool {
        try db.run("""
            UPDATE reminder_outbox SET status = 'pending', lease_until = NULL, next_attempt_at = ?, last_error = ?
            WHERE \(Self.heldUnderClaim)
            """, [.integer(next.unixMilliseconds), .text(error)] + Self.held(claim)) == 1
    }

    /// False when the row is no longer held under this claim (dropped meanwhile, or taken over).
    func markFailed(_ claim: OutboxRow, error: String) throws -> Bool {
        try db.run("""
            UPDATE reminder_outbox SET status = 'failed', lease_until = NULL, last_error = ?
            WHERE \(Self.heldUnderClaim)
            """, [.text(error)] + Self.held(claim)) == 1
    }

    /// Drops a claimed row unsent at `now`; like `release`, the claim was no attempt. False when
    /// it is no longer held under this claim.
    func cancelClaimed(_ claim: OutboxRow, _ cancel: OutboxCancel, now: Date) throws -> Bool {
        try db.run("""
            UPDATE reminder_outbox SET status = 'cancelled', lease_until = NULL, last_error = ?, cancel_kind = ?, cancelled_at = ?,
                attempts = max(0, attempts - 1)
            WHERE \(Self.heldUnderClaim)
            """, [.text(cancel.reason), .text(cancel.kind.rawValue), .integer(now.unixMilliseconds)]
                + Self.held(claim)) == 1
    }

    /// Drops the earlier steps of an expiry reminder still waiting (held by the night, or for a
    /// retry) once a later step for the same voucher, recipient and expiry is queued: the holder
    /// gets the latest step only. Claimed rows are left to the dispatcher (`newerStep`); they are
    /// not needed (not dropped), so the sweep neither revives nor queues them again.
    @discardableResult
    func supersede(olderThan m: PlannedMessage, now: Date) throws -> Int {
        let cancel = OutboxCancel.superseded(by: m.daysBefore)
        return try db.run("""
            UPDATE reminder_outbox SET status = 'cancelled', last_error = ?, cancel_kind = ?, cancelled_at = ?
            WHERE status = 'pending' AND kind = 'expiry_reminder' AND voucher_id = ? AND recipient_role = ?
              AND expires_at = ? AND days_before > ?
            """, [.text(cancel.reason), .text(cancel.kind.rawValue), .integer(now.unixMilliseconds), .text(m.voucherID.rawValue),
                  .text(m.recipient.rawValue), .integer(m.expiresAt), .integer(Int64(m.daysBefore))])
    }

    /// The latest later step (fewest days before) queued, going out or sent for the same voucher,
    /// recipient and expiry as this expiry reminder; nil when there is none.
    func newerStep(than row: OutboxRow) throws -> Int? {
        guard row.kind == .expiryReminder else { return nil }
        return try db.queryOne("""
            SELECT min(days_before) FROM reminder_outbox
            WHERE kind = 'expiry_reminder' AND voucher_id = ? AND recipient_role = ? AND expires_at = ? AND days_before < ?
              AND status IN ('pending', 'sending', 'sent')
            """, [.text(row.voucherID.rawValue), .text(row.recipient.rawValue), .integer(row.expiresAt), .integer(Int64(row.daysBefore))]) {
            $0.optionalInt64(0).map(Int.init)
        } ?? nil
    }

    /// A failed message goes back in line now, with a fresh retry budget.
    func requeue(_ id: Int64, now: Date) throws -> Bool {
        try db.run("""
            UPDATE reminder_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, lease_until = NULL
            WHERE id = ? AND status = 'failed'
            """, [.integer(now.unixMilliseconds), .integer(id)]) == 1
    }

    /// The one statement of whether a reminder or gift notice still fits its voucher: active, the
    /// same expiry, not yet passed, and (for a gift notice) unused. SQL over `reminder_outbox`;
    /// binds `now` once. `cancelStale` drops the rows it fails for, `stillFits` asks it of one row.
    private static let fitsVoucher = """
        EXISTS (SELECT 1 FROM vouchers v WHERE v.id = reminder_outbox.voucher_id AND v.status = 'active'
            AND v.expires_at = reminder_outbox.expires_at AND v.expires_at > ?
            AND (reminder_outbox.kind = 'expiry_reminder' OR v.balance = v.value))
        """

    /// Whether a reminder or gift notice still fits its voucher (`fitsVoucher`), for one row
    /// already claimed: the dispatcher asks again just before each send.
    func stillFits(_ id: Int64, now: Date) throws -> Bool {
        try db.scalarInt("SELECT count(*) FROM reminder_outbox WHERE id = ? AND \(Self.fitsVoucher)",
                         [.integer(id), .integer(now.unixMilliseconds)]) == 1
    }

    /// Scheduled messages whose reason is gone: the voucher is no longer active, its expiry moved
    /// or has passed (a retry landing after the last day would say "the last day is today" on the
    /// day after; the status turns 'expired' only when the expiry sweep runs), or (for a gift
    /// notice) it has been used; and gift notices for a voucher its buyer kept. Returns how many
    /// were dropped; each records `now` as its cancel time. A row dropped while claimed keeps its
    /// claim's `lease_until`: the claim's run may be sending it now, and a revival waits for that
    /// lease to end (`insertIfAbsent`); a row in line keeps the one it was put back with.
    func cancelStale(now: Date) throws -> Int {
        let t = SQLValue.integer(now.unixMilliseconds)
        let kept = OutboxCancel.keptByBuyer, stale = OutboxCancel.stale
        return try db.run("""
            UPDATE reminder_outbox SET status = 'cancelled', last_error = ?, cancel_kind = ?, cancelled_at = ?
            WHERE status IN ('pending', 'sending') AND kind = 'gift_notice'
              AND EXISTS (SELECT 1 FROM vouchers v WHERE v.id = reminder_outbox.voucher_id AND v.purchaser_id = v.holder_id)
            """, [.text(kept.reason), .text(kept.kind.rawValue), t])
        + db.run("""
            UPDATE reminder_outbox SET status = 'cancelled', last_error = ?, cancel_kind = ?, cancelled_at = ?
            WHERE status IN ('pending', 'sending') AND kind IN ('expiry_reminder', 'gift_notice')
              AND NOT \(Self.fitsVoucher)
            """, [.text(stale.reason), .text(stale.kind.rawValue), t, t])
    }

    func recordAttempt(_ outboxID: Int64, at now: Date, channel: String, outcome: String, error: String?) throws {
        try db.run("INSERT INTO reminder_attempts (outbox_id, at, channel, outcome, error) VALUES (?, ?, ?, ?, ?)",
                   [.integer(outboxID), .integer(now.unixMilliseconds), .text(channel), .text(outcome), .optional(error)])
    }

    func attempts(of outboxID: Int64) throws -> [AttemptRecord] {
        try db.query("SELECT at, channel, outcome, error FROM reminder_attempts WHERE outbox_id = ? ORDER BY id", [.integer(outboxID)]) {
            AttemptRecord(at: RFC3339.format(Date(unixMilliseconds: $0.int64(0))), channel: $0.text(1), outcome: $0.text(2), error: $0.optionalText(3))
        }
    }

    // MARK: Cursor, preferences, endpoints

    /// Where the sweep read up to; nil before its first run on this database.
    func cursor(_ name: String) throws -> Int64? {
        try db.queryOne("SELECT entry_id FROM reminder_cursors WHERE name = ?", [.text(name)]) { $0.int64(0) }
    }

    func setCursor(_ name: String, to id: Int64) throws {
        try db.run("INSERT INTO reminder_cursors (name, entry_id) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET entry_id = excluded.entry_id",
                   [.text(name), .integer(id)])
    }

    func notifyPurchaser(_ voucher: VoucherID) throws -> Bool {
        try db.scalarInt("SELECT notify_purchaser FROM reminder_preferences WHERE voucher_id = ?", [.text(voucher.rawValue)]) == 1
    }

    func setNotifyPurchaser(_ voucher: VoucherID, _ on: Bool, now: Date) throws {
        try db.run("""
            INSERT INTO reminder_preferences (voucher_id, notify_purchaser, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (voucher_id) DO UPDATE SET notify_purchaser = excluded.notify_purchaser, updated_at = excluded.updated_at
            """, [.text(voucher.rawValue), .integer(on ? 1 : 0), .integer(now.unixMilliseconds)])
    }

    func disabledReason(endpoint: String) throws -> String? {
        try db.scalarText("SELECT reason FROM reminder_endpoints WHERE endpoint = ?", [.text(endpoint)])
    }

    func disable(endpoint: String, at now: Date, reason: String) throws {
        try db.run("INSERT OR REPLACE INTO reminder_endpoints (endpoint, disabled_at, reason) VALUES (?, ?, ?)",
                   [.text(endpoint), .integer(now.unixMilliseconds), .text(reason)])
    }

    /// Failed rows whose last attempt met a 410 (marked failed before a 410 left messages
    /// waiting) go back in line with a fresh budget.
    @discardableResult
    func requeueEndpointGone(now: Date) throws -> Int {
        try db.run("""
            UPDATE reminder_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, lease_until = NULL
            WHERE status = 'failed' AND (SELECT a.outcome FROM reminder_attempts a WHERE a.outbox_id = reminder_outbox.id
                                         ORDER BY a.id DESC LIMIT 1) = 'endpoint_gone'
            """, [.integer(now.unixMilliseconds)])
    }

    func enable(endpoint: String) throws -> Bool {
        try db.run("DELETE FROM reminder_endpoints WHERE endpoint = ?", [.text(endpoint)]) == 1
    }
}
