import Foundation
import Glibc
import Store

/// How a command that only reads opens the database: read-only (SQLITE_OPEN_READONLY), so that a
/// book on a read-only mount, or one this user may read but not write, can be inspected.
///
/// A database in WAL mode is read with its -wal and -shm beside it, and a read-only connection
/// still needs them: it uses them as they are or creates them, and cannot open the file where
/// neither can be done (https://sqlite.org/wal.html#readonly). SQLite then reads the file only as
/// `immutable`, taking no lock and ignoring any -wal: right only when nobody can change the file
/// while it is read, and when no -wal holds commits that are not in the file yet.
enum ReadOpening: Equatable {
    /// Read-only, with the -wal and -shm that are there or that SQLite may make.
    case readOnly
    /// As an immutable file (see `DatabaseFiles.readOpening`).
    case immutable
    /// It cannot be read safely here: why, and what to do.
    case refused(String)
}

extension DatabaseFiles {
    /// How a command that only reads may open the database at `path` (which exists).
    static func readOpening(_ path: String) -> ReadOpening {
        let (file, folder) = location(path)
        let wal = file + "-wal", shm = file + "-shm"
        let exists = { (name: String) in access(name, F_OK) == 0 }
        // SQLite uses the -wal and -shm that are there and makes the missing ones: the usual case.
        if exists(wal) && exists(shm) || faccessat(AT_FDCWD, folder, W_OK | X_OK, AT_EACCESS) == 0 { return .readOnly }
        // A file in rollback-journal mode (during a large import) needs neither; SQLite deals with
        // its -journal itself.
        guard isInWALMode(file) else { return .readOnly }
        let missing = [wal, shm].filter { !exists($0) }.map { "'\($0)'" }.joined(separator: " and ")
        guard isOnReadOnlyMount(file) else {
            // Anyone who may write the folder (its owner, root) may be writing the file: immutable
            // would read it without the locks that keep a reader from seeing half a commit.
            return .refused("Cannot read '\(path)': it is in WAL mode, so SQLite reads it with '\(wal)' and '\(shm)' beside it, and this user (uid \(geteuid())) may not make \(missing) in '\(folder)'\(modeAndOwner(folder)). Nothing was read or changed. "
                + "Copy the database (and its -wal, if there is one) to a folder you can write and run the command on the copy, or run it as a user who may write '\(folder)'.")
        }
        // A read-only mount: nothing is written to the file through it. Immutable is still wrong
        // when the file has commits outside it (a -wal with frames: reading the file alone would
        // show an older book), a half-written transaction beside it (a -journal), or when another
        // process has it open (it may be writing the same file through another mount).
        if size(of: wal) > 0 {
            return .refused("Cannot read '\(path)' here: its log '\(wal)' holds changes that may not be in the database file yet, and SQLite reads them only with a '\(shm)' beside them, which cannot be made on this file system (it is mounted read-only); the file alone could show an older book. Nothing was read or changed. "
                + "Copy the database and its -wal together to a folder you can write (cp '\(file)' '\(wal)' FOLDER) and run the command on the copy there.")
        }
        if size(of: file + "-journal") > 0 {
            return .refused("Cannot read '\(path)' here: '\(file)-journal' holds a change that was not finished, which SQLite must undo before the file can be read, and it cannot on a file system mounted read-only. Nothing was read or changed. "
                + "Copy the database and its -journal together to a folder you can write and run the command on the copy there.")
        }
        if NewDatabase.isOpenElsewhere(file) {
            return .refused("Cannot read '\(path)' safely: it is on a file system mounted read-only, where SQLite cannot make its -wal and -shm, and another process has it open, which may be changing it through another path. Nothing was read or changed. "
                + "Run the command again once that process has ended, or where the database is written.")
        }
        return .immutable
    }

    /// Whether the file's header says WAL mode (https://sqlite.org/fileformat2.html#the_database_header:
    /// its byte 18 is 2). A file that cannot be read counts as WAL, the mode Goodwill keeps.
    static func isInWALMode(_ file: String) -> Bool {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 20)
        guard pread(fd, &header, 20, 0) == 20 else { return true }
        return header[18] == 2
    }

    /// Whether the file system holding `file` is mounted read-only (statvfs ST_RDONLY).
    static func isOnReadOnlyMount(_ file: String) -> Bool {
        var fs = statvfs()
        return statvfs(file, &fs) == 0 && fs.f_flag & UInt(ST_RDONLY) != 0
    }

    /// " (mode 0555, owner uid 0)", or nothing when it cannot be told.
    static func modeAndOwner(_ name: String) -> String {
        var info = stat()
        guard stat(name, &info) == 0 else { return "" }
        return " (mode 0\(String(info.st_mode & 0o7777, radix: 8)), owner uid \(info.st_uid))"
    }

    /// Why a command that only reads does not open an older book: opened read-only, it cannot be
    /// brought up to date, and where it cannot be written it is not opened read-write to do it.
    static func olderSchemaMessage(_ path: String, found: Int, reasons: [String]) -> String {
        let file = location(path).file
        // On a read-only mount the file and its folder say the same; once is enough.
        let reasons = isOnReadOnlyMount(file) ? ["'\(file)' is on a file system mounted read-only"] : reasons
        return "'\(path)' was written by an older Goodwill (schema \(found); this one knows \(Schema.newestVersion)), and it cannot be brought up to date here"
            + (reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")) + ". Nothing was read or changed. "
            + "Read it with the goodwill that wrote it, or copy the database (and its -wal, if there is one) to a folder you can write and run the command on the copy, which brings the copy up to date."
    }
}
