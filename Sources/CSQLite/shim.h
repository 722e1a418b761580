#ifndef LEDGERLINE_CSQLITE_SHIM_H
#define LEDGERLINE_CSQLITE_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro casting -1 to a function pointer; Swift cannot import it.
static inline sqlite3_destructor_type ledgerline_sqlite_transient(void) {
  return SQLITE_TRANSIENT;
}

/// Turns off SQLite's memory statistics before its first use. With them on (the default),
/// every allocation SQLite makes takes a global mutex, even on connections opened
/// `SQLITE_OPEN_NOMUTEX`. Returns SQLITE_MISUSE if SQLite was already initialised.
static inline int ledgerline_sqlite_disable_memstatus(void) {
  return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
