#ifndef STEPGATE_CMICROHTTPD_SHIM_H
#define STEPGATE_CMICROHTTPD_SHIM_H
// System headers first: microhttpd.h needs the socket and size types defined.
#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>
#endif
