import Foundation
import GoodwillCore
import Ledger
import Store

extension SupportService {
    // MARK: The holder at a glance

    /// The profile, every voucher held or bought, and one timeline (newest first) of ledger entries,
    /// goodwill decisions, messages, notes and cases, and each close and coming back.
    public func holderView(_ ref: String) throws -> HolderView {
        try db.readTransaction {
            let h = try resolveHolder(ref)
            let now = self.now
            let hid = h.id.rawValue
            var vouchers: [HolderVoucher] = []
            var roles: [VoucherID: String] = [:]
            var codes: [VoucherID: String] = [:]
            let rows = try db.query("SELECT \(LedgerStore.voucherColumns) FROM vouchers WHERE holder_id = ? OR purchaser_id = ? ORDER BY seq",
                                    [.text(hid), .text(hid)]) { try LedgerStore.voucher($0, offset: 0) }
            // One read of the jurisdiction for all of them, as the voucher list does for a page.
            for (v, view) in zip(rows, try ledger.views(of: rows, now: now)) {
                let role = v.holderID == h.id ? (v.purchaserID == h.id ? "both" : "holder") : "purchaser"
                roles[v.id] = role
                codes[v.id] = v.code
                vouchers.append(HolderVoucher(role: role, voucher: view))
            }
            var events: [TimelineEvent] = []
            func event(_ at: Date, _ kind: String, _ code: String?, _ summary: String, order: Int, tiebreak: Int64) -> TimelineEvent {
                var e = TimelineEvent(at: RFC3339.format(at), kind: kind, voucherCode: code, summary: summary)
                e.sortKey = (at.unixMilliseconds, order, tiebreak, 0)
                return e
            }
            events.append(event(h.firstSeenAt, "joined", nil, "First seen as a customer.", order: 0, tiebreak: 0))

            for v in rows {
                let code = v.code
                // Of a voucher bought for someone else only the purchase is the buyer's business;
                // what the recipient did with it is theirs.
                let entries = try ledger.store.entries(of: v.id).filter { roles[v.id] != "purchaser" || $0.kind == .issued }
                // Entries and decisions share one place in a millisecond, in the chain's order: an
                // entry at twice its id, a decision just before the entry it led to (an extension, or
                // an expiry it was stopped at), or else just after its voucher's last entry by then.
                var ledTo: [Int64: Int64] = [:]
                for e in entries { if let d = e.decisionID { ledTo[d] = e.id } }
                for e in entries {
                    var ev = event(e.at, "entry", code, Self.describe(e, role: roles[v.id] ?? "holder"), order: 1, tiebreak: e.id * 2)
                    ev.entry = EntryView(e)
                    events.append(ev)
                }
                guard roles[v.id] != "purchaser" else { continue }
                try db.forEach("""
                    SELECT id, at, outcome, rule_name, days_granted, requester, actor, is_override, reason, policy_id, policy_version
                    FROM decisions WHERE voucher_id = ? ORDER BY id
                    """, [.text(v.id.rawValue)]) { r in
                    let d = DecisionSummary(id: r.int64(0), outcome: r.text(2), rule: r.optionalText(3), daysGranted: r.int(4),
                                            requester: r.text(5), actor: r.text(6), isOverride: r.int64(7) != 0,
                                            reason: r.optionalText(8), policy: "\(r.text(9)) v\(r.int(10))")
                    var text = "Goodwill decision: \(d.outcome)"
                    if d.daysGranted > 0 { text += ", \(Plural.count(d.daysGranted, "day")) granted" }
                    if let rule = d.rule { text += " (rule \"\(rule)\")" }
                    if d.isOverride { text += ", an override by \(d.actor)" }
                    if let reason = d.reason { text += "; reason: \(reason)" }
                    let at = Date(unixMilliseconds: r.int64(1))
                    let tiebreak = ledTo[d.id].map { $0 * 2 - 1 } ?? (entries.last { $0.at <= at }.map { $0.id * 2 + 1 } ?? 0)
                    var ev = event(at, "decision", code, text + ".", order: 1, tiebreak: tiebreak)
                    ev.decision = d
                    events.append(ev)
                }
            }
            // A message sits where it last moved: sent, dropped, else its last attempt, else queued.
            try db.forEach("""
                SELECT o.id, o.voucher_id, o.kind, o.status, o.recipient_role, o.channel, o.attempts, o.last_error,
                       coalesce(o.sent_at, o.cancelled_at, (SELECT max(a.at) FROM reminder_attempts a WHERE a.outbox_id = o.id)),
                       o.created_at, o.cancelled_at, o.cancel_kind
                FROM reminder_outbox o JOIN vouchers v ON v.id = o.voucher_id
                WHERE (v.holder_id = ? AND o.recipient_role = 'holder') OR (v.purchaser_id = ? AND o.recipient_role = 'purchaser')
                ORDER BY o.id
                """, [.text(hid), .text(hid)]) { r in
                let cancelledAt = r.optionalInt64(10).map { RFC3339.format(Date(unixMilliseconds: $0)) }
                let s = ReminderSummary(id: r.int64(0), kind: r.text(2), status: r.text(3), recipient: r.text(4),
                                        channel: r.optionalText(5), attempts: r.int(6), error: r.optionalText(7),
                                        cancelledAt: cancelledAt, cancelKind: r.optionalText(11))
                let what = s.kind.replacingOccurrences(of: "_", with: " ")
                let moved = r.optionalInt64(8)
                var text: String
                switch s.status {
                case "sent": text = "Message sent: \(what)\(s.channel.map { " by \($0)" } ?? "")."
                case "failed": text = "Message failed: \(what)\(s.error.map { " — \($0)" } ?? "")."
                case "cancelled" where cancelledAt == nil:
                    // Dropped before migration 11 kept the time: shown where it always was, and said so.
                    text = "Message dropped before it went out: \(what) (its drop time was not recorded; shown when it was "
                        + (moved == nil ? "queued)." : "last tried).")
                case "cancelled": text = "Message dropped before it went out: \(what)."
                default: text = "Message waiting to go out: \(what)."
                }
                if s.recipient == "purchaser" { text += " (to them as the buyer of a gift)" }
                var ev = event(Date(unixMilliseconds: moved ?? r.int64(9)), "reminder", codes[VoucherID(rawValue: r.text(1))], text, order: 2, tiebreak: s.id)
                ev.reminder = s
                events.append(ev)
            }
            for n in try notes(of: h.id) {
                var ev = event(RFC3339.parse(n.at) ?? h.firstSeenAt, "note", nil, "Note by \(n.author): \(n.text)", order: 3, tiebreak: n.id)
                ev.note = n
                events.append(ev)
            }
            let cases = try cases(of: h.id)
            // Within one millisecond a case's closing comes after its opening (and case after case,
            // in the order they were opened): the closing's tiebreak is one above the opening's.
            for c in cases {
                var opened = event(RFC3339.parse(c.openedAt) ?? h.firstSeenAt, "case_opened", nil,
                                   "Case \(c.id) opened by \(c.openedBy): \(c.subject)", order: 4, tiebreak: c.id * 2)
                opened.supportCase = c
                events.append(opened)
                if let closedAt = c.closedAt {
                    var closed = event(RFC3339.parse(closedAt) ?? h.firstSeenAt, "case_closed", nil,
                                       "Case \(c.id) closed by \(c.closedBy ?? "?")\(c.resolution.map { ": \($0)" } ?? ".")", order: 4, tiebreak: c.id * 2 + 1)
                    closed.supportCase = c
                    events.append(closed)
                }
            }
            let closure = try closureRow(h.id)
            for c in try closures(of: h.id) {
                var closed = event(c.closedAt, "closed", nil,
                                   "Left us: closed by \(c.closedBy)\(c.erased ? ", personal data erased" : "").", order: 5, tiebreak: c.id)
                if let at = c.reopenedAt, let voucher = c.reopenedBy {
                    // Just before the entry of the voucher that brought them back, as a decision sits
                    // before the entry it led to; a close in that same millisecond just before that.
                    let issued = try db.scalarInt("SELECT coalesce(min(id), 0) FROM entries WHERE voucher_id = ? AND kind <> 'redeemed' AND kind = 'issued'",
                                                  [.text(voucher.rawValue)])
                    let how = roles[voucher] == "purchaser" ? "bought a voucher" : "a voucher was issued to them"
                    var back = event(at, "reopened", codes[voucher], "Came back: \(how), so they are a customer again (their earlier close stays on record).",
                                     order: 1, tiebreak: issued * 2 - 1)
                    back.sortKey.3 = 1
                    if c.closedAt.unixMilliseconds == at.unixMilliseconds { closed.sortKey = (back.sortKey.0, 1, issued * 2 - 1, 0) }
                    events.append(back)
                }
                events.append(closed)
            }
            events.sort { $0.sortKey > $1.sortKey }
            return HolderView(profile: profile(h, closedAt: closure?.closedAt, now: now), vouchers: vouchers,
                              openCases: cases.filter(\.isOpen), timeline: events)
        }
    }

