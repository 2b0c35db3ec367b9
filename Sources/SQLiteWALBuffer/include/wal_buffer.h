#ifndef GOODWILL_WAL_BUFFER_H
#define GOODWILL_WAL_BUFFER_H

/// The name of the VFS that `goodwill_wal_buffer_register` adds: open a connection with it
/// (sqlite3_open_v2's last argument) to have its WAL writes gathered, see wal_buffer.c.
#define GOODWILL_WAL_BUFFER_VFS "goodwill-wal-buffer"

/// Registers the VFS (not as the default) on top of the default VFS. Safe to call more than
/// once and from several threads; returns an SQLite result code.
int goodwill_wal_buffer_register(void);

/// Since the process started: WAL writes SQLite made that were held, and writes of held bytes
/// to the file (for tests and figures).
long long goodwill_wal_buffer_held_writes(void);
long long goodwill_wal_buffer_file_writes(void);

#endif
