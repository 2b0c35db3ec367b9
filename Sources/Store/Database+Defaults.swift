import Foundation

extension Database {
    /// The tables opening a database fills by itself: the migrations' record, and the default
    /// policy and jurisdiction that `system` installs (`Ledger.installDefaults`).
    static let tablesOpeningFills: Set<String> = ["schema_migrations", "policies", "active_policy", "jurisdiction"]

    /// Whether the database holds nothing but what opening it writes: no row in any other table
    /// (whatever tables later migrations add), and no policy or jurisdiction that anyone but
    /// `system` set. A failing command removes a database it created only when this holds, so
    /// nothing that anyone stored there is ever removed with it.
    public func holdsOnlyWhatOpeningWrites() throws -> Bool {
        var tables: [String] = []
        try forEach("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") { tables.append($0.text(0)) }
        for name in tables where !Self.tablesOpeningFills.contains(name) {
            let tableName = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            if try scalarInt("SELECT EXISTS (SELECT 1 FROM \(tableName))") != 0 { return false }
        }
        return try scalarInt("""
            SELECT (SELECT count(*) FROM active_policy WHERE activated_by <> 'system')
                 + (SELECT count(*) FROM jurisdiction WHERE set_by <> 'system')
                 + (SELECT count(*) FROM policies WHERE (id, version) NOT IN (SELECT policy_id, policy_version FROM active_policy))
            """) == 0
    }
}
