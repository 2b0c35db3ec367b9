import CSQLite
import Glibc
import SQLiteWALBuffer
import Synchronization

/// How many frames the write-ahead log holds after a connection's last commit, kept by SQLite's
/// WAL hook (https://sqlite.org/c3ref/wal_hook.html). Read and written only on the thread that
/// uses the connection.
public final class WALFrameCounter: @unchecked Sendable {
    public internal(set) var frames: Int32 = 0
    init() {}
}

extension Database {
    /// Starts counting the WAL's frames after each commit on this connection. Installing the hook
    /// replaces SQLite's automatic checkpoint, which uses the same hook: whoever calls this
    /// checkpoints (see `restartWAL`).
    public func countWALFrames() -> WALFrameCounter {
        let counter = WALFrameCounter()
        walCounter = counter
        sqlite3_wal_hook(handle, { context, _, _, frames in
            if let context { Unmanaged<WALFrameCounter>.fromOpaque(context).takeUnretainedValue().frames = frames }
            return SQLITE_OK
        }, Unmanaged.passUnretained(counter).toOpaque())
        return counter
    }

    /// Copies the whole WAL into the database file and, once no reader still reads from the WAL,
    /// lets the next commit write it again from the start (https://sqlite.org/pragma.html#pragma_wal_checkpoint,
    /// RESTART). Without this a busy server's WAL grows without end: a PASSIVE checkpoint on another
    /// connection never catches a writer that keeps appending, and SQLite only starts the log over
    /// when everything in it has been copied. Waits at most `waitMilliseconds` for readers (a long
    /// report must not stall every write); returns false when it has to be tried again later.
    @discardableResult
    public func restartWAL(waitMilliseconds: Int32) throws -> Bool {
        sqlite3_busy_timeout(handle, waitMilliseconds)
        defer { sqlite3_busy_timeout(handle, busyTimeoutMilliseconds) }
        guard let row = try queryOne("PRAGMA wal_checkpoint(RESTART)", [], { ($0.int64(0), $0.int64(1), $0.int64(2)) }) else { return false }
        let done = row.0 == 0
        if done { walCounter?.frames = 0 }
        return done
    }
}

extension Database {
    /// Asks the kernel to start writing the database file's dirty pages and returns without
    /// waiting (`goodwill_start_writeback`, Linux sync_file_range). The pages a checkpoint copies
    /// into the file stay dirty in memory until something syncs it, and SQLite syncs it only at the
    /// end of a checkpoint that copied the whole log: the writer's restart (`restartWAL`), which
    /// then waited for every page copied since the restart before. That grew with the database, as
    /// fewer of those pages were the same ones again: 1–10 ms per restart on a fresh file, 40–58 ms
    /// once it held 250 MB (6 Dec). Started after each checkpoint, the restart's fsync finds little
    /// left to write. Durability is unchanged: no page of the file counts until that fsync, and the
    /// WAL keeps every frame until then (the kernel may write dirty pages back at any time anyway).
    /// Returns 0 or an errno value.
    @discardableResult
    public func startWritebackOfDatabaseFile() -> Int32 {
        let fd = Self.writebackDescriptor(path)
        guard fd >= 0 else { return -fd }
        return goodwill_start_writeback(fd)
    }

    /// One read-only descriptor per database path, opened on first use and never closed: closing
    /// any descriptor of a file drops every POSIX lock this process holds on it, SQLite's own
    /// included (https://sqlite.org/howtocorrupt.html, section 2.2), and another process could then
    /// take the database for unused and delete its WAL. A negative value is the errno of a failed
    /// open (tried again next time). A file replaced at the same path while the process runs keeps
    /// the old descriptor: the kernel then writes its pages back on its own schedule, as before.
    static func writebackDescriptor(_ path: String) -> Int32 {
        writebackDescriptors.withLock { open in
            if let fd = open[path] { return fd }
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return -errno }
            open[path] = fd
            return fd
        }
    }

    private static let writebackDescriptors = Mutex<[String: Int32]>([:])
}

extension Database {
    /// Runs `body` with a rollback journal instead of the WAL when this is the only connection to
    /// the file, then returns to WAL. For one very large transaction (an import of a million rows)
    /// the WAL writes every new page twice: into the log, then again into the database when it is
    /// checkpointed. A rollback journal keeps only the original content of pages that already
    /// existed; pages the transaction appends are written once, straight into the database
    /// (https://sqlite.org/atomiccommit.html, https://sqlite.org/wal.html#the_wal_file).
    /// A crash in the middle leaves a hot journal that SQLite rolls back on the next open, which then
    /// turns WAL on again (`configure`). Synchronous is FULL while the rollback journal is in use: in
    /// that mode NORMAL may lose more than the last commit on a power cut
    /// (https://sqlite.org/pragma.html#pragma_synchronous).
    /// When other connections have the file open SQLite refuses to leave WAL; `body` then runs in
    /// WAL as always. Returns what `body` returned and whether the rollback journal was used.
    public func withRollbackJournal<T>(_ body: () throws -> T) throws -> (value: T, rollbackJournal: Bool) {
        guard !isReadOnly, try scalarText("PRAGMA journal_mode") == "wal",
              (try? scalarText("PRAGMA journal_mode = DELETE")) == "delete" else {
            return (try body(), false)
        }
        let synchronous = try scalarInt("PRAGMA synchronous")
        try execute("PRAGMA synchronous = FULL")
        defer {
            try? execute("PRAGMA synchronous = \(synchronous)")
            // Another process may have opened the file meanwhile (a rollback journal lets it);
            // switching back needs a moment alone, so wait for it as for any busy lock.
            try? retryingBusy {
                if try self.scalarText("PRAGMA journal_mode = WAL") != "wal" { throw DatabaseError(extendedCode: SQLITE_BUSY, message: "database is locked", sql: "PRAGMA journal_mode = WAL") }
            }
        }
        return (try body(), true)
    }
}
