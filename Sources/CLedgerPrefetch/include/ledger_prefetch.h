#ifndef LEDGERLINE_PREFETCH_H
#define LEDGERLINE_PREFETCH_H

/// Asks the CPU to start loading the cache line at `address` for a read soon (a hint: no fault,
/// no effect on results). Swift has no prefetch of its own; inlined into the caller.
static inline void ledger_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
#endif
