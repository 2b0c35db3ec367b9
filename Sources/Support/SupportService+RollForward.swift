import Foundation
import GoodwillCore
import PolicyEngine
import Store

extension SupportService {
    /// The zone a period's days are taken in when none is given: one instant for everyone, whatever
    /// machine or issuer asks (`--time-zone` / `time_zone` name another, such as the books' own).
    public static let periodDefaultZone = "UTC"

    /// The earliest day a report period can start. Instants are Unix milliseconds and the tz
    /// database keeps zones' rules reliably from 1970 on (https://data.iana.org/time-zones/theory.html);
    /// before 1582-10-15 Foundation's Gregorian calendar even counts Julian days, so a period from
    /// 1500-01-01 opened nine days later than it said. No book holds an entry before it.
    public static let earliestPeriodDay = LocalDate(daysSinceEpoch: 0)

    /// The liability roll-forward for the days `from` through `to` (both included): it opens at the
    /// start of `from` and closes at the end of `to`, both in `timeZone`, or now when `to` has not
    /// ended yet. Words for the CLI (--from, --to) and the API (from, to) alike; the front ends
    /// check that the days are days.
    public func rollForwardReport(from: LocalDate, to: LocalDate, timeZone: String = SupportService.periodDefaultZone) throws -> RollForwardReport {
        let zone: ZonedCalendar
        do { zone = try ZonedCalendar(zoneName: timeZone) } catch {
            let what = error == .offsetNotZone(timeZone) ? "is a fixed offset, not a time zone" : "is not a time zone this machine knows"
            throw SupportError.invalid("The period's time zone '\(timeZone)' \(what): give an IANA name such as Europe/Stockholm, or leave it out for UTC.")
        }
        // `to` is on or after `from` (below), so checking `from` bounds both.
        guard from >= Self.earliestPeriodDay else {
            let bound = Self.earliestPeriodDay
            throw SupportError.invalid("The period starts on \(from), before \(bound), the earliest day a report period can start: the ledger's instants count from then, and time zones' rules before it are not kept reliably. Give a day from \(bound) on.")
        }
        guard from <= to else {
            throw SupportError.invalid("The period would start on \(from), after its end on \(to); give a start on or before the end.")
        }
        let now = self.now
        let opening = zone.startOfDay(from)
        guard opening <= now else {
            throw SupportError.invalid("The period starts on \(from) (\(RFC3339.format(opening)) in \(timeZone)), after now (\(RFC3339.format(now))): nothing has happened in it yet. Give a start on or before today.")
        }
        let end = zone.endOfDay(to)
        let closing = min(end, now)
        let preset = try ledger.jurisdiction()
        // Closing now, before its end, it takes what was recorded at now, as the liability report
        // does. A period that ends at now itself has ended: what is recorded then opens the next.
        let lines = try rollForwardLines(opening: opening, closing: closing, closesNow: end > now, preset: preset)
        var notes = [
            "Escheated: not recorded. The ledger has no escheat (unclaimed property) entry, so no flow is shown for it: a balance owed to a state stays in this liability until it is refunded, voided or adjusted out, and shows under that flow.",
        ]
        if closing < end {
            notes.append("The period has not ended: it closes now, \(RFC3339.format(closing)), not at the end of \(to) (\(RFC3339.format(end))); the report never projects.")
        }
        if let preset, RollForwardReplay.givesPayoutRight(preset) {
            notes.append("Payout after expiry: under the jurisdiction set now (\(preset.code)), a balance past expiry that the holder may still claim as payout stays liability (payout_claimable) until that right ends, and is breakage then.")
        }
        return RollForwardReport(asOf: RFC3339.format(now), from: from.isoString, to: to.isoString, timeZone: timeZone,
                                 openingAt: RFC3339.format(opening), closingAt: RFC3339.format(closing), currencies: lines,
                                 balanced: lines.allSatisfy(\.balanced), notRecorded: ["escheated"], notes: notes)
    }

