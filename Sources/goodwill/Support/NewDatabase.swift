import Foundation
import Glibc
import Store

/// The database files a command may create, noted before it runs. Opening a path with no database
/// creates one (init, issue, import, keys create, policy activate, policy jurisdiction CODE,
/// fixtures load, serve); if the command then fails, the new file would stay behind, and `verify`
/// or `report reconciliation` on that mistyped path would pass on an empty database. So a command
/// that fails removes the files it created, and only those: a file that was there before is
/// never touched.
struct NewDatabase {
    /// The database path and its companions, each noted only if it did not exist before the command.
    private let created: [String]

    /// The database's path, when it did not exist before the command.
    private let path: String?

    /// `path` nil (no usable path): nothing to note.
    init(path: String?) {
        guard let path, !FileManager.default.fileExists(atPath: path) else { created = []; self.path = nil; return }
        self.path = path
        // The log files first, so that no write-ahead log is ever left without its database: a
        // database created later at the path would replay it.
        created = [path + "-wal", path + "-journal", path + "-shm", path].filter { !FileManager.default.fileExists(atPath: $0) }
    }

    /// Removes what the command created. Call it once the command has returned, when the
    /// connections it opened are closed.
    ///
    /// Another process may have used the new database meanwhile: a `serve` started on the same new
    /// path a moment after this command still has it open (removing it would leave that server
    /// writing into a file no path names), or a `keys create` stored a key there and ended. So
    /// nothing is removed while another process has the database open, nor when it holds anything
    /// but what opening it writes (or cannot be read to tell).
    func removeCreated() {
        if let path {
            if Self.isOpenElsewhere(path) { return }
            if FileManager.default.fileExists(atPath: path) {
                // Empty, with no log beside it, it holds nothing (made on a full disk, where SQLite
                // could not even be opened to tell).
                let empty = [path, path + "-wal"].allSatisfy { DatabaseFiles.size(of: $0) == 0 }
                let untouched = empty || ((try? Database(path: path, options: .init(readOnly: true)).holdsOnlyWhatOpeningWrites()) ?? false)
                if !untouched { return }
            }
        }
        for file in created where FileManager.default.fileExists(atPath: file) {
            try? FileManager.default.removeItem(atPath: file)
        }
    }

    /// Whether another process has the SQLite database at `path` open. A connection holds a read
    /// lock on the database file's lock bytes from its first read on, for as long as it is open in
    /// WAL mode (pager.c keeps the SHARED lock between transactions in WAL mode); `F_GETLK` reports
    /// any lock another process holds there (this process's own are not reported, and the
    /// command's connections are closed by now). When it cannot tell, it answers yes, so
    /// nothing is removed.
    static func isOpenElsewhere(_ path: String) -> Bool { openingProcess(path) != nil }

    /// The process that has the database at `path` open, as `isOpenElsewhere` tells it: nil when
    /// none, `.some(nil)` when one may have (it could not be told, or the lock holds no process ID).
    static func openingProcess(_ path: String) -> pid_t?? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return errno == ENOENT ? nil : .some(nil) }
        defer { close(fd) }
        var lock = DatabaseFiles.lockBytes()
        guard fcntl(fd, F_GETLK, &lock) == 0 else { return .some(nil) }
        guard lock.l_type != Int16(F_UNLCK) else { return nil }
        return .some(lock.l_pid > 0 ? lock.l_pid : nil)
    }
}
