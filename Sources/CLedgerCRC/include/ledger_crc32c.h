#ifndef LEDGERLINE_CRC32C_H
#define LEDGERLINE_CRC32C_H
#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has a CRC-32C instruction (x86-64 SSE4.2, or AArch64 CRC32), else 0.
int ledger_crc32c_hardware_available(void);

/// Advances a reflected CRC-32C state (not inverted: the caller starts from 0xFFFFFFFF and
/// inverts at the end) over `count` bytes with the CPU's CRC-32C instruction. Call only when
/// `ledger_crc32c_hardware_available()` returned 1.
uint32_t ledger_crc32c_hardware_advance(uint32_t state, const void *bytes, size_t count);
#endif
