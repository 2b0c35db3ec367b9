#ifndef GOODWILL_WRITEBACK_H
#define GOODWILL_WRITEBACK_H

/// Starts the write-back of every dirty page of the file open at `fd` and returns without
/// waiting for it (Linux sync_file_range, SYNC_FILE_RANGE_WRITE). Returns 0 or an errno value.
int goodwill_start_writeback(int fd);

#endif