    /// The zone a person reads the holder's times in (`holder show`): their own, else that of the
    /// latest voucher they hold (the zone their reminders go by), else the book's default.
    public func localZone(of view: HolderView) -> ZonedCalendar {
        let held = view.vouchers.last { $0.role != "purchaser" } ?? view.vouchers.last
        return ZonedCalendar.stored(view.profile.timeZone ?? held?.voucher.timeZone ?? ledger.configuration.defaultTimeZone)
    }

    func profile(_ h: Holder, closedAt: Date?, now: Date) -> HolderProfile {
        let zone = ZonedCalendar.stored(h.timeZone ?? ledger.configuration.defaultTimeZone)
        let first = zone.localDate(of: h.firstSeenAt)
        let today = zone.localDate(of: now)
        var months = (today.year - first.year) * 12 + (today.month - first.month)
        if today.day < first.day { months -= 1 }
        months = max(0, months)
        let years = months / 12, rest = months % 12
        var parts: [String] = []
        if years > 0 { parts.append(Plural.count(years, "year")) }
        if rest > 0 || years == 0 { parts.append(Plural.count(rest, "month")) }
        return HolderProfile(id: h.id.rawValue, name: h.name, email: h.email, locale: h.locale, timeZone: h.timeZone,
                             firstSeen: RFC3339.format(h.firstSeenAt), tenureDays: max(0, first.days(until: today)),
                             tenure: parts.joined(separator: ", "), closedAt: closedAt.map(RFC3339.format),
                             erasedAt: h.erasedAt.map(RFC3339.format))
    }

