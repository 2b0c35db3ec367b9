import Foundation

/// The database files a command may create, noted before it runs. Opening a path with no database
/// creates one (init, issue, import, keys create, policy activate, policy jurisdiction CODE,
/// fixtures load, serve); if the command then fails, the new file would stay behind, and `verify`
/// or `report reconciliation` on that mistyped path would pass on an empty database. So a command
/// that fails removes the files it created, and only those: a file that was there before is
/// never touched.
struct NewDatabase {
    /// The database path and its companions, each noted only if it did not exist before the command.
    private let created: [String]

    /// `path` nil (no usable path): nothing to note.
    init(path: String?) {
        guard let path, !FileManager.default.fileExists(atPath: path) else { created = []; return }
        // The log files first, so that no write-ahead log is ever left without its database: a
        // database created later at the path would replay it.
        created = [path + "-wal", path + "-journal", path + "-shm", path].filter { !FileManager.default.fileExists(atPath: $0) }
    }

    /// Removes what the command created. Call it once the command has returned, when the
    /// connections it opened are closed.
    func removeCreated() {
        for file in created where FileManager.default.fileExists(atPath: file) {
            try? FileManager.default.removeItem(atPath: file)
        }
    }
}