    /// The roll-forward between two instants, from one pass over the entries, voucher by voucher:
    /// one voucher's state in memory at a time, however large the book (a map of every voucher's
    /// state, read in chain order instead, took 440 MB over a million vouchers).
    func rollForwardLines(opening: Date, closing: Date, closesNow: Bool, preset: JurisdictionPreset?) throws -> [RollForwardLine] {
        var replay = RollForwardReplay(opening: opening.unixMilliseconds, closing: closing.unixMilliseconds, closesNow: closesNow, preset: preset)
        try db.readTransaction {
            var current = ""
            var track: RollForwardReplay.Track?
            try db.forEach(Self.rollForwardSQL, [.integer(replay.rights ? 1 : 0)]) { r in
                let id = r.text(0)
                if track == nil || id != current {
                    if track != nil { try replay.finish(&track!) }
                    current = id
                    track = RollForwardReplay.Track(currency: replay.currency(r.text(1)))
                }
                try replay.apply(replay.entry(r), to: &track!)
            }
            if track != nil { try replay.finish(&track!) }
        }
        return try replay.lines()
    }

    /// Every entry, voucher by voucher and each voucher's in chain order (SQLite sorts them: the
    /// `entries_voucher` index leaves redemptions out since migration 13, and a sort reads the
    /// table once, in order, where walking each voucher's links would read it page by page at random), with what the replay needs: kind and status as small numbers
    /// (an unknown one as 0), the last valid day as a number (20260115), and the expiry's zone only
    /// when the jurisdiction gives a payout right after expiry (parameter 1), the one use of it.
    static let rollForwardSQL = """
        SELECT voucher_id, currency,
            CASE kind WHEN 'issued' THEN 1 WHEN 'redeemed' THEN 2 WHEN 'redemption_reversed' THEN 3 WHEN 'refunded' THEN 4
                WHEN 'voided' THEN 5 WHEN 'adjusted' THEN 6 WHEN 'extended' THEN 7 ELSE 0 END,
            amount, balance_after, at,
            CASE status_after WHEN 'active' THEN 1 WHEN 'blocked' THEN 2 WHEN 'expired' THEN 3 ELSE 0 END,
            expires_at_after, CAST(replace(last_valid_day_after, '-', '') AS INTEGER), CASE WHEN ?1 THEN time_zone_after END
        FROM entries ORDER BY voucher_id, id
        """
}

/// Replays the entries of each voucher to find what was owed at two instants and what moved it in
/// between. Each voucher's state after an entry is what the entry says (its balance_after, its
/// status, and the expiry the last issued or extended entry set); an entry belongs to the instant it
/// was recorded at, or to its voucher's previous entry's when the clock had gone back.
///
/// Opening and closing are taken from the state at each instant alone. The flows are the entries'
/// amounts by kind, and the balances the passing of time or an entry took out of the liability
/// (breakage) or brought back into it (reinstated). So the two sides meet only when the entries'
/// amounts and balances agree and every flow is counted: that is what `difference` checks.
struct RollForwardReplay {
    enum Status: Int64 { case other = 0, active, blocked, expired }
    enum Kind: Int64 { case other = 0, issued, redeemed, redemptionReversed, refunded, voided, adjusted, extended }
    /// Where a balance stands toward the liability at an instant.
    enum Standing { case live, claimable, outside }

    /// The lines of a currency's sums, in `sums[currency][line]`.
    enum Line: Int, CaseIterable {
        case opening, openingClaimable, issued, redeemed, redemptionReversed, refunded, voided, adjusted, breakage, reinstated,
             closing, closingClaimable, expiredIntoClaimable
    }

    struct State {
        var balance: Int64 = 0
        /// Unix ms; `.max`: no expiry.
        var expiresAt: Int64 = .max
        /// Days since 1970-01-01 of the last valid day; `.min`: none (or not read: no payout right).
        var lastValidDay: Int32 = .min
        var zone: Int32 = -1
        var status: Status = .other
        /// False until the voucher's first entry.
        var exists = false
    }

    struct Track {
        var state = State()
        /// The instant the last entry counts at (the latest seen).
        var lastAt: Int64 = .min
        /// How far the flows have been counted.
        var cursor: Int64 = 0
        var currency: Int
        /// The opening is taken and the flows are being counted.
        var walking = false
        /// The closing is taken; later entries are after the period.
        var done = false

        init(currency: Int) { self.currency = currency }
    }