    static func describe(_ e: LedgerEntry, role: String) -> String {
        let amount = Money(minorUnits: abs(e.amount), currency: e.currency)
        let balance = Money(minorUnits: e.balanceAfter, currency: e.currency)
        var text: String
        switch e.kind {
        case .issued: text = role == "purchaser" ? "Bought a voucher of \(amount) as a gift" : "Voucher of \(amount) issued"
        case .redeemed: text = "Redeemed \(amount), \(balance) left"
        case .redemptionReversed: text = "Redemption of \(amount) reversed, \(balance) left"
        case .extended: text = "Extended to \(e.expiryAfter?.lastValidDay.isoString ?? "?")"
        case .expired: text = "Expired with \(balance) unused"
        case .voided: text = "Voided (\(amount) cancelled)"
        case .refunded: text = "Refunded \(amount)"
        case .blocked: text = "Blocked"
        case .unblocked: text = "Unblocked"
        case .adjusted: text = "Balance \(e.amount >= 0 ? "raised" : "lowered") by \(amount), \(balance) now"
        }
        if let reason = e.reason { text += "; \(reason)" }
        if let reference = e.reference { text += " (ref \(reference))" }
        return text + "."
    }

    // MARK: Search

    /// How many holders a search returns at most (the API's `limit` says the same).
    public static let holderSearchLimit = 1...500

    /// The text of a holder search, trimmed; refused when too short to search for. A caller that
    /// runs the search later (the API queues it as a slow read) checks it first with this, so a
    /// wrong query is refused on the spot and takes no place in the queue.
    public static func holderSearchText(_ text: String) throws -> String {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard t.count >= 2 else { throw SupportError.invalid("Give at least two characters to search for: part of an email, a name, or a voucher code.") }
        return t
    }

