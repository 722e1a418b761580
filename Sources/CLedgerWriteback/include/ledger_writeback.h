#ifndef LEDGERLINE_WRITEBACK_H
#define LEDGERLINE_WRITEBACK_H

/// Asks the kernel to start writing the dirty pages of `fd` in [offset, offset + count) to disk,
/// without waiting for them (Linux `sync_file_range` with `SYNC_FILE_RANGE_WRITE`): a later
/// fsync then waits only for what is still in flight. Not a durability guarantee. Returns 0, or
/// -1 with `errno` set; where the call does not exist, 0 and nothing is done.
int ledger_start_writeback(int fd, long long offset, long long count);
#endif
