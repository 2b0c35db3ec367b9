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

    /// A server killed after its database was moved away leaves its log with no database beside
    /// it; a reviewer's next start made a new empty book there, which reset the log and lost 86
    /// answered writes. Every command refuses the path now, and nothing is created or changed.
    @Test func aLogWithNoDatabase_isRefusedByEveryCommand_andKept() throws {
        let cli = CLIRunner()
        let db = cli.folder.appendingPathComponent("left.db").path
        let log = Data("not empty: a log's frames".utf8)
        #expect(FileManager.default.createFile(atPath: db + "-wal", contents: log))
        for args in [["verify"], ["list"], ["issue", "--amount", "5", "--currency", "SEK"], ["init"], ["serve", "--port", "0"]] {
            let r = try cli.run(args + ["--db", db])
            #expect(r.status == 1, "\(args)")
            #expect(r.stderr.contains("'\(db)-wal' is a database log with no database beside it"), "\(args): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: db))
        #expect(FileManager.default.contents(atPath: db + "-wal") == log)
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

    /// A command that may create the database said only "unable to open database file" for a
    /// folder that is not there, and made /dev/null-journal for a device.
    @Test func aCommandThatCreates_saysWhatIsWrongWithTheFolder_orRefusesADevice() throws {
        let cli = CLIRunner()
        let issue = ["issue", "--amount", "5", "--currency", "SEK", "--db"]
        let missing = cli.folder.appendingPathComponent("nowhere").path
        let r = try cli.run(issue + [missing + "/goodwill.db"])
        #expect(r.status == 1 && r.stderr.contains("Error: Cannot open the database '\(missing)/goodwill.db': its folder '\(missing)' does not exist."), "\(r.stderr)")
        let file = cli.folder.appendingPathComponent("notes.txt").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data("notes".utf8)))
        let underFile = try cli.run(issue + [file + "/goodwill.db"])
        #expect(underFile.status == 1 && underFile.stderr.contains("Error: Cannot open the database '\(file)/goodwill.db': '\(file)' is a file, not a folder."), "\(underFile.stderr)")

        let journalBefore = FileManager.default.fileExists(atPath: "/dev/null-journal")
        for args in [issue + ["/dev/null"], ["fixtures", "load", "--db", "/dev/null"], ["serve", "--port", "0", "--db", "/dev/null"]] {
            let device = try cli.run(args)
            #expect(device.status == 1 && device.stderr.contains("Error: '/dev/null' is a character device, not a database file"), "\(args): \(device.stderr)")
        }
        if !journalBefore {
            #expect(!FileManager.default.fileExists(atPath: "/dev/null-journal"))
            try? FileManager.default.removeItem(atPath: "/dev/null-journal")
        }
    }

    /// On a full disk a write said "database or disk is full. Run 'goodwill verify'…", and with no
    /// room left for the -shm, "disk I/O error": it says the disk is full, that nothing of the
    /// command was stored, and to free space and run it again.
    @Test(.enabled(if: Tmpfs.canMount))
    func onAFullDisk_aWriteSaysTheDiskIsFull_andNothingOfItIsStored() throws {
        let cli = CLIRunner()
        let disk = cli.folder.appendingPathComponent("disk").path
        let mount = try Tmpfs(at: disk, size: "3m")
        defer { mount.unmount(); _ = cli }
        let db = disk + "/goodwill.db"
        let code = try cli.issue(["--db", db])
        var csv = "code,value,balance,currency,issued\n"
        for i in 0..<40_000 { csv += String(format: "IMPT-%04d-%04d,500,500,SEK,2025-01-01\n", i / 100, i % 100) }
        let book = cli.folder.appendingPathComponent("book.csv")
        try csv.write(to: book, atomically: true, encoding: .utf8)
        let before = try snapshot(cli, db)

        // 32 KB left: SQLite opens the database but cannot write the transaction (SQLITE_FULL).
        try mount.fill(leaving: 32 * 1024)
        let imported = try cli.run(["import", "vouchers", book.path, "--db", db])
        #expect(imported.status == 1)
        #expect(imported.stderr.contains("The disk holding '\(db)' is full, so nothing was imported"), "\(imported.stderr)")
        let redeemed = try cli.run(["redeem", code, "--amount", "10", "--db", db])
        #expect(redeemed.status == 1)
        #expect(redeemed.stderr.contains("The disk holding '\(db)' is full, so nothing of this command was stored"), "\(redeemed.stderr)")
        #expect(redeemed.stderr.contains("Free space on it and run the command again."), "\(redeemed.stderr)")

        // No room at all: SQLite cannot make the -shm, and reports a disk I/O error.
        try mount.fill(leaving: 0)
        let full = try cli.run(["redeem", code, "--amount", "10", "--db", db])
        #expect(full.status == 1)
        #expect(full.stderr.contains("The disk holding '\(db)' is full"), "\(full.stderr)")
        // A new database there: the empty file SQLite made is removed with the command's failure.
        let created = try cli.run(["issue", "--amount", "5", "--currency", "SEK", "--db", disk + "/new.db"])
        #expect(created.status == 1 && created.stderr.contains("The disk holding '\(disk)/new.db' is full, so nothing of this command was stored"), "\(created.stderr)")
        #expect(try files(in: disk, named: "new.db").isEmpty)
        for r in [imported, redeemed, full, created] { #expect(!r.stderr.contains("goodwill verify"), "\(r.stderr)") }

        mount.emptyFillers()
        #expect(try snapshot(cli, db) == before)
        #expect(try cli.run(["redeem", code, "--amount", "10", "--db", db]).status == 0)
    }

    /// As another user, who may read the database but not write it (its mode 0444, or a -shm left
    /// by root), a write said "attempt to write a readonly database. Run 'goodwill verify'": it
    /// names the file that is in the way, the files and folder that user must be able to write.
    @Test(.enabled(if: Nobody.available))
    func aWriteByAUserWhoCannotWriteTheFiles_namesThemAndWhatToDo() throws {
        let cli = CLIRunner()
        let code = try cli.issue()
        let before = try cli.snapshot()
        chmod(cli.folder.path, 0o777)
        chmod(cli.database, 0o444)
        let r = try Nobody.run(cli, ["redeem", code, "--amount", "10"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("Error: Goodwill cannot write to the database '\(cli.database)': '\(cli.database)' is not writable by this user (uid 65534; mode 0444, owner uid 0)"), "\(r.stderr)")
        #expect(r.stderr.contains("must be able to write the database file, its '\(cli.database)-wal' and '\(cli.database)-shm' beside it, and their folder '\(cli.folder.path)'"), "\(r.stderr)")
        #expect(!r.stderr.contains("goodwill verify"), "\(r.stderr)")

        chmod(cli.database, 0o666)
        for companion in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: cli.database + companion) }
        #expect(FileManager.default.createFile(atPath: cli.database + "-shm", contents: nil, attributes: [.posixPermissions: 0o644]))
        let shm = try Nobody.run(cli, ["redeem", code, "--amount", "10"])
        #expect(shm.status == 1)
        #expect(shm.stderr.contains("'\(cli.database)-shm' is not writable by this user (uid 65534; mode 0644, owner uid 0)"), "\(shm.stderr)")
        #expect(try cli.snapshot() == before)
    }

    /// `serve` on a database it can never write to started, answered /health 503 and every write
    /// 503 "once the disk is checked": it refuses to start, saying why.
    @Test(.enabled(if: Nobody.available))
    func serveOnADatabaseItCannotWrite_refusesToStart() throws {
        let cli = CLIRunner()
        _ = try cli.issue()
        chmod(cli.folder.path, 0o777)
        chmod(cli.database, 0o444)
        let r = try Nobody.run(cli, ["serve", "--port", "0", "--quiet"])
        #expect(r.status == 1 && !r.stdout.contains("Goodwill is serving"), "\(r.stdout)")
        #expect(r.stderr.contains("Error: Goodwill cannot write to the database '\(cli.database)': '\(cli.database)' is not writable by this user (uid 65534; mode 0444, owner uid 0)"), "\(r.stderr)")

        // Its folder, where SQLite makes the -wal and -shm.
        chmod(cli.database, 0o666)
        chmod(cli.folder.path, 0o755)
        let folder = try Nobody.run(cli, ["serve", "--port", "0", "--quiet"])
        #expect(folder.status == 1 && folder.stderr.contains("'\(cli.folder.path)' is not writable by this user (uid 65534; mode 0755, owner uid 0)"), "\(folder.stderr)")
    }
}

