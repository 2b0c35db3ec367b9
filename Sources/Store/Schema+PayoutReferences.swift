import Foundation

/// Migration 10: a payout reference is looked up before a close takes it.
extension Schema {
    /// A close refuses a payout reference an earlier close was given (`SupportService.close`), in
    /// any letter case. An index, not a unique one: a book may already hold a reference twice from
    /// before the rule, and must still open; the check in the close's transaction keeps new ones
    /// single (one writer at a time, `BEGIN IMMEDIATE`).
    static let payoutReferenceMigration = Migration(version: 10, name: "payout references are looked up", sql: """
        CREATE INDEX holder_closures_payout_reference ON holder_closures(payout_reference COLLATE NOCASE)
            WHERE payout_reference IS NOT NULL;
        """)
}
