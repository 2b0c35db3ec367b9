// A VFS shim that gathers a connection's writes to its write-ahead log and hands them to the
// file system in one pwrite per transaction instead of two per page.
//
// Why: SQLite writes each WAL frame as two writes, its 24-byte header and then the page
// (walWriteOneFrame in wal.c). A redemption dirties four or five pages, so the ledger's writer
// made about nine pwrite calls per redemption, a third of its time in the kernel (measured with
// strace and perf under wrk). Gathered, a batch of redemptions is one call.
//
// Why it is safe: other connections learn of new frames only from the wal-index, which the
// writer updates after it has written a transaction's last frame, the commit frame (its header
// carries the database size after the commit; other frames carry zero: https://sqlite.org/fileformat2.html#walformat).
// Only writes that continue the log where the last one ended are held; this file writes what it
// holds as soon as a commit frame is complete, so a committed transaction is in the file (and
// visible to readers' own file descriptors, and covered by the syncer's fdatasync) before SQLite
// publishes it, exactly as without the shim. Any other write (the WAL header after a restart, a
// page or checksum SQLite rewrites in place in a transaction that spilled, walRewriteChecksums in
// wal.c, which runs after the commit frame) first writes what is held and then goes straight to
// the file; so do reads, syncs, truncation, size queries, file controls and close, and what a
// transaction that spilled and rolled back left held is written before the connection gives up
// the WAL's write lock (see forwardShmLock). The file thus
// receives the same bytes in the same order as without the shim, and nothing is held once a
// commit frame is written. A write error surfaces from the call that triggered the write: at the
// latest the commit frame's, so SQLite sees the commit fail. A crash loses only frames of a
// transaction that had not committed, which recovery discards anyway. Files other than WAL files
// pass straight through.
//
// The shim follows the pattern of SQLite's own shims (ext/misc/vfstrace.c): the real file is
// allocated right after ours, and every method not about writing is forwarded.

#include "wal_buffer.h"
#include <sqlite3.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

// Under 128 KiB: the unix VFS writes at most 0x1ffff bytes per call (seekAndWrite in os_unix.c
// masks the length with it) and reports a longer write as a full disk. 31 pages of 4 KiB with
// their frame headers: a batch of a few redemptions in one call, a large one in a call per 30 frames.
static const int capacity = 31 * 4096;

typedef struct BufferedFile {
    sqlite3_file base;
    sqlite3_file *real;          // the underlying VFS's file, in the same allocation
    unsigned char *buffer;       // NULL for files that are not WAL files
    sqlite3_int64 start;         // file offset of buffer[0]
    int length;                  // bytes held
    sqlite3_int64 next;          // where the log continues: the end of the last write (-1: not known yet)
    struct BufferedFile *wal;    // of a database file: its WAL, while open
    struct BufferedFile *database; // of a WAL file: its database file
    int commitFramePending;      // the last write was the header of a commit frame
} BufferedFile;

static sqlite3_vfs *underlying;
static atomic_llong heldWrites;     // SQLite's WAL writes that were held, all connections
static atomic_llong fileWrites;     // writes of held bytes to the file

long long goodwill_wal_buffer_held_writes(void) { return atomic_load_explicit(&heldWrites, memory_order_relaxed); }
long long goodwill_wal_buffer_file_writes(void) { return atomic_load_explicit(&fileWrites, memory_order_relaxed); }

static int flushBuffer(BufferedFile *p) {
    if (p->length == 0) return SQLITE_OK;
    int rc = p->real->pMethods->xWrite(p->real, p->buffer, p->length, p->start);
    atomic_fetch_add_explicit(&fileWrites, 1, memory_order_relaxed);
    p->next = p->start + p->length;
    p->length = 0;
    return rc;
}

static int bufferedClose(sqlite3_file *f) {
    BufferedFile *p = (BufferedFile *)f;
    if (p->database) p->database->wal = NULL;
    if (p->wal) p->wal->database = NULL;
    int rc = flushBuffer(p);
    free(p->buffer);
    p->buffer = NULL;
    int closed = p->real->pMethods ? p->real->pMethods->xClose(p->real) : SQLITE_OK;
    return rc != SQLITE_OK ? rc : closed;
}

