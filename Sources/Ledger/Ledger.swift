import Foundation
import GoodwillCore
import PolicyEngine
import Store

/// The voucher ledger: every change is one transaction that appends an entry to the
/// hash chain and updates the voucher row to match. Owns one connection; use it from
/// one thread at a time (a server gives each worker its own, or one writer thread).
public final class Ledger {
    public struct Configuration: Sendable {
        /// Who issues: one company per database for now.
        public var issuer: String
        public var defaultTimeZone: String
        public var defaultValidity: Validity
        public var defaultKind: VoucherKind

        public init(issuer: String = "default", defaultTimeZone: String = "Europe/Stockholm",
                    defaultValidity: Validity = .months(12), defaultKind: VoucherKind = .giftCard) {
            self.issuer = issuer; self.defaultTimeZone = defaultTimeZone
            self.defaultValidity = defaultValidity; self.defaultKind = defaultKind
        }
    }

    public let db: Database
    public let store: LedgerStore
    public let clock: any Clock
    public var configuration: Configuration
    /// Parsed once per stored content: the active policy (by id and version) and the
    /// jurisdiction preset (by its stored bytes, which a same-code preset may replace).
    var policyCache: Policy?
    var presetCache: (source: [UInt8], preset: JurisdictionPreset)?
    /// Calendar work of `issue` for the zone and local day last seen (Foundation's Calendar
    /// took a twentieth of an issue): the calendar, the day, the instants bounding it, and
    /// the expiries already computed from that day.
    var issueDayCache: IssueDayCache?

    /// Opens (creating if needed) and migrates the database at `path`.
    public convenience init(path: String, clock: any Clock, options: Database.Options = .init(),
                            configuration: Configuration = .init()) throws {
        try self.init(database: Database(path: path, options: options), clock: clock, configuration: configuration)
    }

    public init(database: Database, clock: any Clock, configuration: Configuration = .init()) throws {
        db = database
        store = LedgerStore(database)
        self.clock = clock
        self.configuration = configuration
        try Migrator.migrate(database, now: clock.now())
        if !database.isReadOnly { try installDefaults(now: clock.now()) }
    }

    struct IssueDayCache {
        let calendar: ZonedCalendar
        let day: LocalDate
        /// [start, end) of `day` in the zone.
        let start: Date
        let end: Date
        var expiries: [LocalDate: Expiry] = [:]
    }

    // MARK: Performing commands

    /// Runs one command as one transaction. With an idempotency key, a retry of the same
    /// command returns the first receipt (marked `replayed`); a different command under the
    /// same key is refused.
    @discardableResult
    public func perform(_ command: LedgerCommand, actor: String, idempotencyKey: String? = nil) throws -> LedgerReceipt {
        try db.writeTransaction { try performInTransaction(command, actor: actor, idempotencyKey: idempotencyKey) }
    }

    /// Runs many commands in ONE transaction (one fsync), a refused command leaving the others in
    /// place: the group commit a busy server needs. Commands are refused before they write (a
    /// balance, a status, an expiry), so the batch first runs without a savepoint per command,
    /// which cost a sixth of the writer's time; a command that fails after writing something
    /// (SQLite's change counter moved) sends the whole batch again through one savepoint each.
    /// When SQLite itself abandons the transaction (disk full, I/O error: the connection is back in
    /// autocommit), the commands before are undone and those after would commit statement by
    /// statement, so the batch fails as a whole: it throws, and every command is reported failed.
    public func performBatch(_ commands: [(command: LedgerCommand, actor: String, idempotencyKey: String?)])
        throws -> [Result<LedgerReceipt, any Error>] {
        struct FailedAfterWriting: Error {}
        func checkNotAbandoned(after error: (any Error)?) throws {
            guard db.isAutocommit else { return }
            throw error ?? StoreError.transactionAbandoned(path: db.path)
        }
        do {
            return try db.writeTransaction {
                try commands.map { c -> Result<LedgerReceipt, any Error> in
                    let before = db.totalChanges
                    do {
                        let receipt = try performInTransaction(c.command, actor: c.actor, idempotencyKey: c.idempotencyKey)
                        try checkNotAbandoned(after: nil)  // a command that caught the failure itself
                        return .success(receipt)
                    } catch {
                        try checkNotAbandoned(after: error)
                        guard db.totalChanges == before else { throw FailedAfterWriting() }
                        return .failure(error)
                    }
                }
            }
        } catch is FailedAfterWriting {
            return try db.writeTransaction {
                try commands.map { c -> Result<LedgerReceipt, any Error> in
                    let result = Result { try db.savepoint { try performInTransaction(c.command, actor: c.actor, idempotencyKey: c.idempotencyKey) } }
                    if case .failure(let error) = result { try checkNotAbandoned(after: error) } else { try checkNotAbandoned(after: nil) }
                    return result
                }
            }
        }
    }