/// Runs the built binary as `nobody` (uid 65534), which root can become with setpriv.
enum Nobody {
    static let setpriv = "/usr/bin/setpriv"
    static var available: Bool { geteuid() == 0 && FileManager.default.isExecutableFile(atPath: setpriv) }

    /// A process still running after `timeout` seconds (a server that started) is stopped.
    static func run(_ cli: CLIRunner, _ arguments: [String], timeout: TimeInterval = 20) throws -> CLIResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: setpriv)
        p.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", CLIRunner.binary.path] + arguments
        p.environment = cli.environment
        p.currentDirectoryURL = cli.folder
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(50_000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        return CLIResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}

/// A small tmpfs mounted for one test, to fill up (needs root, and a system that lets it mount).
struct Tmpfs {
    let path: String

    static let canMount: Bool = {
        guard geteuid() == 0 else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("goodwill-tmpfs-\(UUID().uuidString)").path
        guard (try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)) != nil else { return false }
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard mount("tmpfs", probe, "tmpfs", 0, "size=64k") == 0 else { return false }
        umount2(probe, Int32(MNT_DETACH))
        return true
    }()

    init(at path: String, size: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard mount("tmpfs", path, "tmpfs", 0, "size=\(size)") == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EPERM) }
        self.path = path
    }

    func unmount() { umount2(path, Int32(MNT_DETACH)) }

    /// Fills the disk, then frees `leaving` bytes of it.
    func fill(leaving: Int) throws {
        let filler = path + "/filler-\(UUID().uuidString)"
        let fd = open(filler, O_WRONLY | O_CREAT, 0o644)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        let page = [UInt8](repeating: 0, count: 4096)
        while write(fd, page, page.count) > 0 {}
        close(fd)
        if leaving > 0 {
            let size = try FileManager.default.attributesOfItem(atPath: filler)[.size] as? Int ?? 0
            truncate(filler, off_t(max(0, size - leaving)))
        }
    }

    func emptyFillers() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where name.hasPrefix("filler-") {
            try? FileManager.default.removeItem(atPath: path + "/" + name)
        }
    }
}

