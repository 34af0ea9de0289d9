import Glibc

/// Opens the listening TCP socket libmicrohttpd then serves on.
///
/// Binding ourselves (instead of letting libmicrohttpd bind) gives a precise reason when the
/// port is taken or the host does not parse.
enum ListeningSocket {
    /// A bound, listening, non-blocking, close-on-exec socket; the caller owns the descriptor.
    static func open(host: String, port: Int) throws(HTTPServerError) -> (descriptor: Int32, isIPv6: Bool) {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard !host.isEmpty, getaddrinfo(host, String(port), &hints, &found) == 0, let info = found else {
            throw HTTPServerError(.invalidHost, "not a numeric IP address")
        }
        defer { freeaddrinfo(found) }

        let family = info.pointee.ai_family
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        let descriptor = socket(family, type, 0)
        guard descriptor >= 0 else { throw HTTPServerError(.startFailed, "socket errno \(errno)") }
        var one: Int32 = 1
        let size = socklen_t(MemoryLayout<Int32>.size)
        // SO_REUSEADDR only skips TIME_WAIT leftovers; on Linux it never lets two listeners share a port.
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, size)
        if family == AF_INET6 {
            setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, size)
        }

        // Safety: ai_addr and ai_addrlen describe one address owned by `found` until freeaddrinfo.
        if bind(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
            let code = errno
            close(descriptor)
            switch code {
            case EADDRINUSE: throw HTTPServerError(.addressInUse, "port \(port)")
            case EADDRNOTAVAIL, EACCES: throw HTTPServerError(.addressUnavailable, "bind errno \(code)")
            default: throw HTTPServerError(.startFailed, "bind errno \(code)")
            }
        }
        guard listen(descriptor, SOMAXCONN) == 0 else {
            let code = errno
            close(descriptor)
            throw HTTPServerError(.startFailed, "listen errno \(code)")
        }
        return (descriptor, family == AF_INET6)
    }
}