    /// For callers composing their own transaction (the policy layer extends inside a redemption).
    public func performInTransaction(_ command: LedgerCommand, actor: String, idempotencyKey: String?) throws -> LedgerReceipt {
        let now = clock.now()
        if let key = idempotencyKey {
            try Self.validate(idempotencyKey: key)
            if let record = try store.idempotencyRecord(scope: actor, key: key) {
                guard try isSameRequest(command, as: record.fingerprint) else { throw LedgerError.idempotencyConflict(key: key) }
                var receipt = try replay(record.result, now: now)
                receipt.replayed = true
                return receipt
            }
        }
        let receipt = try execute(command, actor: actor, idempotencyKey: idempotencyKey, now: now)
        if let key = idempotencyKey {
            // Only what the receipt was made of is kept; `replay` rebuilds the same receipt from it.
            var result = "v1|\(receipt.voucher.id)|\(receipt.entry.map { String($0.id) } ?? "")|\(receipt.decision?.id.map { String($0) } ?? "")"
            if receipt.entry == nil, let head = try store.lastEntryID(of: VoucherID(rawValue: receipt.voucher.id)) {
                // A request that appended nothing (a referred or denied extension): the entry the
                // voucher stood at, so a retry shows it as it was then, not after later changes.
                result += "|\(head)"
            } else if let entry = receipt.entry, Self.mayBeFollowedByExpiry.contains(entry.kind),
                      let head = try store.lastEntryID(of: VoucherID(rawValue: receipt.voucher.id)), head != entry.id {
                // The expiry step followed the request's entry (an expired or extended entry): the
                // voucher stood there after the request, so a retry shows it so.
                result += "|\(head)"
            }
            // Kept under the voucher's ID however the request named it, so a retry that names the
            // same voucher by its code instead (or the reverse) is the same request.
            let fingerprint = command.naming(.id(VoucherID(rawValue: receipt.voucher.id))).fingerprint
            try store.saveIdempotency(scope: actor, key: key, fingerprint: fingerprint, result: Array(result.utf8), at: now)
        }
        return receipt
    }

    /// Whether `command` is the request a record with `stored` was kept for: the same operation
    /// and fields on the same voucher, named by ID or by code. A record is kept under the ID's
    /// form; one kept before that has the form of the reference as it was sent (for a code, the
    /// code normalized), so that is compared too, and its retry by ID replays as well. A
    /// reference that finds no voucher names none a record was kept for.
    func isSameRequest(_ command: LedgerCommand, as stored: [UInt8]) throws -> Bool {
        if command.fingerprint == stored { return true }
        guard let ref = command.voucherReference else { return false }
        let voucher: Voucher
        do { voucher = try resolve(ref) } catch is LedgerError { return false }
        return command.naming(.id(voucher.id)).fingerprint == stored || command.naming(.code(voucher.code)).fingerprint == stored
    }

    /// The receipt of an earlier request, rebuilt from the entry (and decision) it made: the
    /// voucher as it stood right after that entry, not as it stands now, and its status as it was
    /// at that instant (a voucher active then may have expired since; the retry must not say so).
    func replay(_ stored: [UInt8], now: Date) throws -> LedgerReceipt {
        let parts = String(decoding: stored, as: UTF8.self).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        // A fifth field: the entry the voucher stood at after the request, when that is not the
        // request's own (it appended none, or the expiry step followed it).
        guard parts.count == 4 || parts.count == 5, parts[0] == "v1", var v = try store.voucher(id: VoucherID(rawValue: parts[1])) else {
            throw LedgerError.invalidRequest("The stored result for this idempotency key cannot be read; use a new key.")
        }
        var asOf = now
        var entryView: EntryView?
        if let id = Int64(parts[2]), let entry = try store.entry(id: id), entry.voucherID == v.id {
            entryView = EntryView(entry)
            asOf = entry.at
        }
        let stateEntry = (parts.count == 5 ? Int64(parts[4]) : nil) ?? Int64(parts[2])
        if let id = stateEntry, let entry = try store.entry(id: id), entry.voucherID == v.id {
            v.balance = Money(minorUnits: entry.balanceAfter, currency: v.value.currency)
            v.storedStatus = entry.statusAfter
            v.expiry = try store.expiry(of: v.id, asOfEntry: id)
        }
        var decision: DecisionView?
        if let id = Int64(parts[3]), let row = try policies.decision(id: id),
           let d = try? JSONDecoder().decode(PolicyDecision.self, from: Data(row.json.utf8)) {
            if entryView == nil { asOf = row.at }
            let applied = row.daysGranted > 0 ? DecisionView.Applied(
                days: row.daysGranted, newLastValidDay: v.expiry?.lastValidDay.isoString ?? "", actor: row.actor,
                isOverride: row.isOverride, overrideBecause: row.isOverride ? overrideBecause(d, row) : nil, reason: row.reason) : nil
            decision = DecisionView(d, voucherID: v.id, id: id, applied: applied)
        }
        return LedgerReceipt(voucher: try view(of: v, now: asOf), entry: entryView, decision: decision)
    }

