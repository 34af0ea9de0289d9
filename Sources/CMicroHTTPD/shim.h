#ifndef STEPGATE_CMICROHTTPD_SHIM_H
#define STEPGATE_CMICROHTTPD_SHIM_H
// System headers first: microhttpd.h needs the socket and size types defined.
#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <microhttpd.h>

/// The URI log callback's type (MHD_OPTION_URI_LOG_CALLBACK has no typedef of its own).
typedef void *(*stepgate_mhd_uri_log_callback)(void *cls, const char *uri, struct MHD_Connection *connection);

/// Starts a daemon on an already bound and listening socket.
///
/// MHD_start_daemon is variadic, which Swift cannot call; this wrapper fixes the option list.
/// The option values keep the C types MHD reads them as (unsigned int, size_t, MHD_socket).
static inline struct MHD_Daemon *stepgate_mhd_start(
    unsigned int flags,
    int listen_fd,
    unsigned int thread_pool_size,
    unsigned int connection_limit,
    unsigned int connection_timeout_seconds,
    size_t connection_memory_limit,
    MHD_AccessHandlerCallback access_handler,
    void *access_cls,
    MHD_RequestCompletedCallback completed,
    void *completed_cls,
    stepgate_mhd_uri_log_callback uri_log,
    void *uri_log_cls)
{
    return MHD_start_daemon(
        flags, 0, NULL, NULL, access_handler, access_cls,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)listen_fd,
        MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
        MHD_OPTION_CONNECTION_LIMIT, connection_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
        MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
        MHD_OPTION_URI_LOG_CALLBACK, uri_log, uri_log_cls,
        MHD_OPTION_END);
}

/// The daemon's bound port, or 0 when MHD cannot tell (MHD_get_daemon_info is variadic).
static inline uint16_t stepgate_mhd_bind_port(struct MHD_Daemon *daemon)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/// Writes the peer's IP address as text into `buffer`; returns 0, or -1 when unknown.
///
/// MHD_get_connection_info is variadic; formatting here keeps sockaddr casts out of Swift.
static inline int stepgate_mhd_client_address(struct MHD_Connection *connection, char *buffer, size_t size)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL || size == 0) {
        return -1;
    }
    const struct sockaddr *address = info->client_addr;
    const char *text = NULL;
    if (address->sa_family == AF_INET) {
        text = inet_ntop(AF_INET, &((const struct sockaddr_in *)address)->sin_addr, buffer, (socklen_t)size);
    } else if (address->sa_family == AF_INET6) {
        text = inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)address)->sin6_addr, buffer, (socklen_t)size);
    }
    return text == NULL ? -1 : 0;
}
#endif
