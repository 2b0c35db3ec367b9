import Foundation
import Glibc

/// The -wal and -shm beside a database that was there before a command: noted before it runs,
/// tidied after it.
///
/// SQLite's last connection to close removes them, under an exclusive lock on the database file
/// (https://sqlite.org/walformat.html, "Operations that require locks"). A read-only connection
/// cannot take that lock (a write lock needs a descriptor open for writing), so it leaves them,
/// made with the database file's mode: after a read of a 0444 database by its owner they were
/// 0444, and stopped the owner's next write once the file was writable again ("attempt to write
/// a readonly database"). So the command removes those it made as SQLite would, and where it
/// cannot (this user may not write the database file, or another process has it open), leaves
/// them writable by their owner.
struct DatabaseCompanions {
    /// The database file as SQLite names it, when there was one before the command.
    private let file: String?
    /// Of its -wal and -shm, those that were not there before the command.
    private let missing: [String]

    init(path: String?) {
        guard let path, FileManager.default.fileExists(atPath: path) else { file = nil; missing = []; return }
        let file = DatabaseFiles.location(path).file
        self.file = file
        missing = [file + "-wal", file + "-shm"].filter { access($0, F_OK) != 0 }
    }

    /// Call it once the command has returned, when its connections are closed. A -wal or -shm
    /// there before the command is not removed (kept on purpose, it lets others read). Any left
    /// is made writable by its owner, whoever made it: SQLite gives an empty -wal it opens the
    /// database's mode again (os_unix.c, robust_open), so the next read of a 0444 file makes it
    /// 0444 once more.
    func tidy() {
        guard let file else { return }
        let made = missing.filter { access($0, F_OK) == 0 }
        if !made.isEmpty { Self.removeAsLastConnection(file, made) }
        for name in [file + "-wal", file + "-shm"] { Self.letOwnerWrite(name) }
    }

    /// Removes `made` (of the -wal and -shm) as SQLite's last connection does: only while holding the lock
    /// its exclusive lock takes (the pending, reserved and shared bytes at 1 GiB, as os_unix.c
    /// places them), which no other connection can hold beside it (in WAL mode every open
    /// connection holds a shared lock) and which keeps a new one from opening the -wal or -shm
    /// until it is released; and only when the -wal is empty, holding no commit. Nothing is
    /// removed when this user may not open the file for writing, another process has it open, or
    /// the -wal holds something.
    static func removeAsLastConnection(_ file: String, _ made: [String]) {
        let fd = open(file, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return }
        // Closing drops the lock, after the files are gone. No connection of this process is open
        // (closing a descriptor drops every lock the process holds on the file).
        defer { close(fd) }
        var lock = DatabaseFiles.lockBytes()
        guard fcntl(fd, F_SETLK, &lock) == 0, DatabaseFiles.size(of: file + "-wal") == 0 else { return }
        for name in made { unlink(name) }
    }

    /// Adds the owner's write permission to a file this user owns (root: any), so that a writer
    /// running as the owner is not stopped by a -wal or -shm a read left read-only.
    static func letOwnerWrite(_ name: String) {
        var info = stat()
        guard stat(name, &info) == 0, info.st_mode & S_IWUSR == 0, geteuid() == 0 || info.st_uid == geteuid() else { return }
        chmod(name, (info.st_mode & 0o7777) | S_IWUSR)
    }
}