    /// Why a stored override went beyond its policy, worked out again by the policy version that
    /// decided (the decision keeps its facts and outcome, not this sentence); nil if it cannot be.
    private func overrideBecause(_ d: PolicyDecision, _ row: PolicyStore.DecisionRow) -> String? {
        guard let stored = try? policies.policy(id: row.policyID, version: row.policyVersion),
              let policy = try? PolicyLoader.load(data: Data(stored.source), fileName: stored.fileName, hasher: Self.hasher, stored: true),
              let personal = try? policy.personalDecision(on: d, actor: row.actor, role: .admin, days: row.daysGranted,
                                                          reason: row.reason ?? "-", override: true) else { return nil }
        return personal.overrideBecause
    }

    private func execute(_ command: LedgerCommand, actor: String, idempotencyKey: String?, now: Date) throws -> LedgerReceipt {
        let ctx = OperationContext(actor: actor, idempotencyKey: idempotencyKey, now: now)
        switch command {
        case .issue(let request): return try issue(request, ctx)
        case .redeem(let ref, let amount, let reference): return try redeem(ref, amount: amount, reference: reference, ctx)
        case .reverse(let entryID, let reason): return try reverse(entryID: entryID, reason: reason, ctx)
        case .void(let ref, let reason): return try void(ref, reason: reason, ctx)
        case .block(let ref, let reason): return try block(ref, reason: reason, ctx)
        case .unblock(let ref, let reason): return try unblock(ref, reason: reason, ctx)
        case .adjust(let ref, let amount, let reason): return try adjust(ref, amount: amount, reason: reason, ctx)
        case .refund(let ref, let reference, let reason): return try refund(ref, reference: reference, reason: reason, ctx)
        case .extend(let ref, let request): return try extend(ref, request, ctx)
        }
    }

    /// The kinds of entry `receipt(for:entry:expiryDue:_:)` may follow with the expiry step.
    static let mayBeFollowedByExpiry: Set<EntryKind> = [.unblocked, .redemptionReversed, .adjusted]