    struct Entry {
        var kind: Kind
        var amount: Int64
        var balanceAfter: Int64
        var at: Int64
        var status: Status
        /// Set by issued and extended entries: nil expiry, or the new one.
        var expiresAt: Int64?
        var lastValidDay: Int32
        var zone: Int32
    }

    /// Entries recorded from this instant on are in the period (Unix ms).
    let opening: Int64
    /// What is owed is taken at this instant; entries recorded from `after` on are after the period:
    /// from the closing instant on, or, for a period that closes now, after it (those recorded at
    /// now are in, as the liability report has them).
    let closing: Int64
    let after: Int64
    let preset: JurisdictionPreset?
    /// The jurisdiction gives some right to payout after expiry: a period, or small-balance thresholds.
    let rights: Bool
    /// The days a payout right can begin or end on, other than the expiry: the thresholds' first days.
    let thresholdDays: [LocalDate]
    private(set) var currencies: [String] = []
    private var currencyIndex: [String: Int] = [:]
    private var sums: [[Int64]] = []
    private var zoneNames: [String] = []
    private var zoneIndex: [String: Int32] = [:]
    private var calendars: [ZonedCalendar] = []
    private var localDays: [ZoneInstant: LocalDate] = [:]
    private var dayStarts: [ZoneDay: Int64] = [:]

    struct ZoneInstant: Hashable { var zone: Int32; var at: Int64 }
    struct ZoneDay: Hashable { var zone: Int32; var day: Int32 }

    init(opening: Int64, closing: Int64, closesNow: Bool = false, preset: JurisdictionPreset?) {
        self.opening = opening
        self.closing = closing
        after = closesNow ? closing + 1 : closing
        self.preset = preset
        rights = preset.map(Self.givesPayoutRight) ?? false
        thresholdDays = Array(Set(preset?.cashOut.thresholds.map(\.effectiveFrom) ?? [])).sorted()
    }

    /// The jurisdiction gives some right to payout after expiry: a period, or small-balance thresholds.
    static func givesPayoutRight(_ preset: JurisdictionPreset) -> Bool {
        preset.payoutAfterExpiry() != nil || !preset.cashOut.thresholds.isEmpty
    }

    mutating func currency(_ code: String) -> Int {
        if let i = currencyIndex[code] { return i }
        currencies.append(code)
        sums.append([Int64](repeating: 0, count: Line.allCases.count))
        currencyIndex[code] = currencies.count - 1
        return currencies.count - 1
    }

    mutating func entry(_ r: Row) -> Entry {
        let kind = Kind(rawValue: r.int64(2)) ?? .other
        var e = Entry(kind: kind, amount: r.int64(3), balanceAfter: r.int64(4), at: r.int64(5), status: Status(rawValue: r.int64(6)) ?? .other,
                      expiresAt: nil, lastValidDay: .min, zone: -1)
        if kind == .issued || kind == .extended {
            e.expiresAt = r.optionalInt64(7) ?? .max
            if rights, !r.isNull(8) {
                let n = r.int(8)
                if let day = LocalDate(year: n / 10_000, month: n / 100 % 100, day: n % 100) { e.lastValidDay = Int32(day.daysSinceEpoch) }
                e.zone = zone(r.isNull(9) ? "UTC" : r.text(9))
            }
        }
        return e
    }

    private mutating func zone(_ name: String) -> Int32 {
        if let i = zoneIndex[name] { return i }
        zoneNames.append(name)
        calendars.append(ZonedCalendar.stored(name))
        zoneIndex[name] = Int32(zoneNames.count - 1)
        return Int32(zoneNames.count - 1)
    }

    // MARK: One voucher

    /// The state an entry leaves its voucher in.
    func after(_ e: Entry, _ s: State) -> State {
        var next = s
        next.exists = true
        next.balance = e.balanceAfter
        next.status = e.status
        if let expiresAt = e.expiresAt {
            next.expiresAt = expiresAt
            next.lastValidDay = e.lastValidDay
            next.zone = e.zone
        }
        return next
    }

