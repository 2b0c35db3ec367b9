import Foundation
import GoodwillCore

/// Rows of the policy tables: stored policy versions, the active one, the jurisdiction, decisions.
public struct PolicyStore {
    public let db: Database

    public init(_ db: Database) { self.db = db }

    public struct StoredPolicy: Sendable, Equatable {
        public var id: String
        public var version: Int
        public var hash: String
        public var source: [UInt8]
        public var fileName: String
        public var addedAt: Date

        public init(id: String, version: Int, hash: String, source: [UInt8], fileName: String, addedAt: Date) {
            self.id = id; self.version = version; self.hash = hash; self.source = source
            self.fileName = fileName; self.addedAt = addedAt
        }
    }

    public struct ActivePolicy: Sendable, Equatable {
        public var policyID: String
        public var version: Int
        public var activatedAt: Date
        public var activatedBy: String
    }

    static func stored(_ r: Row) -> StoredPolicy {
        StoredPolicy(id: r.text(0), version: r.int(1), hash: r.text(2), source: r.blob(3), fileName: r.text(4),
                     addedAt: Date(unixMilliseconds: r.int64(5)))
    }

    public func policy(id: String, version: Int) throws -> StoredPolicy? {
        try db.queryOne("SELECT id, version, hash, source, file_name, added_at FROM policies WHERE id = ? AND version = ?",
                        [.text(id), .integer(Int64(version))], Self.stored)
    }

    public func allPolicies() throws -> [StoredPolicy] {
        try db.query("SELECT id, version, hash, source, file_name, added_at FROM policies ORDER BY id, version", [], Self.stored)
    }

    /// The highest version stored under `id`, 0 when there is none.
    public func highestVersion(id: String) throws -> Int {
        Int(try db.scalarInt("SELECT COALESCE(MAX(version), 0) FROM policies WHERE id = ?", [.text(id)]))
    }

    public func insert(_ p: StoredPolicy) throws {
        try db.run("INSERT INTO policies (id, version, hash, source, file_name, added_at) VALUES (?, ?, ?, ?, ?, ?)", [
            .text(p.id), .integer(Int64(p.version)), .text(p.hash), .blob(p.source), .text(p.fileName),
            .integer(p.addedAt.unixMilliseconds),
        ])
    }

    public func active(issuer: String) throws -> ActivePolicy? {
        try db.queryOne("SELECT policy_id, policy_version, activated_at, activated_by FROM active_policy WHERE issuer = ?",
                        [.text(issuer)]) {
            ActivePolicy(policyID: $0.text(0), version: $0.int(1), activatedAt: Date(unixMilliseconds: $0.int64(2)), activatedBy: $0.text(3))
        }
    }

    public func activate(issuer: String, id: String, version: Int, at: Date, by actor: String) throws {
        try db.run("""
            INSERT INTO active_policy (issuer, policy_id, policy_version, activated_at, activated_by) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (issuer) DO UPDATE SET policy_id = excluded.policy_id, policy_version = excluded.policy_version,
                activated_at = excluded.activated_at, activated_by = excluded.activated_by
            """, [.text(issuer), .text(id), .integer(Int64(version)), .integer(at.unixMilliseconds), .text(actor)])
    }

    public func jurisdiction(issuer: String) throws -> (code: String, source: [UInt8])? {
        try db.queryOne(Self.jurisdictionSQL, [.text(issuer)]) { ($0.text(0), $0.blob(1)) }
    }

    /// The one read of an issuer's jurisdiction (parameter 1), named so that a test can count it.
    public static let jurisdictionSQL = "SELECT code, source FROM jurisdiction WHERE issuer = ?"

    public func setJurisdiction(issuer: String, code: String, source: [UInt8], at: Date, by actor: String) throws {
        try db.run("""
            INSERT INTO jurisdiction (issuer, code, source, set_at, set_by) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (issuer) DO UPDATE SET code = excluded.code, source = excluded.source, set_at = excluded.set_at, set_by = excluded.set_by
            """, [.text(issuer), .text(code), .blob(source), .integer(at.unixMilliseconds), .text(actor)])
    }

    // MARK: Decisions

    public struct DecisionRow: Sendable, Equatable {
        public var id: Int64
        public var voucherID: VoucherID
        public var at: Date
        public var policyID: String
        public var policyVersion: Int
        public var policyHash: String
        public var requester: String
        public var outcome: String
        public var ruleName: String?
        public var daysGranted: Int
        public var valueExtended: Int64
        public var currency: String
        public var actor: String
        public var isOverride: Bool
        public var reason: String?
        public var json: String

