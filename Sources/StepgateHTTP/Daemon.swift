internal import CMicroHTTPD
import Dispatch
import Glibc

/// Owns one running libmicrohttpd daemon, its listening socket and the retained context.
final class Daemon {
    private let handle: OpaquePointer
    private let descriptor: Int32
    private let context: Unmanaged<ServerContext>
    private var isShutDown = false
    let port: Int

    init(context serverContext: ServerContext) throws(HTTPServerError) {
        let configuration = serverContext.configuration
        let socket = try ListeningSocket.open(host: configuration.host, port: configuration.port)
        var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue | MHD_USE_ITC.rawValue
        if socket.isIPv6 { flags |= MHD_USE_IPv6.rawValue }
        let retained = Unmanaged.passRetained(serverContext)
        // Safety: `retained` stays alive until after MHD_stop_daemon in shutDown, so the callbacks'
        // context pointer is valid whenever libmicrohttpd can call them.
        let started = stepgate_mhd_start(
            flags,
            socket.descriptor,
            UInt32(configuration.threadPoolSize),
            UInt32(configuration.connectionLimit),
            UInt32(configuration.connectionTimeoutSeconds),
            Self.memoryLimit(maxHeaderBytes: configuration.maxHeaderBytes),
            MHDCallbacks.access,
            retained.toOpaque(),
            MHDCallbacks.completed,
            retained.toOpaque(),
            MHDCallbacks.uriLog,
            retained.toOpaque()
        )
        guard let started else {
            retained.release()
            close(socket.descriptor)
            throw HTTPServerError(.startFailed, "MHD_start_daemon returned NULL")
        }
        handle = started
        descriptor = socket.descriptor
        context = retained
        port = Int(stepgate_mhd_bind_port(started))
    }

    deinit {
        shutDown(waitingUpTo: 0)
    }

    /// libmicrohttpd keeps the request line, headers and I/O buffers of a connection in one pool
    /// of this size and answers 431 itself when the headers do not fit. Measured on 0.9.75: a pool
    /// of 32 KiB admits about 30 KB of headers. Twice the budget leaves room for the header
    /// structures and the response, so `ServerContext` applies the exact limit (431 with our
    /// headers) and the pool only stops what is far too large to even collect.
    static func memoryLimit(maxHeaderBytes: Int) -> Int {
        maxHeaderBytes * 2
    }

    /// Quiesces, waits for in-flight requests up to `seconds`, stops the daemon, closes the socket.
    func shutDown(waitingUpTo seconds: Int) {
        guard !isShutDown else { return }
        isShutDown = true
        _ = MHD_quiesce_daemon(handle)
        _ = context.takeUnretainedValue().inFlight.wait(timeout: .now() + .seconds(seconds))
        MHD_stop_daemon(handle)
        close(descriptor)
        context.release()
    }
}
