#ifndef STEPGATE_CLIBPQ_SHIM_H
#define STEPGATE_CLIBPQ_SHIM_H
#include <libpq-fe.h>

// PG_DIAG_SQLSTATE is a character-literal macro; this names it for Swift.
static inline int stepgate_pq_diag_sqlstate(void) {
    return PG_DIAG_SQLSTATE;
}

static void stepgate_pq_ignore_notice(void *context, const char *message) {
    (void)context;
    (void)message;
}

// libpq's default notice processor prints every server NOTICE (such as "relation already
// exists, skipping") to stderr, which is not our log. Notices carry nothing we act on, and
// their text may quote stored values, so they are dropped.
static inline void stepgate_pq_silence_notices(PGconn *connection) {
    PQsetNoticeProcessor(connection, stepgate_pq_ignore_notice, NULL);
}
#endif