        public init(id: Int64 = 0, voucherID: VoucherID, at: Date, policyID: String, policyVersion: Int, policyHash: String,
                    requester: String, outcome: String, ruleName: String?, daysGranted: Int, valueExtended: Int64,
                    currency: String, actor: String, isOverride: Bool, reason: String?, json: String) {
            self.id = id; self.voucherID = voucherID; self.at = at; self.policyID = policyID
            self.policyVersion = policyVersion; self.policyHash = policyHash; self.requester = requester
            self.outcome = outcome; self.ruleName = ruleName; self.daysGranted = daysGranted
            self.valueExtended = valueExtended; self.currency = currency; self.actor = actor
            self.isOverride = isOverride; self.reason = reason; self.json = json
        }
    }

    static let decisionColumns = """
        id, voucher_id, at, policy_id, policy_version, policy_hash, requester, outcome, rule_name, days_granted,
        value_extended, currency, actor, is_override, reason, decision_json
        """

    static func decision(_ r: Row) -> DecisionRow {
        DecisionRow(id: r.int64(0), voucherID: VoucherID(rawValue: r.text(1)), at: Date(unixMilliseconds: r.int64(2)),
                    policyID: r.text(3), policyVersion: r.int(4), policyHash: r.text(5), requester: r.text(6),
                    outcome: r.text(7), ruleName: r.optionalText(8), daysGranted: r.int(9), valueExtended: r.int64(10),
                    currency: r.text(11), actor: r.text(12), isOverride: r.int64(13) != 0, reason: r.optionalText(14),
                    json: r.text(15))
    }

    @discardableResult
    public func insert(_ d: DecisionRow) throws -> Int64 {
        try db.run("INSERT INTO decisions (\(Self.decisionColumns.replacingOccurrences(of: "id, voucher_id", with: "voucher_id"))) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            .text(d.voucherID.rawValue), .integer(d.at.unixMilliseconds), .text(d.policyID), .integer(Int64(d.policyVersion)),
            .text(d.policyHash), .text(d.requester), .text(d.outcome), .optional(d.ruleName), .integer(Int64(d.daysGranted)),
            .integer(d.valueExtended), .text(d.currency), .text(d.actor), .integer(d.isOverride ? 1 : 0), .optional(d.reason),
            .text(d.json),
        ])
        return db.lastInsertRowID
    }

    public func decisions(of voucher: VoucherID) throws -> [DecisionRow] {
        try db.query("SELECT \(Self.decisionColumns) FROM decisions WHERE voucher_id = ? ORDER BY id", [.text(voucher.rawValue)], Self.decision)
    }

    public func decision(id: Int64) throws -> DecisionRow? {
        try db.queryOne("SELECT \(Self.decisionColumns) FROM decisions WHERE id = ?", [.integer(id)], Self.decision)
    }

    /// Extensions granted on this voucher so far: how many, and how many days in all.
    public func extensionsGranted(to voucher: VoucherID) throws -> (count: Int, days: Int) {
        try db.queryOne("SELECT count(*), coalesce(sum(days_granted), 0) FROM decisions WHERE voucher_id = ? AND days_granted > 0",
                        [.text(voucher.rawValue)]) { ($0.int(0), $0.int(1)) } ?? (0, 0)
    }

    /// Goodwill granted since an instant (the start of the month): how many grants in every
    /// currency (the count is one budget of extensions), and the balance they covered in
    /// `currency` only (money of different currencies cannot be added). The value is
    /// capped at Int64.max rather than refused: it is a policy fact compared with a budget, for
    /// which "more than any budget" is the right answer, and refusing would stop every extension
    /// (and every redemption that asks for one) in that currency until the month ends. SQLite's
    /// sum() raises "integer overflow" instead; total() adds in floating point, exactly while the
    /// sum stays below 2^53 (nine thousand vouchers at the 10^12 limit), and CAST turns a real past
    /// Int64 into Int64.max (https://sqlite.org/lang_expr.html#castexpr).
    public func goodwillGranted(since: Date, currency: String) throws -> (count: Int, value: Int64) {
        try db.queryOne("""
            SELECT count(*), CAST(total(CASE WHEN currency = ? THEN value_extended END) AS INTEGER) FROM decisions
            WHERE days_granted > 0 AND at >= ?
            """, [.text(currency), .integer(since.unixMilliseconds)]) { ($0.int(0), $0.int64(1)) } ?? (0, 0)
    }

    public func hasOpenCase(holder: HolderID) throws -> Bool {
        try db.scalarInt("SELECT count(*) FROM support_cases WHERE holder_id = ? AND closed_at IS NULL", [.text(holder.rawValue)]) > 0
    }
}
