import Foundation
import Glibc
import Store
import Testing
@testable import goodwill

/// What the CLI says when the database's surroundings are wrong (the file, its -wal and -shm, their
/// folder, the disk): what is wrong and what to do, exit 1, and nothing stored changed.
@Suite struct DatabaseSurroundingsCLITests {
    /// The files in `folder` whose names start with `name`.
    func files(in folder: String, named name: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(name) }.sorted()
    }

    /// A fingerprint of what the database at `db` holds.
    func snapshot(_ cli: CLIRunner, _ db: String) throws -> String {
        try cli.run(["list", "--json", "--limit", "1000", "--db", db]).stdout + cli.run(["verify", "--json", "--db", db]).stdout
    }

    /// `: > empty.db` (a restore that failed) passed `verify` and became a 200 KB database; a folder
    /// or a device reached SQLite, which wrote /dev/null-journal beside /dev/null.
    @Test func aReadCommand_refusesAnEmptyFile_aFolder_orADevice_andChangesNothing() throws {
        let cli = CLIRunner()
        let empty = cli.folder.appendingPathComponent("empty.db").path
        #expect(FileManager.default.createFile(atPath: empty, contents: nil))
        let code = "0760-Y29A-3DH0-MHER-A"
        for args in [["verify"], ["show", code], ["list"], ["report", "liability"], ["redeem", code, "--amount", "1"]] {
            let r = try cli.run(args + ["--db", empty])
            #expect(r.status == 1 && r.stdout.isEmpty, "\(args): \(r.stdout)")
            #expect(r.stderr.contains("Error: '\(empty)' is an empty file (0 bytes), not a Goodwill database"), "\(args): \(r.stderr)")
        }
        #expect(try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int == 0)
        #expect(try files(in: cli.folder.path, named: "empty.db") == ["empty.db"])

        let folder = cli.folder.appendingPathComponent("data").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let r = try cli.run(["verify", "--db", folder])
        #expect(r.status == 1 && r.stderr.contains("Error: '\(folder)' is a folder, not a database file"), "\(r.stderr)")
        #expect(try files(in: cli.folder.path, named: "data") == ["data"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)

        let journalBefore = FileManager.default.fileExists(atPath: "/dev/null-journal")
        let device = try cli.run(["verify", "--db", "/dev/null"])
        #expect(device.status == 1 && device.stderr.contains("Error: '/dev/null' is a character device, not a database file"), "\(device.stderr)")
        if !journalBefore {
            #expect(!FileManager.default.fileExists(atPath: "/dev/null-journal"))
            try? FileManager.default.removeItem(atPath: "/dev/null-journal")
        }
    }
}