    mutating func apply(_ e: Entry, to t: inout Track) throws {
        guard !t.done else { return }
        let at = max(t.lastAt, e.at)
        t.lastAt = at
        if at >= after { return try finish(&t) }
        if at < opening {
            t.state = after(e, t.state)
            return
        }
        if !t.walking { try open(&t) }
        try passTime(t.state, t.currency, from: t.cursor, to: at)
        let before = t.state, next = after(e, before)
        let wasOwed = standing(before, t.currency, at: at) != .outside, isOwed = standing(next, t.currency, at: at) != .outside
        switch e.kind {
        case .issued: try add(.issued, e.amount, t.currency)
        case .redeemed: try add(.redeemed, e.amount, t.currency)
        case .redemptionReversed: try add(.redemptionReversed, e.amount, t.currency)
        case .refunded: try add(.refunded, e.amount, t.currency)
        case .voided: try add(.voided, e.amount, t.currency)
        case .adjusted: try add(.adjusted, e.amount, t.currency)
        // Extended, expired, blocked, unblocked move no money; an unknown kind is no flow the
        // report knows, so whatever it moved shows as a difference.
        case .extended, .other: break
        }
        // A balance outside the liability that comes back is reinstated; one the entry takes out of
        // it is breakage. One that stays outside did not come back: only what the entry moved passes
        // through, reinstated when taken away (a refund or void of an expired balance, an adjustment
        // down), breakage when added (an adjustment up, a reversal). Measured by the balances, so an
        // amount that disagrees with them still shows as a difference.
        if !wasOwed && isOwed {
            if before.balance > 0 { try add(.reinstated, before.balance, t.currency) }
        } else if wasOwed && !isOwed {
            if next.balance > 0 { try add(.breakage, -next.balance, t.currency) }
        } else if !wasOwed && !isOwed {
            let moved = try SupportService.subtract(next.balance, before.balance, to: "roll-forward", currencies[t.currency])
            if moved < 0 { try add(.reinstated, -moved, t.currency) }
            if moved > 0 { try add(.breakage, -moved, t.currency) }
        }
        t.state = next
        t.cursor = at
    }

    /// Takes the closing (and the opening, if no entry fell in the period); the voucher is done.
    mutating func finish(_ t: inout Track) throws {
        guard !t.done else { return }
        if !t.walking { try open(&t) }
        try passTime(t.state, t.currency, from: t.cursor, to: closing)
        let (owed, claimable) = liability(t.state, t.currency, at: closing)
        try add(.closing, owed, t.currency)
        try add(.closingClaimable, claimable, t.currency)
        t.done = true
    }

    private mutating func open(_ t: inout Track) throws {
        let (owed, claimable) = liability(t.state, t.currency, at: opening)
        try add(.opening, owed, t.currency)
        try add(.openingClaimable, claimable, t.currency)
        t.walking = true
        t.cursor = opening
    }

    /// What a voucher in state `s` owes at an instant, and how much of it only as claimable payout.
    mutating func liability(_ s: State, _ currency: Int, at x: Int64) -> (owed: Int64, claimable: Int64) {
        switch standing(s, currency, at: x) {
        case .live: return (s.balance, 0)
        case .claimable: return (s.balance, s.balance)
        case .outside: return (0, 0)
        }
    }

    /// The liability's own definition (the liability report's): blocked, or active before its
    /// expiry; past expiry, owed while the holder may claim it as payout.
    mutating func standing(_ s: State, _ currency: Int, at x: Int64) -> Standing {
        guard s.exists else { return .outside }
        switch s.status {
        case .blocked: return .live
        case .active where x < s.expiresAt: return .live
        case .active, .expired: return claimable(s, currency, at: x) ? .claimable : .outside
        case .other: return .outside
        }
    }

    /// `cashOutAllowed`, the rule closing refunds by and the liability report keeps balances by.
    mutating func claimable(_ s: State, _ currency: Int, at x: Int64) -> Bool {
        guard rights, let preset, s.balance > 0, s.lastValidDay != .min, s.zone >= 0 else { return false }
        let day = localDay(s.zone, at: x)
        let rule = preset.cashOutAllowed(balance: s.balance, currency: currencies[currency], on: day,
                                         lastValidDay: LocalDate(daysSinceEpoch: Int(s.lastValidDay)))
        if case .holderEntitled = rule { return true }
        return false
    }

