import Glibc

/// The POSIX socket calls of the fault proxy, with `errno` read right after each failing call.
///
/// Every descriptor is close-on-exec and non-blocking; waiting happens in `FaultWait`. Opening
/// and closing are counted by the caller's `FaultDescriptorLedger`.
enum FaultSocket {
    /// What `connect` got.
    enum Connected {
        case socket(Int32)
        case failed(errno: Int32)
        /// The proxy is stopping or the connection is ending.
        case woken
    }

    /// A socket listening on 127.0.0.1 at a port the OS picks.
    static func listenOnLoopback() throws(FaultProxyError) -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, streamType, 0)
        guard descriptor >= 0 else { throw FaultProxyError(.startFailed, "socket errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(INADDR_LOOPBACK).bigEndian
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { pointer in
            // Safety: sockaddr_in starts with the sockaddr header; bind reads sizeof(sockaddr_in) bytes.
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(descriptor, SOMAXCONN) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw FaultProxyError(.startFailed, "bind or listen errno \(code)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            // Safety: getsockname writes at most `length` bytes, the size of sockaddr_in.
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw FaultProxyError(.startFailed, "getsockname errno \(code)")
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A pipe that `signal` makes readable for good: the proxy's wake-up call. Both ends are
    /// non-blocking and close-on-exec. (Glibc as Swift imports it has no `eventfd`.)
    static func makeEvent() throws(FaultProxyError) -> FaultEvent {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw FaultProxyError(.startFailed, "pipe errno \(errno)") }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        return FaultEvent(readable: ends[0], writable: ends[1])
    }

    /// Makes `event` readable; it stays readable, since nobody reads it.
    static func signal(_ event: FaultEvent) {
        var one: UInt8 = 1
        _ = write(event.writable, &one, 1)
    }

    /// The next pending connection, made non-blocking and close-on-exec, or nil with `errno`.
    ///
    /// Glibc as Swift imports it has no `accept4`, so the flags are set just after `accept`: a
    /// process started by another thread in between could inherit the socket.
    static func accept(_ listener: Int32) -> (descriptor: Int32?, errno: Int32) {
        let descriptor = Glibc.accept(listener, nil, nil)
        guard descriptor >= 0 else { return (nil, errno) }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        return (descriptor, 0)
    }

    /// A connection to `host`:`port`, waiting at most `timeout` in all; `wake` ends the wait early.
    ///
    /// `host` may be a name; it is resolved here, on the calling thread, and each address it
    /// resolves to is tried in turn (`localhost` may give `::1` before `127.0.0.1`).
    static func connect(host: String, port: Int, timeout: Duration, wake: FaultWake) -> Connected {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0 else { return .failed(errno: EHOSTUNREACH) }
        defer { freeaddrinfo(found) }

        let deadline = ContinuousClock.now + timeout
        var outcome = Connected.failed(errno: EHOSTUNREACH)
        var next = found
        while let info = next {
            // Safety: each addrinfo, its ai_addr and ai_next belong to `found` until freeaddrinfo.
            outcome = attempt(info.pointee, deadline: deadline, wake: wake)
            if case .failed = outcome { next = info.pointee.ai_next } else { break }
        }
        return outcome
    }

    /// One non-blocking connect to the address of `info`.
    private static func attempt(_ info: addrinfo, deadline: ContinuousClock.Instant, wake: FaultWake) -> Connected {
        let descriptor = socket(info.ai_family, streamType, 0)
        guard descriptor >= 0 else { return .failed(errno: errno) }
        // Safety: ai_addr points at ai_addrlen bytes that the caller keeps alive for this call.
        if Glibc.connect(descriptor, info.ai_addr, info.ai_addrlen) == 0 { return .socket(descriptor) }
        guard errno == EINPROGRESS else {
            let code = errno
            Glibc.close(descriptor)
            return .failed(errno: code)
        }
        switch FaultWait.until(descriptor, Int16(POLLOUT), wake: wake, deadline: deadline) {
        case .ready:
            var problem: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &problem, &length)
            if problem == 0 { return .socket(descriptor) }
            Glibc.close(descriptor)
            return .failed(errno: problem)
        case .timedOut:
            Glibc.close(descriptor)
            return .failed(errno: ETIMEDOUT)
        case .woken:
            Glibc.close(descriptor)
            return .woken
        }
    }

    /// What one `recv` or `send` did.
    enum Transfer: Equatable {
        /// This many bytes moved; for `receive`, 0 is the end of the stream.
        case bytes(Int)
        /// Nothing is ready yet: wait for the socket.
        case wouldBlock
        /// The call failed with this `errno` (a reset peer, say).
        case failed(Int32)
    }

    /// Up to `buffer.count` bytes from `descriptor` into `buffer`.
    static func receive(_ descriptor: Int32, into buffer: inout [UInt8]) -> Transfer {
        let count = buffer.withUnsafeMutableBytes { bytes in
            // Safety: recv writes at most bytes.count bytes into the buffer it is given.
            recv(descriptor, bytes.baseAddress, bytes.count, 0)
        }
        return count >= 0 ? .bytes(count) : failure(errno)
    }

    /// As much of `bytes` as the socket takes now, without SIGPIPE.
    static func send(_ descriptor: Int32, _ bytes: ArraySlice<UInt8>) -> Transfer {
        let count = bytes.withUnsafeBytes { raw in
            // Safety: send reads raw.count bytes from the slice's storage during the call.
            Glibc.send(descriptor, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
        }
        return count >= 0 ? .bytes(count) : failure(errno)
    }

    private static func failure(_ code: Int32) -> Transfer {
        code == EAGAIN || code == EWOULDBLOCK || code == EINTR ? .wouldBlock : .failed(code)
    }

    /// Half-closes `descriptor`: the peer reads end of stream, and may still send.
    static func shutdownWrite(_ descriptor: Int32) {
        _ = shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Closes `descriptor`; with `reset`, `SO_LINGER` 0 first makes the kernel send RST.
    static func close(_ descriptor: Int32, reset: Bool) {
        if reset {
            var abort = linger(l_onoff: 1, l_linger: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &abort, socklen_t(MemoryLayout<linger>.size))
        }
        Glibc.close(descriptor)
    }

    private static let streamType =
        Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        | Int32(SOCK_NONBLOCK.rawValue)
}
