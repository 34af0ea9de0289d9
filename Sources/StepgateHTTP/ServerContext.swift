internal import CMicroHTTPD
import Dispatch
import StepgateCore
import StepgateCrypto

/// Everything the C callbacks need, shared by all worker threads; immutable apart from `inFlight`.
final class ServerContext: Sendable {
    let configuration: HTTPServer.Configuration
    let logger: Logger
    let handler: @Sendable (HTTPRequest) -> HTTPResponse
    /// Registered routes to log; nil logs the path itself.
    let knownRoutes: Set<String>?
    /// Requests between their request line and their completion; `stop()` waits on it.
    let inFlight = DispatchGroup()
    private let random = SystemRandom()

    init(
        configuration: HTTPServer.Configuration,
        logger: Logger,
        knownRoutes: Set<String>?,
        handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse
    ) {
        self.configuration = configuration
        self.logger = logger
        self.knownRoutes = knownRoutes
        self.handler = handler
    }

    /// A new request's state, with a fresh 22-character request ID (16 random bytes).
    func begin(target: String) -> RequestState {
        inFlight.enter()
        return RequestState(target: target, requestID: Base64URL.encode(random.bytes(16)))
    }

    func end() {
        inFlight.leave()
    }

    /// One access-handler call: headers first, then body chunks, then the final empty call.
    func access(
        _ connection: OpaquePointer,
        _ state: RequestState,
        method: String,
        upload: UnsafePointer<CChar>?,
        uploadSize: UnsafeMutablePointer<Int>
    ) -> MHD_Result {
        if !state.headersRead {
            state.headersRead = true
            state.method = HTTPMethod(rawValue: method)
            state.headers = Self.headers(of: connection)
            state.remoteAddress = Self.remoteAddress(of: connection)
            guard state.headerBytes <= configuration.maxHeaderBytes else {
                return respond(connection, state, Self.closing(431, "Request Header Fields Too Large\n"))
            }
            if let length = state.headers["Content-Length"], let bytes = Int(length),
                bytes > configuration.maxBodyBytes
            {
                // Queued before the body: libmicrohttpd reads no body byte and closes afterwards.
                return respond(connection, state, Self.closing(413, "Content Too Large\n"))
            }
            return .YES
        }
        if uploadSize.pointee > 0 {
            let count = uploadSize.pointee
            uploadSize.pointee = 0
            if state.finished { return .YES }
            guard state.body.count + count <= configuration.maxBodyBytes, let upload else {
                // Known gap: libmicrohttpd 0.9.75 refuses to queue a response mid-body, so a chunked
                // body past the limit gets no 413; the connection is closed and the log says 413.
                state.finished = true
                log(state, status: 413)
                return .NO
            }
            // Safety: libmicrohttpd guarantees `count` readable bytes at `upload` for this call.
            upload.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
                state.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
            }
            return .YES
        }
        if state.finished { return .YES }

        let request = HTTPRequest(
            method: state.method,
            path: state.path,
            query: state.query,
            headers: state.headers,
            body: state.body,
            remoteAddress: state.remoteAddress,
            requestID: state.requestID
        )
        return respond(connection, state, handler(request))
    }

    /// An error answered before the body is read; the connection cannot be reused.
    private static func closing(_ status: Int, _ text: String) -> HTTPResponse {
        var response = HTTPResponse.text(status, text)
        response.headers.set("Connection", "close")
        return response
    }

    /// Adds the security headers, queues the response and writes the access log line.
    private func respond(
        _ connection: OpaquePointer,
        _ state: RequestState,
        _ response: HTTPResponse
    ) -> MHD_Result {
        state.finished = true
        var response = response
        if !ResponseWriter.isValid(response) {
            logger.error("handler returned an invalid response", [LogKey.requestID: state.requestID])
            response = .text(500, "Internal Server Error\n")
        }
        addSecurityHeaders(&response, requestID: state.requestID)
        let result = ResponseWriter.queue(response, on: connection)
        log(state, status: response.status)
        return result
    }

    private func addSecurityHeaders(_ response: inout HTTPResponse, requestID: String) {
        var defaults = [
            ("Content-Security-Policy", configuration.contentSecurityPolicy),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
            ("X-Frame-Options", "DENY"),
            ("Cache-Control", "no-store"),
            ("X-Request-ID", requestID),
        ]
        if configuration.strictTransportSecurity {
            defaults.append(("Strict-Transport-Security", "max-age=31536000"))
        }
        for (name, value) in defaults where response.headers[name] == nil {
            response.headers.add(name, value)
        }
    }

    private func log(_ state: RequestState, status: Int) {
        // The line's fields are worth building only when the line is written.
        guard logger.minimumLevel <= .info else { return }
        logger.info(
            "request",
            [
                LogKey.method: String(state.method.rawValue.prefix(16)),
                LogKey.route: route(of: state.path),
                LogKey.status: String(status),
                LogKey.durationMS: state.durationMS,
                LogKey.requestID: state.requestID,
            ]
        )
    }

    /// The route to log: the path (never the query), or "unmatched" when routes are known.
    private func route(of path: String) -> String {
        guard let knownRoutes else { return String(path.prefix(256)) }
        return knownRoutes.contains(path) ? path : "unmatched"
    }

    private static func headers(of connection: OpaquePointer) -> HTTPHeaders {
        let collector = HeaderCollector()
        let iterator: MHD_KeyValueIterator = { context, _, key, value in
            guard let context, let key else { return .YES }
            let collector = Unmanaged<HeaderCollector>.fromOpaque(context).takeUnretainedValue()
            collector.headers.add(String(cString: key), value.map { String(cString: $0) } ?? "")
            return .YES
        }
        withExtendedLifetime(collector) {
            // Safety: the collector outlives this synchronous call; the iterator only borrows it.
            _ = MHD_get_connection_values(
                connection,
                .HEADER_KIND,
                iterator,
                Unmanaged.passUnretained(collector).toOpaque()
            )
        }
        return collector.headers
    }

    private static func remoteAddress(of connection: OpaquePointer) -> String? {
        var buffer = [CChar](repeating: 0, count: 64)
        // Safety: the shim writes at most buffer.count bytes, NUL-terminated on success.
        let result = stepgate_mhd_client_address(connection, &buffer, buffer.count)
        guard result == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Header fields gathered by the C iterator of `MHD_get_connection_values`.
private final class HeaderCollector {
    var headers = HTTPHeaders()
}