    /// Counts what the passing of time did to a state in (from, to]: its expiry, and a payout right
    /// ending (or beginning) after it.
    mutating func passTime(_ s: State, _ currency: Int, from a: Int64, to b: Int64) throws {
        guard s.exists, s.balance > 0, a < b else { return }
        var since = a
        var wasClaimable: Bool
        switch s.status {
        case .blocked, .other: return
        case .active:
            guard s.expiresAt <= b else { return }
            if s.expiresAt > a {
                since = s.expiresAt
                wasClaimable = claimable(s, currency, at: since)
                try add(wasClaimable ? .expiredIntoClaimable : .breakage, wasClaimable ? s.balance : -s.balance, currency)
            } else {
                wasClaimable = claimable(s, currency, at: a)
            }
        case .expired:
            wasClaimable = claimable(s, currency, at: a)
        }
        guard rights, let preset, s.lastValidDay != .min, s.zone >= 0 else { return }
        // The right can change only at the start of a day: the day after it ends, or a threshold's first day.
        var days = thresholdDays
        if let period = preset.payoutAfterExpiry(), let last = period.lastDay(after: LocalDate(daysSinceEpoch: Int(s.lastValidDay))) {
            days.append(last.adding(days: 1))
        }
        for x in days.map({ dayStart(s.zone, $0) }).sorted() where x > since && x <= b {
            let isClaimable = claimable(s, currency, at: x)
            if isClaimable != wasClaimable {
                try add(isClaimable ? .reinstated : .breakage, isClaimable ? s.balance : -s.balance, currency)
                wasClaimable = isClaimable
            }
        }
    }

    // MARK: Calendar, cached: the same few instants and days come up for many vouchers

    private mutating func localDay(_ zone: Int32, at x: Int64) -> LocalDate {
        let key = ZoneInstant(zone: zone, at: x)
        if let d = localDays[key] { return d }
        let d = calendars[Int(zone)].localDate(of: Date(unixMilliseconds: x))
        localDays[key] = d
        return d
    }

    private mutating func dayStart(_ zone: Int32, _ day: LocalDate) -> Int64 {
        let key = ZoneDay(zone: zone, day: Int32(clamping: day.daysSinceEpoch))
        if let x = dayStarts[key] { return x }
        let x = calendars[Int(zone)].startOfDay(day).unixMilliseconds
        dayStarts[key] = x
        return x
    }

    // MARK: Sums

    private mutating func add(_ line: Line, _ amount: Int64, _ currency: Int) throws {
        sums[currency][line.rawValue] = try SupportService.add(sums[currency][line.rawValue], amount, to: "roll-forward", currencies[currency])
    }

    /// A line per currency with anything in it, in currency order.
    func lines() throws -> [RollForwardLine] {
        try currencies.indices.sorted { currencies[$0] < currencies[$1] }.compactMap { i throws(SupportError) -> RollForwardLine? in
            let s = sums[i], code = currencies[i]
            guard s.contains(where: { $0 != 0 }) else { return nil }
            func m(_ line: Line) -> Money { SupportService.money(s[line.rawValue], code) }
            var moved = s[Line.opening.rawValue]
            for line in [Line.issued, .redeemed, .redemptionReversed, .refunded, .voided, .adjusted, .breakage, .reinstated] {
                moved = try SupportService.add(moved, s[line.rawValue], to: "roll-forward", code)
            }
            let difference = try SupportService.subtract(moved, s[Line.closing.rawValue], to: "roll-forward", code)
            return RollForwardLine(currency: code, opening: m(.opening), openingPayoutClaimable: m(.openingClaimable), issued: m(.issued),
                                   redeemed: m(.redeemed), redemptionReversed: m(.redemptionReversed), refunded: m(.refunded),
                                   voided: m(.voided), adjusted: m(.adjusted), breakage: m(.breakage), reinstated: m(.reinstated),
                                   closing: m(.closing), closingPayoutClaimable: m(.closingClaimable),
                                   expiredIntoPayoutClaimable: m(.expiredIntoClaimable), difference: SupportService.money(difference, code))
        }
    }
}
