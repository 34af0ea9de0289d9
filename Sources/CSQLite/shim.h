#ifndef STEPGATE_CSQLITE_SHIM_H
#define STEPGATE_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro that Swift cannot import; this names it.
static inline sqlite3_destructor_type stepgate_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

// sqlite3_config is variadic, which Swift cannot call. Valid only before SQLite initialises
// (before the first connection opens); returns SQLITE_MISUSE afterwards.
static inline int stepgate_sqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
