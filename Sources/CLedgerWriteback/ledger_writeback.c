// `sync_file_range` is a GNU extension: declared only with _GNU_SOURCE, which Swift's Glibc
// module does not define, hence this one-function C target.
#define _GNU_SOURCE
#include "ledger_writeback.h"

#include <fcntl.h>

int ledger_start_writeback(int fd, long long offset, long long count) {
#if defined(__linux__)
  return sync_file_range(fd, (off_t)offset, (off_t)count, SYNC_FILE_RANGE_WRITE);
#else
  (void)fd;
  (void)offset;
  (void)count;
  return 0;
#endif
}
