import Foundation
import Glibc
import Store

/// What the database needs around it: the file, its -wal and -shm beside it
/// (https://sqlite.org/wal.html#files_on_disk), their folder and the disk they are on. SQLite's own
/// words for trouble there ("unable to open database file", "attempt to write a readonly
/// database", "database or disk is full") name no file and no cause; these say which, and what to do.
enum DatabaseFiles {
    /// Why a path that is there is no database file: a folder or a device. SQLite would open one all
    /// the same and write beside it (as root, /dev/null-journal), so it is refused before opening.
    static func notAFile(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let kind: String
        switch info.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: kind = "a folder"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFIFO: kind = "a named pipe"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a regular file"
        }
        let example = kind == "a folder" ? URL(fileURLWithPath: path).appendingPathComponent("goodwill.db").path : "./goodwill.db"
        return "'\(path)' is \(kind), not a database file; nothing was read or changed. Check --db or GOODWILL_DB: give the path of the database file, like \(example)."
    }

    /// Why no command may open a database at `path` yet: a server stopped after its database was
    /// moved or deleted set its log aside as `<path>-wal.orphaned` (`LedgerWriter.explain`), or a
    /// log is there with no database beside it (the server was killed). The log holds answered
    /// writes; a database opened at `path` first would reset or, worse, replay it onto another book.
    static func strandedLog(_ path: String) -> String? {
        let aside = path + "-wal.orphaned", log = path + "-wal"
        if FileManager.default.fileExists(atPath: aside) {
            return "'\(aside)' holds the newest writes of a server that stopped after its database was moved or deleted (its last message said what to do). Put that database back at \(path) and rename the log to \(log); if those writes are not needed, move the log out of this folder. Nothing was read or changed."
        }
        if !FileManager.default.fileExists(atPath: path), size(of: log) > 0 {
            return "'\(log)' is a database log with no database beside it: a server was stopped after its database was moved or deleted. A new database here would reset it and lose the writes in it. Put the database back at \(path); if those writes are not needed, move the log out of this folder. Nothing was read or changed."
        }
        return nil
    }

    /// Why no command may open `path` at all, or nil: not a file (`notAFile`), or a log there that
    /// a database opened now would lose (`strandedLog`).
    static func refusalToOpen(_ path: String) -> String? { notAFile(path) ?? strandedLog(path) }

    /// Why the path a command that reads (or changes what is there) was given holds no database:
    /// not a file, or an empty one (`: > goodwill.db`, a restore that failed), which SQLite would
    /// open as a new database and turn into one.
    static func refusalToRead(_ path: String) -> String? {
        if let refusal = refusalToOpen(path) { return refusal }
        var info = stat()
        guard stat(path, &info) == 0, info.st_size == 0 else { return nil }
        return "'\(path)' is an empty file (0 bytes), not a Goodwill database; nothing was read or changed. If it should hold the ledger (a backup restored into it, say), restore it again; otherwise check --db or GOODWILL_DB ('goodwill init' makes a new database there)."
    }

    /// A write lock over SQLite's lock bytes in the database file, as os_unix.c places them: the
    /// pending byte at 1 GiB, the reserved byte after it, then the 510 shared bytes. Every
    /// connection in WAL mode holds a read lock there while it is open (`NewDatabase.isOpenElsewhere`
    /// asks for it, `DatabaseCompanions` takes it).
    static func lockBytes() -> flock {
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0x4000_0000
        lock.l_len = 512
        return lock
    }

    /// The database file as SQLite names it (a symbolic link followed: the -wal and -shm sit
    /// beside the file it points to) and its folder.
    static func location(_ path: String) -> (file: String, folder: String) {
        var file = URL(fileURLWithPath: path).path
        if let real = realpath(path, nil) {
            file = String(cString: real)
            free(real)
        }
        return (file, URL(fileURLWithPath: file).deletingLastPathComponent().path)
    }

    /// The size of `file`, 0 when it is not there.
    static func size(of file: String) -> Int64 {
        var info = stat()
        return stat(file, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// Why the database's folder cannot hold it: missing, or not a folder.
    static func folderProblem(_ path: String) -> String? {
        let folder = location(path).folder
        var info = stat()
        if stat(folder, &info) != 0 {
            let why = errno == ENOENT ? "does not exist" : "cannot be reached by this user (\(String(cString: strerror(errno))))"
            return "Cannot open the database '\(path)': its folder '\(folder)' \(why). Check --db or GOODWILL_DB, or create the folder."
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            return "Cannot open the database '\(path)': '\(folder)' is a file, not a folder. Check --db or GOODWILL_DB."
        }
        return nil
    }

    /// Of what SQLite writes for the database at `path` (the file, its -wal and -shm when they
    /// exist, and their folder, where it makes and removes them), what this process may not write,
    /// each with why. Asked with the effective user's rights (AT_EACCESS), the ones open(2) uses:
    /// root passes only where the kernel lets root write.
    static func unwritable(_ path: String) -> [String] {
        let (file, folder) = location(path)
        return [file, file + "-wal", file + "-shm", folder].compactMap { candidate in
            guard access(candidate, F_OK) == 0, faccessat(AT_FDCWD, candidate, W_OK, AT_EACCESS) != 0 else { return nil }
            if errno == EROFS { return "'\(candidate)' is on a file system mounted read-only" }
            var info = stat()
            guard stat(candidate, &info) == 0 else { return "'\(candidate)' is not writable by this user (uid \(geteuid()))" }
            return "'\(candidate)' is not writable by this user (uid \(geteuid()); mode 0\(String(info.st_mode & 0o7777, radix: 8)), owner uid \(info.st_uid))"
        }
    }

    /// What to say when SQLite may not write the database: the files in the way, if any is found,
    /// and which files and folder the user running goodwill must be able to write.
    static func cannotWriteMessage(_ path: String, found: [String]) -> String {
        let (file, folder) = location(path)
        // No owner or user can write there: the mount decides, and reading works as it is.
        if isOnReadOnlyMount(file) {
            return "Goodwill cannot write to the database '\(path)': '\(file)' is on a file system mounted read-only."
                + " A command that changes the book needs it mounted read-write (or a copy in a folder you can write); the commands that only read it (verify, show, list, entries, the reports, exports) work as it is."
        }
        return "Goodwill cannot write to the database '\(path)'" + (found.isEmpty ? "." : ": " + found.joined(separator: "; ") + ".")
            + " The user running goodwill must be able to write the database file, its '\(file)-wal' and '\(file)-shm' beside it, and their folder '\(folder)'"
            + " (SQLite makes the -wal and -shm with the database's mode, so a read by another user can leave them unwritable)."
            + " Make that user their owner (chown), or run goodwill as their owner, then run it again."
    }

    /// A message when the database at `path` could never be written by this process, else nil.
    static func cannotWrite(_ path: String) -> String? {
        let found = unwritable(path)
        return found.isEmpty ? nil : cannotWriteMessage(path, found: found)
    }

    /// Bytes free to this user on the disk holding `path`'s folder, and whether a file could be
    /// made there (free inodes); nil when it cannot tell. Root may use the blocks kept for it.
    static func freeSpace(_ path: String) -> (bytes: UInt64, files: Bool)? {
        var fs = statvfs()
        guard statvfs(location(path).folder, &fs) == 0 else { return nil }
        let blocks = geteuid() == 0 ? UInt64(fs.f_bfree) : UInt64(fs.f_bavail)
        return (blocks * UInt64(fs.f_frsize), fs.f_files == 0 || fs.f_favail > 0)
    }

    /// Less than a -shm (32 KiB) and a few pages of WAL: nothing a command writes fits.
    static func isFull(_ path: String) -> Bool {
        guard let free = freeSpace(path) else { return false }
        return free.bytes < 64 * 1024 || !free.files
    }

    /// What a command's failure on a full disk leaves stored. Most commands write in one
    /// transaction; these commit batch by batch.
    static func storedOnFailure(_ command: [String]) -> String {
        switch command {
        case ["import", "vouchers"]: return "nothing was imported"
        case ["expire-sweep"], ["reminders", "run"]: return "the batch it was writing was not stored (those before it are; running it again carries on)"
        default: return "nothing of this command was stored"
        }
    }

    static func diskFullMessage(_ path: String, command: [String], cause: String) -> String {
        let free = freeSpace(path).map { " '\(location(path).folder)' has \($0.bytes / 1024) KB free\($0.files ? "" : " and no room for a new file (no free inodes)")." } ?? ""
        return "The disk holding '\(path)' is full, so \(storedOnFailure(command)): \(cause).\(free) Free space on it and run the command again."
    }

    /// What to tell the operator when SQLite failed for a reason around the database rather than in
    /// it (a full disk, permissions, a missing folder); nil for any other failure.
    static func explain(_ error: DatabaseError, path: String, command: [String]) -> String? {
        switch error.storageFault {
        case .full?:
            return diskFullMessage(path, command: command, cause: "SQLite rolled its transaction back")
        case .inputOutput? where isFull(path):
            // ENOSPC while growing the -shm or -wal reaches us only as "disk I/O error".
            return diskFullMessage(path, command: command, cause: "SQLite could not make room for its -shm or -wal beside the database (it reported a disk I/O error)")
        case .notWritable? where error.isDatabaseMoved:
            return "The database '\(path)' was moved or removed while goodwill had it open, so nothing of this command was stored. Check that the database is at that path, then run it again."
        case .notWritable?:
            return cannotWriteMessage(path, found: unwritable(path)) + " Nothing of this command was stored."
        case .cannotOpen?:
            return cannotOpen(path)
        default:
            return nil
        }
    }

    /// Why SQLite could not open the database at `path` ("unable to open database file"), when it
    /// can be told: the folder, the file's kind, the rights, a full disk.
    static func cannotOpen(_ path: String) -> String? {
        if let problem = folderProblem(path) ?? notAFile(path) { return problem }
        // Unreadable first: a command that only reads needs no more, and one that writes needs it too.
        let file = location(path).file
        if access(file, F_OK) == 0, faccessat(AT_FDCWD, file, R_OK, AT_EACCESS) != 0 {
            return "Cannot open the database '\(path)': '\(file)' is not readable by this user (uid \(geteuid())). Make the user running goodwill its owner, or run goodwill as its owner."
        }
        let found = unwritable(path)
        if !found.isEmpty { return cannotWriteMessage(path, found: found) }
        if isFull(path) {
            return "Cannot open the database '\(path)': the disk holding it is full, so SQLite cannot make its -wal and -shm beside it; nothing was changed. Free space on it and run the command again."
        }
        return nil
    }
}
