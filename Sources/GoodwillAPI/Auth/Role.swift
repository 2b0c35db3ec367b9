/// What a key may do. The table is the issue's: admin everything; issuer issues and reads
/// vouchers; redeemer redeems, reverses its own redemptions and reads a voucher by code;
/// support reads everything, extends, blocks and unblocks; auditor reads everything, changes nothing.
public enum Role: String, Sendable, Codable, CaseIterable {
    case admin, issuer, redeemer, support, auditor

    public func allows(_ permission: Permission) -> Bool {
        Self.table[permission, default: []].contains(self)
    }

    static let table: [Permission: Set<Role>] = [
        .issue: [.admin, .issuer],
        .readVoucher: [.admin, .issuer, .redeemer, .support, .auditor],
        .readVouchers: [.admin, .issuer, .support, .auditor],
        .readAll: [.admin, .support, .auditor],
        .redeem: [.admin, .redeemer],
        .reverse: [.admin, .redeemer],
        .void: [.admin],
        .block: [.admin, .support],
        .adjust: [.admin],
        .refund: [.admin],
        .extend: [.admin, .support],
        .analysePolicy: [.admin, .support, .auditor],
        .activatePolicy: [.admin],
        .retryReminder: [.admin, .support],
        .writeNotes: [.admin, .support],
        // Closing can refund, and refunds are the admin's.
        .closeHolder: [.admin],
        .readReports: [.admin, .auditor],
    ]
}

/// One thing a route needs. Routes name exactly one; `Role.allows` decides.
public enum Permission: String, Sendable, CaseIterable {
    /// POST /v1/vouchers
    case issue
    /// GET one voucher (a redeemer only by code)
    case readVoucher
    /// list vouchers, entries
    case readVouchers
    /// holders, reminders, goodwill dry runs, policies
    case readAll
    case redeem
    /// a redeemer only its own redemptions
    case reverse
    case void
    /// block and unblock
    case block
    case adjust
    case refund
    case extend
    /// validate and simulate a policy (changes nothing)
    case analysePolicy
    case activatePolicy
    case retryReminder
    /// support notes and cases on a holder
    case writeNotes
    /// POST /v1/holders/{id}/close
    case closeHolder
    /// GET /v1/reports/{name}, GET /v1/reports/rollforward
    case readReports
}