    /// An idempotency key: 1 to 255 visible ASCII characters. The API's support writes keep the
    /// same rule (`IdempotentWrite`), as their keys share the ledger's table.
    public static func validate(idempotencyKey key: String) throws {
        guard !key.isEmpty, key.utf8.count <= 255, key.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value < 0x7F }) else {
            throw LedgerError.invalidRequest("An idempotency key must be 1 to 255 visible ASCII characters with no spaces, for example a UUID.")
        }
    }

    // MARK: Shared steps

    struct OperationContext {
        let actor: String
        let idempotencyKey: String?
        let now: Date
    }

    /// Finds a voucher by ID or code. A code that is not on file but fails its check symbol is
    /// reported as a typo, so support can tell "mistyped" from "unknown".
    public func resolve(_ ref: VoucherReference) throws -> Voucher {
        switch ref {
        case .id(let id):
            guard let v = try store.voucher(id: id) else { throw LedgerError.voucherNotFound(id.rawValue) }
            return v
        case .code(let text):
            let key = VoucherCode.normalize(text)
            // Our codes never have an underscore: text with one is an ID (vch_…, hld_…) in capitals, of
            // another kind, or cut short or run on, and is told what a voucher ID is rather than asked to
            // have a code read again. A code imported from another system may have one: looked up first.
            if text.utf8.contains(UInt8(ascii: "_")) {
                if !key.isEmpty, key.count <= 64, let v = try store.voucher(codeKey: key) { return v }
                throw LedgerError.voucherNotFound(text)
            }
            guard !key.isEmpty, key.count <= 64 else { throw LedgerError.invalidCode("Give a voucher code, like XXXX-XXXX-XXXX-XXXX-X.") }
            if let v = try store.voucher(codeKey: key) { return v }
            do {
                _ = try VoucherCode.parse(text)
            } catch .checkFailed {
                throw LedgerError.codeTypo(VoucherCodeError.checkFailed.description)
            } catch {
                throw LedgerError.invalidCode(error.description)
            }
            throw LedgerError.voucherNotFound(text)
        }
    }

    /// Appends an entry at the head of the chain and writes the voucher state it leads to.
    /// `stateWritten`: the voucher row already holds that state (just inserted by `issue`), so
    /// only its link to the entry is written, not balance, status and expiry (which would rewrite
    /// two indexes for nothing).
    @discardableResult
    func append(_ entry: LedgerEntry, to voucher: Voucher, stateWritten: Bool = false) throws -> LedgerEntry {
        var e = entry
        let head = try store.lastEntry()
        e.id = (head?.id ?? 0) + 1
        e.previousHash = head?.hash ?? LedgerEntry.genesisHash
        e.hash = LedgerEntry.chainHash(previous: e.previousHash, content: e.canonicalContent)
        let setsExpiry = e.kind == .issued || e.kind == .extended
        let change: LedgerStore.VoucherChange
        if stateWritten {
            change = .linkOnly
        } else if !setsExpiry, e.statusAfter == voucher.storedStatus {
            change = .balance  // a redemption that leaves status and expiry as they were
        } else {
            change = .state(e.statusAfter, setsExpiry ? e.expiryAfter : voucher.expiry)
        }
        try store.append(e, voucherChange: change)
        return e
    }

    /// The voucher as shown, with holder and purchaser filled in, and, past expiry with a balance,
    /// the payout right the jurisdiction in force still gives (the rule the goodwill answers say).
    public func view(of voucher: Voucher, now: Date? = nil) throws -> VoucherView {
        try view(of: voucher, now: now ?? clock.now(), jurisdiction: jurisdiction)
    }

    /// As above, with the jurisdiction from `jurisdiction`, asked only for an expired voucher with
    /// money left: a list passes one that reads it once for the whole page.
    func view(of voucher: Voucher, now: Date, jurisdiction: () throws -> JurisdictionPreset?) throws -> VoucherView {
        let view = VoucherView(voucher, holder: try voucher.holderID.flatMap { try store.holder(id: $0) },
                               purchaser: try voucher.purchaserID.flatMap { try store.holder(id: $0) }, now: now)
        // Only an expired voucher with money left is asked about (a valid one costs nothing here:
        // no read of the jurisdiction). A stored preset that does not load hides the line rather
        // than the voucher, as a refused redemption does.
        guard view.status == .expired, voucher.balance.minorUnits > 0 else { return view }
        return view.noting(try? payoutRight(for: voucher, now: now, in: jurisdiction))
    }

    /// The receipt for an entry just appended to `voucher` (the voucher as it was before it).
    func receipt(for voucher: Voucher, entry: LedgerEntry, now: Date) throws -> LedgerReceipt {
        var v = voucher
        v.balance = Money(minorUnits: entry.balanceAfter, currency: v.value.currency)
        v.storedStatus = entry.statusAfter
        if entry.kind == .issued || entry.kind == .extended { v.expiry = entry.expiryAfter }
        return LedgerReceipt(voucher: try view(of: v, now: now), entry: EntryView(entry))
    }

    static func checkPositive(_ amount: Money, against voucher: Voucher) throws {
        guard amount.currency == voucher.value.currency else {
            throw LedgerError.currencyMismatch(voucher: voucher.value.currency, requested: amount.currency)
        }
        guard amount.minorUnits > 0 else {
            throw LedgerError.amountNotPositive(amount, isValue: false)
        }
    }

    /// Refuses money movements on vouchers whose money is gone.
    static func checkNotFinal(_ v: Voucher) throws {
        switch v.storedStatus {
        case .voided: throw LedgerError.voucherVoided
        case .refunded: throw LedgerError.voucherRefunded
        default: break
        }
    }

    static func clean(_ text: String?, field: String, max: Int = 500) throws -> String? {
        guard let t = text?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        guard t.count <= max else {
            throw LedgerError.invalidRequest("The \(field) is \(t.count) characters long; keep it to \(max).")
        }
        guard !t.unicodeScalars.contains(where: PlainText.isRefused) else {
            throw LedgerError.invalidRequest("The \(field) contains control characters; use plain text.")
        }
        return t
    }
}