static int bufferedRead(sqlite3_file *f, void *data, int amount, sqlite3_int64 offset) {
    BufferedFile *p = (BufferedFile *)f;
    int rc = flushBuffer(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xRead(p->real, data, amount, offset);
}

static int bufferedWrite(sqlite3_file *f, const void *data, int amount, sqlite3_int64 offset) {
    BufferedFile *p = (BufferedFile *)f;
    if (!p->buffer) return p->real->pMethods->xWrite(p->real, data, amount, offset);
    int rc = SQLITE_OK;
    int continues = p->length > 0 ? offset == p->start + p->length : offset == p->next;
    if (p->length > 0 && offset >= p->start && offset + amount <= p->start + p->length) {
        // SQLite changes a frame of this transaction that is still held: change it here.
        memcpy(p->buffer + (offset - p->start), data, amount);
    } else if (continues && p->length + amount <= capacity) {
        if (p->length == 0) p->start = offset;
        memcpy(p->buffer + p->length, data, amount);
        p->length += amount;
        atomic_fetch_add_explicit(&heldWrites, 1, memory_order_relaxed);
    } else {
        rc = flushBuffer(p);
        if (rc != SQLITE_OK) return rc;
        if (continues && amount <= capacity) {
            p->start = offset;
            memcpy(p->buffer, data, amount);
            p->length = amount;
            atomic_fetch_add_explicit(&heldWrites, 1, memory_order_relaxed);
        } else {
            // Not a continuation of the log (or larger than the buffer): straight to the file.
            rc = p->real->pMethods->xWrite(p->real, data, amount, offset);
            if (rc != SQLITE_OK) return rc;
            p->next = offset + amount;
        }
    }
    if (amount == 24) {
        // A frame header (pages are at least 512 bytes; the WAL header is 32). Bytes 4-7: the
        // database size in pages for a commit frame, zero otherwise.
        const unsigned char *h = data;
        p->commitFramePending = (h[4] | h[5] | h[6] | h[7]) != 0;
    } else if (p->commitFramePending) {
        // The commit frame's page: the transaction is complete and must reach the file now.
        p->commitFramePending = 0;
        rc = flushBuffer(p);
    }
    return rc;
}

static int bufferedTruncate(sqlite3_file *f, sqlite3_int64 size) {
    BufferedFile *p = (BufferedFile *)f;
    int rc = flushBuffer(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xTruncate(p->real, size);
}

static int bufferedSync(sqlite3_file *f, int flags) {
    BufferedFile *p = (BufferedFile *)f;
    int rc = flushBuffer(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xSync(p->real, flags);
}

static int bufferedFileSize(sqlite3_file *f, sqlite3_int64 *size) {
    BufferedFile *p = (BufferedFile *)f;
    int rc = flushBuffer(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xFileSize(p->real, size);
}

#define REAL(f) (((BufferedFile *)(f))->real)

static int forwardLock(sqlite3_file *f, int level) { return REAL(f)->pMethods->xLock(REAL(f), level); }
static int forwardUnlock(sqlite3_file *f, int level) { return REAL(f)->pMethods->xUnlock(REAL(f), level); }
static int forwardCheckReservedLock(sqlite3_file *f, int *out) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out); }
static int forwardSectorSize(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int forwardDeviceCharacteristics(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }

static int forwardFileControl(sqlite3_file *f, int op, void *arg) {
    BufferedFile *p = (BufferedFile *)f;
    int rc = flushBuffer(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xFileControl(p->real, op, arg);
}

static int forwardShmMap(sqlite3_file *f, int region, int size, int extend, void volatile **out) {
    const sqlite3_io_methods *m = REAL(f)->pMethods;
    return m->iVersion >= 2 && m->xShmMap ? m->xShmMap(REAL(f), region, size, extend, out) : SQLITE_IOERR_SHMMAP;
}
static int forwardShmLock(sqlite3_file *f, int offset, int n, int flags) {
    BufferedFile *p = (BufferedFile *)f;
    if ((flags & SQLITE_SHM_UNLOCK) && offset == 0 && p->wal && p->wal->length > 0) {
        // The WAL's write lock (slot 0) is about to be given up with frames still held: they
        // belong to a transaction that rolled back after spilling (a commit frame would have
        // written them). They go to the file now, while no other connection can write the log,
        // as they would have without the shim; otherwise they could land later over frames
        // another connection wrote meanwhile. Uncommitted, so a failure to write them is harmless.
        // (SQLite's rollback re-reads page 1, which writes them already; this does not rely on it.)
        (void)flushBuffer(p->wal);
    }
    const sqlite3_io_methods *m = REAL(f)->pMethods;
    return m->iVersion >= 2 && m->xShmLock ? m->xShmLock(REAL(f), offset, n, flags) : SQLITE_IOERR_SHMLOCK;
}
static void forwardShmBarrier(sqlite3_file *f) {
    const sqlite3_io_methods *m = REAL(f)->pMethods;
    if (m->iVersion >= 2 && m->xShmBarrier) m->xShmBarrier(REAL(f));
}
static int forwardShmUnmap(sqlite3_file *f, int deleteFlag) {
    const sqlite3_io_methods *m = REAL(f)->pMethods;
    return m->iVersion >= 2 && m->xShmUnmap ? m->xShmUnmap(REAL(f), deleteFlag) : SQLITE_OK;
}
static int forwardFetch(sqlite3_file *f, sqlite3_int64 offset, int amount, void **out) {
    const sqlite3_io_methods *m = REAL(f)->pMethods;
    if (m->iVersion >= 3 && m->xFetch) return m->xFetch(REAL(f), offset, amount, out);
    *out = NULL;
    return SQLITE_OK;
}
static int forwardUnfetch(sqlite3_file *f, sqlite3_int64 offset, void *page) {
    const sqlite3_io_methods *m = REAL(f)->pMethods;
    return m->iVersion >= 3 && m->xUnfetch ? m->xUnfetch(REAL(f), offset, page) : SQLITE_OK;
}

static const sqlite3_io_methods bufferedMethods = {
    3,
    bufferedClose, bufferedRead, bufferedWrite, bufferedTruncate, bufferedSync, bufferedFileSize,
    forwardLock, forwardUnlock, forwardCheckReservedLock, forwardFileControl,
    forwardSectorSize, forwardDeviceCharacteristics,
    forwardShmMap, forwardShmLock, forwardShmBarrier, forwardShmUnmap,
    forwardFetch, forwardUnfetch,
};

static int bufferedOpen(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *outFlags) {
    (void)vfs;
    BufferedFile *p = (BufferedFile *)f;
    memset(p, 0, sizeof(*p));
    p->real = (sqlite3_file *)&p[1];
    p->next = -1;
    if (flags & SQLITE_OPEN_WAL) {
        // The database file this log belongs to (https://sqlite.org/c3ref/database_file_object.html),
        // opened through this VFS too: its lock calls tell when the log's write lock is given up.
        // Should it be another VFS's, the log is written through unbuffered.
        sqlite3_file *database = sqlite3_database_file_object(name);
        if (database && database->pMethods == &bufferedMethods) {
            p->buffer = malloc(capacity);
            if (!p->buffer) return SQLITE_NOMEM;
            p->database = (BufferedFile *)database;
        }
    }
    int rc = underlying->xOpen(underlying, name, p->real, flags, outFlags);
    if (p->real->pMethods) {
        p->base.pMethods = &bufferedMethods;  // xClose runs even when the open failed
        if (p->database) p->database->wal = p;
    } else {
        p->database = NULL;
        free(p->buffer);
        p->buffer = NULL;
    }
    return rc;
}

static int forwardDelete(sqlite3_vfs *v, const char *name, int syncDir) { (void)v; return underlying->xDelete(underlying, name, syncDir); }
static int forwardAccess(sqlite3_vfs *v, const char *name, int flags, int *out) { (void)v; return underlying->xAccess(underlying, name, flags, out); }
static int forwardFullPathname(sqlite3_vfs *v, const char *name, int n, char *out) { (void)v; return underlying->xFullPathname(underlying, name, n, out); }
static void *forwardDlOpen(sqlite3_vfs *v, const char *name) { (void)v; return underlying->xDlOpen(underlying, name); }
static void forwardDlError(sqlite3_vfs *v, int n, char *out) { (void)v; underlying->xDlError(underlying, n, out); }
static void (*forwardDlSym(sqlite3_vfs *v, void *h, const char *sym))(void) { (void)v; return underlying->xDlSym(underlying, h, sym); }
static void forwardDlClose(sqlite3_vfs *v, void *h) { (void)v; underlying->xDlClose(underlying, h); }
static int forwardRandomness(sqlite3_vfs *v, int n, char *out) { (void)v; return underlying->xRandomness(underlying, n, out); }
static int forwardSleep(sqlite3_vfs *v, int micros) { (void)v; return underlying->xSleep(underlying, micros); }
static int forwardCurrentTime(sqlite3_vfs *v, double *out) { (void)v; return underlying->xCurrentTime(underlying, out); }
static int forwardGetLastError(sqlite3_vfs *v, int n, char *out) { (void)v; return underlying->xGetLastError(underlying, n, out); }
static int forwardCurrentTimeInt64(sqlite3_vfs *v, sqlite3_int64 *out) { (void)v; return underlying->xCurrentTimeInt64(underlying, out); }

static sqlite3_vfs bufferedVFS;
static pthread_once_t registered = PTHREAD_ONCE_INIT;
static int registerResult = SQLITE_OK;

static void registerOnce(void) {
    underlying = sqlite3_vfs_find(NULL);
    if (!underlying || underlying->iVersion < 2) { registerResult = SQLITE_ERROR; return; }
    bufferedVFS = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)sizeof(BufferedFile) + underlying->szOsFile,
        .mxPathname = underlying->mxPathname,
        .zName = GOODWILL_WAL_BUFFER_VFS,
        .xOpen = bufferedOpen,
        .xDelete = forwardDelete,
        .xAccess = forwardAccess,
        .xFullPathname = forwardFullPathname,
        .xDlOpen = forwardDlOpen,
        .xDlError = forwardDlError,
        .xDlSym = forwardDlSym,
        .xDlClose = forwardDlClose,
        .xRandomness = forwardRandomness,
        .xSleep = forwardSleep,
        .xCurrentTime = forwardCurrentTime,
        .xGetLastError = forwardGetLastError,
        .xCurrentTimeInt64 = forwardCurrentTimeInt64,
    };
    registerResult = sqlite3_vfs_register(&bufferedVFS, 0);
}

int goodwill_wal_buffer_register(void) {
    pthread_once(&registered, registerOnce);
    return registerResult;
}