/// The words for SQLite's errors about the database's surroundings, from constructed errors (the
/// tests above make them for real where they may mount a tmpfs or become another user). The
/// folder is never made: nothing here touches the disk.
@Suite struct DatabaseFilesMessageTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("goodwill-files-\(UUID().uuidString)").path
    var path: String { folder + "/goodwill.db" }

    @Test func aFullDisk_saysWhatOfTheCommandIsStored_andNeverToRunVerify() {
        let full = DatabaseError(extendedCode: 13, message: "database or disk is full")
        let told = [["redeem"], ["import", "vouchers"], ["expire-sweep"]].map { DatabaseFiles.explain(full, path: path, command: $0) ?? "" }
        #expect(told[0].hasPrefix("The disk holding '\(path)' is full, so nothing of this command was stored: SQLite rolled its transaction back."))
        #expect(told[1].hasPrefix("The disk holding '\(path)' is full, so nothing was imported:"))
        #expect(told[2].hasPrefix("The disk holding '\(path)' is full, so the batch it was writing was not stored (those before it are"))
        for message in told { #expect(message.hasSuffix("Free space on it and run the command again.") && !message.contains("verify"), "\(message)") }
    }

    @Test func anIOErrorOnADiskWithRoom_isLeftToTheGeneralMessage() {
        #expect(DatabaseFiles.explain(DatabaseError(extendedCode: 10, message: "disk I/O error"), path: path, command: ["redeem"]) == nil)
    }

    @Test func aReadOnlyDatabase_namesTheFilesAndFolderToWrite() {
        let told = DatabaseFiles.explain(DatabaseError(extendedCode: 8, message: "attempt to write a readonly database"), path: path, command: ["redeem"]) ?? ""
        #expect(told.hasPrefix("Goodwill cannot write to the database '\(path)'"))
        #expect(told.contains("its '\(path)-wal' and '\(path)-shm' beside it, and their folder '\(folder)'"))
        #expect(told.hasSuffix("Nothing of this command was stored.") && !told.contains("verify"))
        let moved = DatabaseFiles.explain(DatabaseError(extendedCode: 1032, message: "attempt to write a readonly database"), path: path, command: ["redeem"])
        #expect(moved?.hasPrefix("The database '\(path)' was moved or removed while goodwill had it open") == true)
    }

    @Test func cannotOpen_saysWhetherTheFolderIsThere() {
        let missing = folder + "/nowhere/goodwill.db"
        let told = DatabaseFiles.explain(DatabaseError(extendedCode: 14, message: "unable to open database file"), path: missing, command: ["issue"])
        #expect(told == "Cannot open the database '\(missing)': its folder '\(folder)/nowhere' does not exist. Check --db or GOODWILL_DB, or create the folder.")
    }
}
