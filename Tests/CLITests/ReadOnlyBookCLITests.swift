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

    /// Every command that only reads, on the book at `db`.
    func readCommands(_ code: String) -> [[String]] {
        let policy = Repository.file("Policies/strict.json").path
        return [["verify"], ["show", code], ["list"], ["entries", code], ["report", "liability"], ["report", "reconciliation"],
                ["report", "rollforward", "--from", "2025-01-01", "--to", "2025-03-31"], ["holder", "show", "ann@example.com"],
                ["holder", "search", "ann"], ["export", "entries"], ["export", "vouchers"], ["policy", "list"], ["policy", "explain", code],
                ["policy", "validate", policy], ["policy", "simulate", policy], ["policy", "jurisdiction"], ["keys", "list"],
                ["reminders", "list"], ["reminders", "preview", code], ["reminders", "gift-notice", code], ["reminders", "run", "--dry-run"]]
    }

    /// A finance user inspecting a backup on a read-only mount was refused by every command, with
    /// a chown hint that cannot help there: the commands that only read work (`verify` runs its
    /// quick_check too), and one that writes says the mount is read-only, without the hint.
    @Test(.enabled(if: Tmpfs.canMount))
    func readCommands_onAReadOnlyMount_work_andAWriteSaysTheMountIsReadOnly() throws {
        let cli = CLIRunner()
        let (folder, _, code) = try book(cli)
        let mount = try ReadOnlyMount(of: folder, at: cli.folder.appendingPathComponent("backup").path)
        defer { mount.unmount() }
        let db = mount.path + "/goodwill.db"
        for args in readCommands(code) {
            let r = try cli.run(args + ["--db", db])
            #expect(r.status == 0 && !r.stderr.contains("Error"), "\(args): \(r.stderr)")
        }
        let verify = try cli.run(["verify", "--db", db])
        #expect(verify.stdout.hasPrefix("OK: 1 voucher and 2 entries verified"), "\(verify.stdout)")

        let redeem = try cli.run(["redeem", code, "--amount", "10", "--db", db])
        #expect(redeem.status == 1)
        #expect(redeem.stderr.contains("Error: Goodwill cannot write to the database '\(db)': '\(db)' is on a file system mounted read-only. A command that changes the book needs it mounted read-write"), "\(redeem.stderr)")
        #expect(!redeem.stderr.contains("chown"), "\(redeem.stderr)")
        #expect(try files(in: mount.path) == ["goodwill.db"])
        #expect(try cli.run(["show", code, "--db", db]).stdout.contains("490.00 SEK"))
    }

    /// A copy taken while a writer had the book open has commits in its -wal. With the -shm beside
    /// it they are read; without one (none can be made on a read-only mount) the file alone would
    /// show an older book, so the command refuses, saying to copy the file and its -wal.
    @Test(.enabled(if: Tmpfs.canMount))
    func onAReadOnlyMount_aLogWithCommits_isReadWithItsShm_andRefusedWithout() throws {
        let cli = CLIRunner()
        let (_, live, code) = try book(cli)
        let holder = try Database(path: live)  // keeps the redemption below in the -wal
        #expect(try cli.run(["redeem", code, "--amount", "100", "--db", live]).status == 0)
        #expect(size(of: live + "-wal") > 0)
        let fm = FileManager.default
        var mounts: [ReadOnlyMount] = []
        defer { for m in mounts { m.unmount() } }
        for (name, companions) in [("with-shm", ["-wal", "-shm"]), ("without-shm", ["-wal"])] {
            let copy = cli.folder.appendingPathComponent(name).path
            try fm.createDirectory(atPath: copy, withIntermediateDirectories: false)
            for suffix in [""] + companions { try fm.copyItem(atPath: live + suffix, toPath: copy + "/goodwill.db" + suffix) }
            mounts.append(try ReadOnlyMount(of: copy, at: copy + "-ro"))
        }
        _ = holder

        let shown = try cli.run(["show", code, "--db", mounts[0].path + "/goodwill.db"])
        #expect(shown.status == 0 && shown.stdout.contains("390.00 SEK"), "\(shown.stdout)\(shown.stderr)")
        let db = mounts[1].path + "/goodwill.db"
        for args in [["verify"], ["show", code]] {
            let r = try cli.run(args + ["--db", db])
            #expect(r.status == 1 && r.stdout.isEmpty, "\(args): \(r.stdout)")
            #expect(r.stderr.contains("Error: Cannot read '\(db)' here: its log '\(db)-wal' holds changes that may not be in the database file yet"), "\(r.stderr)")
            #expect(r.stderr.contains("Copy the database and its -wal together to a folder you can write"), "\(r.stderr)")
        }
    }

    /// Opened read-only, an older book cannot be brought up to date (the migrations write). Where
    /// it can be written, a read brings it up to date, as the first command of a newer goodwill
    /// always has; on a read-only mount the command says why it cannot, and what to do.
    @Test(.enabled(if: Tmpfs.canMount))
    func anOlderBook_isBroughtUpToDateWhereItCanBeWritten_andOnAReadOnlyMountTheReadSaysWhyNot() throws {
        let cli = CLIRunner()
        let (folder, db, _) = try book(cli)
        let older = Schema.newestVersion - 1
        try Database(path: db).execute("PRAGMA user_version = \(older)")
        let mount = try ReadOnlyMount(of: folder, at: cli.folder.appendingPathComponent("backup").path)
        defer { mount.unmount() }
        let onMount = mount.path + "/goodwill.db"
        let r = try cli.run(["verify", "--db", onMount])
        #expect(r.status == 1 && r.stdout.isEmpty)
        #expect(r.stderr.contains("Error: '\(onMount)' was written by an older Goodwill (schema \(older); this one knows \(Schema.newestVersion)), and it cannot be brought up to date here: '\(onMount)' is on a file system mounted read-only. Nothing was read or changed."), "\(r.stderr)")
        #expect(r.stderr.contains("copy the database (and its -wal, if there is one) to a folder you can write"), "\(r.stderr)")
        // Asked read-write: a read-only connection would leave a -wal and -shm behind.
        #expect(try Database(path: db).scalarInt("PRAGMA user_version") == Int64(older))

        mount.unmount()
        let writable = try cli.run(["verify", "--db", db])
        #expect(writable.status == 0, "\(writable.stderr)")
        #expect(try Database(path: db).scalarInt("PRAGMA user_version") == Int64(Schema.newestVersion))
        #expect(try files(in: folder) == ["goodwill.db"])
    }

    /// In a folder this user may not write (0555, root's), SQLite can make no -wal or -shm, and the
    /// file can be changed by whoever may (so it is not read as immutable): the command says why
    /// and what to do, with no chown hint. Once they are there (a writer has the book open), it reads.
    @Test(.enabled(if: Nobody.available))
    func aReadInAFolderThisUserCannotWrite_saysWhy_andReadsOnceTheLogIsThere() throws {
        let cli = CLIRunner()
        let (folder, db, code) = try book(cli)
        chmod(folder, 0o555)
        let r = try Nobody.run(cli, ["verify", "--db", db])
        #expect(r.status == 1 && r.stdout.isEmpty)
        #expect(r.stderr.contains("Error: Cannot read '\(db)': it is in WAL mode, so SQLite reads it with '\(db)-wal' and '\(db)-shm' beside it, and this user (uid 65534) may not make '\(db)-wal' and '\(db)-shm' in '\(folder)' (mode 0555, owner uid 0). Nothing was read or changed."), "\(r.stderr)")
        #expect(r.stderr.contains("Copy the database (and its -wal, if there is one) to a folder you can write"), "\(r.stderr)")
        #expect(!r.stderr.contains("chown"), "\(r.stderr)")
        #expect(try files(in: folder) == ["goodwill.db"])

        let writer = try Database(path: db)
        #expect(try writer.scalarInt("SELECT count(*) FROM vouchers") == 1)
        let shown = try Nobody.run(cli, ["show", code, "--db", db])
        #expect(shown.status == 0 && shown.stdout.contains("490.00 SEK"), "\(shown.stderr)")
    }

    /// A book this user may not even read was reported as one it may not write, with a chown hint
    /// about the -wal and -shm: a read says the file is not readable.
    @Test(.enabled(if: Nobody.available))
    func aReadOfAFileThisUserCannotRead_saysSo() throws {
        let cli = CLIRunner()
        let (folder, db, _) = try book(cli)
        chmod(folder, 0o777)
        chmod(db, 0o600)
        let r = try Nobody.run(cli, ["verify", "--db", db])
        #expect(r.status == 1 && r.stdout.isEmpty)
        #expect(r.stderr.contains("Error: Cannot open the database '\(db)': '\(db)' is not readable by this user (uid 65534)."), "\(r.stderr)")
        #expect(!r.stderr.contains("cannot write"), "\(r.stderr)")
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

    /// `init` on an empty file (`: > goodwill.db`) made a new database there and said the one
    /// there "is ready".
    @Test func initOnAnEmptyFile_saysItCreatedADatabase() throws {
        let cli = CLIRunner()
        #expect(FileManager.default.createFile(atPath: cli.database, contents: nil))
        let r = try cli.run(["init"])
        #expect(r.status == 0 && r.stdout == "Created a Goodwill database at \(cli.database).\n", "\(r.stdout)")
        #expect(try cli.run(["init", "--json"]).stdout.contains("\"created\" : \"false\""))
        let other = cli.folder.appendingPathComponent("other.db").path
        #expect(FileManager.default.createFile(atPath: other, contents: nil))
        #expect(try cli.run(["init", "--json", "--db", other]).stdout.contains("\"created\" : \"true\""))
    }
}

/// A read-only bind mount of a folder, for one test (needs root, as `Tmpfs`).
struct ReadOnlyMount {
    let path: String

    init(of source: String, at path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard mount(source, path, nil, UInt(MS_BIND), nil) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EPERM) }
        guard mount(nil, path, nil, UInt(MS_BIND | MS_REMOUNT | MS_RDONLY), nil) == 0 else {
            let error = errno
            umount2(path, Int32(MNT_DETACH))
            throw POSIXError(POSIXErrorCode(rawValue: error) ?? .EPERM)
        }
        self.path = path
    }

    func unmount() { umount2(path, Int32(MNT_DETACH)) }
}
