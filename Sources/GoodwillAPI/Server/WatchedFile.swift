import Glibc

/// A file the server writes through SQLite (the database, its WAL, its -shm), held open from the start so
/// that it can tell when its path no longer leads to it. SQLite goes on writing to the file it
/// opened whatever happens to the name: a database moved away keeps taking answered writes whose
/// log then stays behind under the old name (SQLite does not checkpoint a moved database when it
/// closes), and a deleted one or a deleted WAL takes them with it when the process ends.
/// The descriptor also keeps a deleted file's data reachable, at `/proc/<pid>/fd/<fd>`.
struct WatchedFile: Sendable {
    enum Change: Equatable {
        /// The file has no name left: deleted.
        case deleted
        /// Nothing at the path any more, but the file still has a name elsewhere.
        case moved
        /// The path leads to another file.
        case replaced
    }

    let path: String
    let descriptor: Int32
    private let device: UInt64
    private let inode: UInt64

    /// Nil when the file cannot be opened or examined now (nothing to watch).
    init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0 else { Glibc.close(fd); return nil }
        self.path = path
        descriptor = fd
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    func close() { _ = Glibc.close(descriptor) }

    /// What happened to the file since it was opened, or nil while `path` still leads to it.
    /// An error other than "no such file" on the path (a folder made unreadable) says nothing.
    func change() -> Change? {
        var own = stat()
        guard fstat(descriptor, &own) == 0 else { return nil }
        if own.st_nlink == 0 { return .deleted }
        var named = stat()
        guard stat(path, &named) == 0 else { return errno == ENOENT ? .moved : nil }
        return UInt64(named.st_dev) == device && UInt64(named.st_ino) == inode ? nil : .replaced
    }
}

/// The three files of the server's database, as SQLite opened them (`Database.databaseFilePath`,
/// `walFilePath`, the -shm beside the file), watched together by `LedgerWriter.checkFiles`.
struct WatchedFiles: Sendable {
    struct Changes { var database, log, index: WatchedFile.Change? }

    let database: WatchedFile
    /// Nil when the file could not be opened when the server started.
    let log, index: WatchedFile?
    /// The WAL's name, watched or not: the advice names it.
    let logPath: String

    /// Nil for a database in memory, or one that cannot be opened again.
    init?(databasePath: String?, logPath: String?) {
        guard let databasePath, let database = WatchedFile(path: databasePath) else { return nil }
        self.database = database
        self.logPath = logPath ?? databasePath + "-wal"
        log = WatchedFile(path: self.logPath)
        index = WatchedFile(path: databasePath + "-shm")
    }

    /// What changed since they were opened, or nil while every path still leads to its file.
    func changes() -> Changes? {
        let found = Changes(database: database.change(), log: log?.change(), index: index?.change())
        return found.database == nil && found.log == nil && found.index == nil ? nil : found
    }

    func close() {
        database.close(); log?.close(); index?.close()
    }
}
