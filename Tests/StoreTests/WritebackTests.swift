import Foundation
import Glibc
import Testing
@testable import Store

/// The checkpointer starts the write-back of the database file after each round
/// (Database.startWritebackOfDatabaseFile) through a descriptor of its own. That descriptor must
/// never be closed while SQLite has the file open: a close drops every POSIX lock of the process
/// on the file, SQLite's shared lock included.
struct WritebackTests {
    /// Whether a lock of this process covers SQLite's shared-lock bytes of the file (PENDING_BYTE
    /// 0x40000000 + 2, 510 bytes: os_unix.c). Asked with an open-file-description lock, which
    /// conflicts with the process's own POSIX locks where F_GETLK would not see them, through the
    /// write-back descriptor itself, because closing a descriptor of our own would drop the lock.
    func sharedLockHeld(_ path: String) throws -> Bool {
        let fd = Database.writebackDescriptor(path)
        try #require(fd >= 0)
        var probe = flock()
        probe.l_type = Int16(F_WRLCK)
        probe.l_whence = Int16(SEEK_SET)
        probe.l_start = 0x4000_0000 + 2
        probe.l_len = 510
        let F_OFD_GETLK: Int32 = 36  // linux/fcntl.h; Glibc's module does not show it
        try #require(fcntl(fd, F_OFD_GETLK, &probe) == 0, "fcntl: errno \(errno)")
        return probe.l_type != Int16(F_UNLCK)
    }

    @Test func startingTheWriteback_keepsSQLitesLockOnTheFile() throws {
        let t = TempFolder()
        let path = t.path("a.db")
        let db = try Database(path: path)
        try db.execute("CREATE TABLE t (x); INSERT INTO t VALUES (1)")
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 1)
        // A connection in WAL mode holds its shared lock on the database file while it is open.
        try #require(try sharedLockHeld(path))

        let other = try Database(path: path)  // as the checkpointer's own connection does
        for _ in 0..<3 {
            #expect(other.startWritebackOfDatabaseFile() == 0)
            #expect(db.startWritebackOfDatabaseFile() == 0)
        }
        #expect(try sharedLockHeld(path))
        try db.execute("INSERT INTO t VALUES (2)")
        #expect(try other.scalarInt("SELECT count(*) FROM t") == 2)
    }

    @Test func aFileThatCannotBeOpened_isReportedByItsErrno() {
        let t = TempFolder()
        #expect(Database.writebackDescriptor(t.path("missing/a.db")) == -ENOENT)
    }
}
