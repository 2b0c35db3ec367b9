// Starting the write-back of a file's dirty pages without waiting for it, for the checkpointer
// (Sources/GoodwillAPI/Server/Checkpointer.swift says why). sync_file_range is a GNU extension
// Swift's Glibc module does not show.
#define _GNU_SOURCE
#include "writeback.h"
#include <errno.h>
#include <fcntl.h>

int goodwill_start_writeback(int fd) {
    // Asks the kernel to start writing every dirty page of the file and returns without waiting
    // (https://man7.org/linux/man-pages/man2/sync_file_range.2.html). It makes nothing durable:
    // no metadata, no journal commit, no device cache flush. An fsync after it has less to write.
    int rc;
    do { rc = sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE); } while (rc != 0 && errno == EINTR);
    return rc == 0 ? 0 : errno;
}
