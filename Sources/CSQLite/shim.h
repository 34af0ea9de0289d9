#ifndef STEPGATE_CSQLITE_SHIM_H
#define STEPGATE_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro that Swift cannot import; this names it.
static inline sqlite3_destructor_type stepgate_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}
#endif
