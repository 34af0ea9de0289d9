internal import CMicroHTTPD
import Dispatch
import Glibc
public import StepgateCore
import Synchronization

/// An HTTP/1.1 server over libmicrohttpd: a pool of worker threads with epoll.
///
/// The handler runs synchronously on a worker thread and gets the request fully read, with
/// the body limit already enforced. Every response leaves with the security headers of
/// `Configuration` (unless the handler set them) and `X-Request-ID`; each request writes one
/// `info` access line (method, route, status, duration, request ID: never query, headers or body).
///
/// Body limit: a `Content-Length` over `maxBodyBytes` gets 413 before any body byte is read; a
/// chunked body that grows past it has its connection closed without a response.
public final class HTTPServer: Sendable {
    private let context: ServerContext
    private let running = Mutex<Daemon?>(nil)

    /// Builds a stopped server; `start()` binds.
    public init(
        configuration: Configuration,
        logger: Logger,
        handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse
    ) {
        context = ServerContext(
            configuration: configuration,
            logger: logger,
            knownRoutes: nil,
            handler: handler
        )
    }

    /// Builds a stopped server that routes with `router` and logs only its registered routes
    /// (other paths are logged as `unmatched`).
    public init(configuration: Configuration, logger: Logger, router: Router) {
        context = ServerContext(
            configuration: configuration,
            logger: logger,
            knownRoutes: router.routes,
            handler: { router.handle($0) }
        )
    }

    deinit {
        stop()
    }

    /// Binds the socket and starts the worker threads.
    ///
    /// - Throws: `HTTPServerError`: `.invalidConfiguration` (detail names the keys),
    ///   `.invalidHost`, `.addressInUse`, `.addressUnavailable`, `.alreadyStarted`, `.startFailed`.
    public func start() throws(HTTPServerError) {
        let configuration = context.configuration
        let problems = configuration.problems
        guard problems.isEmpty else {
            throw HTTPServerError(.invalidConfiguration, problems.joined(separator: "; "))
        }
        try running.withLock { (daemon: inout Daemon?) throws(HTTPServerError) in
            guard daemon == nil else { throw HTTPServerError(.alreadyStarted) }
            daemon = try Daemon(context: context)
        }
        context.logger.info(
            "http server started",
            [LogKey.listen: "\(configuration.host):\(port)"]
        )
    }

    /// The bound port (the OS's pick when configured with 0), or 0 when not running.
    public var port: Int {
        running.withLock { $0?.port ?? 0 }
    }

    /// Stops gracefully: stops accepting, waits for in-flight requests (at most
    /// `connectionTimeoutSeconds`), then closes every connection. Idempotent; blocks until done.
    ///
    /// Never call it from a handler: it would wait for that very request.
    public func stop() {
        running.withLock { (daemon: inout Daemon?) in
            guard let current = daemon else { return }
            daemon = nil
            current.shutDown(waitingUpTo: context.configuration.connectionTimeoutSeconds)
            context.logger.info("http server stopped")
        }
    }
}
