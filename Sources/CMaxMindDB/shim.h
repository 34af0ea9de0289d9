#ifndef STEPGATE_CMAXMINDDB_SHIM_H
#define STEPGATE_CMAXMINDDB_SHIM_H
#include <sys/socket.h>
#include <netinet/in.h>
#include <maxminddb.h>

// MMDB_get_value is variadic and MMDB_aget_value takes a NULL-terminated array of C strings,
// which Swift cannot build from string literals without juggling pointers; this takes the two
// keys of a map path (such as "country", "iso_code"). The keys are only read during the call.
static inline int stepgate_mmdb_get_value2(MMDB_entry_s *entry, MMDB_entry_data_s *data,
                                           const char *first, const char *second) {
    const char *path[] = {first, second, NULL};
    return MMDB_aget_value(entry, data, path);
}
#endif
