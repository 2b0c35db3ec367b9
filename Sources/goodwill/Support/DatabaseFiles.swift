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

    /// Why the path a command that reads (or changes what is there) was given holds no database:
    /// not a file, or an empty one (`: > goodwill.db`, a restore that failed), which SQLite would
    /// open as a new database and turn into one.
    static func refusalToRead(_ path: String) -> String? {
        if let notAFile = notAFile(path) { return notAFile }
        var info = stat()
        guard stat(path, &info) == 0, info.st_size == 0 else { return nil }
        return "'\(path)' is an empty file (0 bytes), not a Goodwill database; nothing was read or changed. If it should hold the ledger (a backup restored into it, say), restore it again; otherwise check --db or GOODWILL_DB ('goodwill init' makes a new database there)."
    }
}