    /// A LIKE pattern (for `ESCAPE '\'`) for text that contains `text`: its `\`, `%` and `_`
    /// escaped, so they match themselves, not any text or any one character.
    private static func likeContaining(_ text: String) -> String {
        "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }

    /// Holders whose email or name contains `text`, or who hold or bought the voucher with that code.
    public func searchHolders(_ text: String, limit: Int = 50) throws -> [HolderMatch] {
        let t = try Self.holderSearchText(text)
        let like = Self.likeContaining(t.lowercased())
        let limit = Int64(max(Self.holderSearchLimit.lowerBound, min(limit, Self.holderSearchLimit.upperBound)))
        var out: [HolderMatch] = []
        var seen = Set<String>()
        func add(_ r: Row, _ matched: String) {
            let id = r.text(0)
            guard seen.insert(id).inserted else { return }
            out.append(HolderMatch(id: id, name: r.optionalText(2), email: r.optionalText(1),
                                   firstSeen: RFC3339.format(Date(unixMilliseconds: r.int64(3))), vouchers: r.int(4), matched: matched))
        }
        let cols = "h.id, h.email, h.name, h.first_seen_at, (SELECT count(*) FROM vouchers v WHERE v.holder_id = h.id OR v.purchaser_id = h.id)"
        try db.readTransaction {
            let key = VoucherCode.normalize(t)
            if !key.isEmpty {
                try db.forEach("""
                    SELECT \(cols) FROM vouchers x JOIN holders h ON h.id IN (x.holder_id, x.purchaser_id) WHERE x.code_key = ?
                    """, [.text(key)]) { add($0, "voucher_code") }
            }
            try db.forEach("SELECT \(cols) FROM holders h WHERE h.email_key LIKE ? ESCAPE '\\' ORDER BY h.email_key LIMIT ?",
                           [.text(like), .integer(limit)]) { add($0, "email") }
            // A page already full of code and email matches has no room for a name.
            guard out.count < Int(limit) else { return }
            // Names are matched here, not by SQL: SQLite's lower() and LIKE fold ASCII letters only,
            // so "åsa" missed "Åsa" (and so did "Åsa" itself, lowered). But for text that folds to
            // ASCII, a name of printable ASCII matches only if LIKE (which folds those letters)
            // matches it, so SQLite passes on those and every other name, and only they are
            // folded here: with 200,000 holders every name was made a String and folded on each
            // search. In name order, so the search stops at the page's limit of matches.
            let wanted = Self.searchFolded(t)
            let asciiWanted = wanted.utf8.allSatisfy { $0 < 0x80 }
            let wantedLike = Self.likeContaining(wanted)
            var names: [(name: String, id: String)] = []
            struct PageFull: Error {}
            do {
                try db.forEach("""
                    SELECT name, id FROM holders
                    WHERE name IS NOT NULL AND (?1 = 0 OR name LIKE ?2 ESCAPE '\\' OR name GLOB '*[^ -~]*')
                    ORDER BY name, id
                    """, [.integer(asciiWanted ? 1 : 0), .text(wantedLike)]) { r in
                    let name = r.text(0)
                    guard Self.searchFolded(name).contains(wanted) else { return }
                    names.append((name, r.text(1)))
                    if names.count == Int(limit) { throw PageFull() }
                }
            } catch is PageFull {}
            names.sort { ($0.name, $0.id) < ($1.name, $1.id) }
            for n in names.prefix(Int(limit)) {
                try db.forEach("SELECT \(cols) FROM holders h WHERE h.id = ?", [.text(n.id)]) { add($0, "name") }
            }
        }
        return Array(out.prefix(Int(limit)))
    }

    /// Text as search compares it: case and accents folded ("Åsa Öberg" → "asa oberg"), and the
    /// Nordic letters without a combining mark read as the letter they are typed as without one.
    static func searchFolded(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        return String(folded.lowercased().map { c -> Character in
            switch c {
            case "ø": return "o"
            case "đ": return "d"
            case "ł": return "l"
            default: return c
            }
        })
    }

    // MARK: Notes and cases

    @discardableResult
    public func addNote(holder ref: String, text: String, author: String) throws -> NoteView {
        let body = try Self.clean(text, field: "note")
        let at = now
        return try db.writeTransaction {
            let h = try resolveHolder(ref)
            try db.run("INSERT INTO support_notes (holder_id, at, author, text) VALUES (?, ?, ?, ?)",
                       [.text(h.id.rawValue), .integer(at.unixMilliseconds), .text(author), .text(body)])
            return NoteView(id: db.lastInsertRowID, holderID: h.id.rawValue, at: RFC3339.format(at), author: author, text: body)
        }
    }

    public func notes(of holder: HolderID) throws -> [NoteView] {
        try db.query("SELECT id, holder_id, at, author, text FROM support_notes WHERE holder_id = ? ORDER BY id", [.text(holder.rawValue)]) {
            NoteView(id: $0.int64(0), holderID: $0.text(1), at: RFC3339.format(Date(unixMilliseconds: $0.int64(2))), author: $0.text(3), text: $0.text(4))
        }
    }

    /// Opens a case. While it is open the goodwill policy sees `has_open_support_case` for the holder's vouchers.
    @discardableResult
    public func openCase(holder ref: String, subject: String, actor: String) throws -> CaseView {
        let subject = try Self.clean(subject, field: "case subject", max: 500)
        let at = now
        return try db.writeTransaction {
            let h = try resolveHolder(ref)
            try db.run("INSERT INTO support_cases (holder_id, subject, opened_at, opened_by) VALUES (?, ?, ?, ?)",
                       [.text(h.id.rawValue), .text(subject), .integer(at.unixMilliseconds), .text(actor)])
            let id = db.lastInsertRowID
            guard let c = try supportCase(id) else { throw SupportError.caseNotFound(id) }
            return c
        }
    }

    @discardableResult
    public func closeCase(_ id: Int64, resolution: String, actor: String) throws -> CaseView {
        let resolution = try Self.clean(resolution, field: "resolution", max: 2000)
        let at = now
        return try db.writeTransaction {
            guard let c = try supportCase(id) else { throw SupportError.caseNotFound(id) }
            guard c.isOpen else { throw SupportError.caseAlreadyClosed(id) }
            try db.run("UPDATE support_cases SET closed_at = ?, closed_by = ?, resolution = ? WHERE id = ? AND closed_at IS NULL",
                       [.integer(at.unixMilliseconds), .text(actor), .text(resolution), .integer(id)])
            guard let closed = try supportCase(id) else { throw SupportError.caseNotFound(id) }
            return closed
        }
    }

    static let caseColumns = "id, holder_id, subject, opened_at, opened_by, closed_at, closed_by, resolution"

    static func caseView(_ r: Row) -> CaseView {
        CaseView(id: r.int64(0), holderID: r.text(1), subject: r.text(2), openedAt: RFC3339.format(Date(unixMilliseconds: r.int64(3))),
                 openedBy: r.text(4), closedAt: r.optionalInt64(5).map { RFC3339.format(Date(unixMilliseconds: $0)) },
                 closedBy: r.optionalText(6), resolution: r.optionalText(7))
    }

    public func supportCase(_ id: Int64) throws -> CaseView? {
        try db.queryOne("SELECT \(Self.caseColumns) FROM support_cases WHERE id = ?", [.integer(id)], Self.caseView)
    }

    public func cases(of holder: HolderID) throws -> [CaseView] {
        try db.query("SELECT \(Self.caseColumns) FROM support_cases WHERE holder_id = ? ORDER BY id", [.text(holder.rawValue)], Self.caseView)
    }

    struct ClosureRow {
        var id: Int64
        var closedAt: Date
        var closedBy: String
        var erased: Bool
        var summaryJSON: String
        /// Set when they came back: when, and the voucher issued to them (or bought by them) that brought them back.
        var reopenedAt: Date?
        var reopenedBy: VoucherID?
    }

    static func closureRow(_ r: Row) -> ClosureRow {
        ClosureRow(id: r.int64(0), closedAt: Date(unixMilliseconds: r.int64(1)), closedBy: r.text(2), erased: r.int64(3) != 0,
                   summaryJSON: r.text(4), reopenedAt: r.optionalInt64(5).map { Date(unixMilliseconds: $0) },
                   reopenedBy: r.optionalText(6).map { VoucherID(rawValue: $0) })
    }

    /// The closure that stands (the holder is closed now), if any; a reopened one is history.
    func closureRow(_ holder: HolderID) throws -> ClosureRow? {
        try db.queryOne("""
            SELECT c.id, c.closed_at, c.closed_by, c.erased, c.summary_json, c.reopened_at, c.reopened_by
            FROM closed_holders s JOIN holder_closures c ON c.id = s.closure_id WHERE s.holder_id = ?
            """, [.text(holder.rawValue)], Self.closureRow)
    }

    /// Every close of the holder, in the order they happened, reopened or standing.
    func closures(of holder: HolderID) throws -> [ClosureRow] {
        try db.query("""
            SELECT id, closed_at, closed_by, erased, summary_json, reopened_at, reopened_by FROM holder_closures WHERE holder_id = ? ORDER BY id
            """, [.text(holder.rawValue)], Self.closureRow)
    }
}
