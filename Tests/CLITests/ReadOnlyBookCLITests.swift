import Foundation
import Glibc
import RepositoryFiles
import Store
import Testing

/// A book that may be read but not written: on a read-only mount, in a folder this user cannot
/// write, or a 0444 file. The commands that only read it work there (SQLITE_OPEN_READONLY); where
/// it cannot be read safely they say why and what to do, exit 1, and change nothing.
@Suite struct ReadOnlyBookCLITests {
    /// The files in `folder` whose names start with `name`.
    func files(in folder: String, named name: String = "goodwill.db") throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(name) }.sorted()
    }

    func size(of file: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0 }

    /// A book in its own folder under the runner's: a voucher with a holder, a redemption.
    func book(_ cli: CLIRunner, _ name: String = "book") throws -> (folder: String, db: String, code: String) {
        let folder = cli.folder.appendingPathComponent(name).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let db = folder + "/goodwill.db"
        let code = try cli.issue(["--db", db, "--holder-email", "ann@example.com"])
        #expect(try cli.run(["redeem", code, "--amount", "10", "--db", db]).status == 0)
        return (folder, db, code)
    }

    /// A read by the owner of a 0444 database left 0444 -wal and -shm (SQLite makes them with the
    /// database's mode, and a read-only connection cannot remove them), and the owner's next write,
    /// once the file was writable again, was refused. A read by root leaves none.
    @Test(.enabled(if: Nobody.available))
    func aReadOfA0444Database_leavesNoCompanionThatStopsAWriter() throws {
        let cli = CLIRunner()
        let (folder, db, code) = try book(cli)
        chmod(db, 0o444)
        #expect(try cli.run(["verify", "--db", db]).status == 0)
        #expect(try files(in: folder) == ["goodwill.db"])

        chown(folder, 65534, 65534)
        chown(db, 65534, 65534)
        for args in [["verify"], ["list"]] {
            let r = try Nobody.run(cli, args + ["--db", db])
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        for name in try files(in: folder) where name != "goodwill.db" {
            var info = stat()
            #expect(stat(folder + "/" + name, &info) == 0 && info.st_mode & S_IWUSR != 0, "\(name) mode 0\(String(info.st_mode & 0o777, radix: 8))")
        }
        chmod(db, 0o644)
        let redeem = try Nobody.run(cli, ["redeem", code, "--amount", "10", "--db", db])
        #expect(redeem.status == 0, "\(redeem.stderr)")
    }
}
