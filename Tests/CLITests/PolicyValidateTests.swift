import Foundation
import Testing

/// `policy validate` checks the file and, where there is a database, what `policy activate` would
/// do there; without one it says it did not check, rather than implying activation will succeed.
@Suite struct PolicyValidateTests {
    static func write(_ cli: CLIRunner, days: Int) throws -> String {
        let path = cli.folder.appendingPathComponent("tight.json").path
        try Data("""
            {"id": "tight", "version": 1, "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 120, "monthly_goodwill_budget": {"SEK": 100000}},
             "rules": [{"name": "late", "conditions": [{"fact": "days_since_expiry", "min": 1}], "outcome": {"kind": "grant", "days": \(days)}}]}
            """.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func withoutADatabase_validateSaysItDidNotCheckStoredVersions() throws {
        let cli = CLIRunner()
        let path = try Self.write(cli, days: 30)
        let r = try cli.run(["policy", "validate", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "\(path): policy tight v1 is valid (1 rules, hash \(try Self.hash(cli, path))…).\nNot checked against stored versions: there is no database at \(cli.database). 'goodwill policy activate' refuses an id and version stored there with other content; give --db to check.\n")
        #expect(!FileManager.default.fileExists(atPath: cli.database), "validate created a database")
        let json = try cli.json(["policy", "validate", path])
        #expect(json["valid"] as? String == "true" && json["database"] == nil && json["stored"] == nil)
    }

    @Test func withADatabase_validateSaysWhatActivateWouldDo_andRefusesWhatItWouldRefuse() throws {
        let cli = CLIRunner()
        let path = try Self.write(cli, days: 30)
        #expect(try cli.run(["policy", "activate", path]).status == 0)
        let same = try cli.run(["policy", "validate", path])
        #expect(same.status == 0 && same.stdout.hasSuffix("It is the active policy in \(cli.database) already.\n"), "\(same.stdout)")
        let json = try cli.json(["policy", "validate", path])
        #expect(json["database"] as? String == cli.database && json["stored"] as? String == "true" && json["active"] as? String == "true")

        _ = try Self.write(cli, days: 60)
        let before = try cli.snapshot()
        let changed = try cli.run(["policy", "validate", path])
        #expect(changed.status == 1)
        #expect(changed.stdout.isEmpty)
        #expect(changed.stderr.contains("tight.json: policy tight version 1 is already stored with different content, and a version must keep its meaning, so it cannot be activated. Give the changed policy a new version number: 2 (the highest stored is 1)."), "\(changed.stderr)")
        #expect(try cli.snapshot() == before)

        let elsewhere = cli.folder.appendingPathComponent("other.db").path
        let fresh = try cli.run(["policy", "validate", path, "--db", elsewhere])
        #expect(fresh.status == 0 && fresh.stdout.contains("there is no database at \(elsewhere)"), "\(fresh.stdout)")
    }

    @Test func aNewVersion_isNamedAsNotYetStored() throws {
        let cli = CLIRunner()
        #expect(try cli.run(["init"]).status == 0)
        let path = try Self.write(cli, days: 30)
        let r = try cli.run(["policy", "validate", path])
        #expect(r.status == 0 && r.stdout.hasSuffix("Not stored in \(cli.database) yet: 'goodwill policy activate' stores it and makes it the active policy.\n"), "\(r.stdout)")
    }

    static func hash(_ cli: CLIRunner, _ path: String) throws -> String {
        String(((try cli.json(["policy", "validate", path]))["hash"] as? String ?? "").prefix(12))
    }
}
