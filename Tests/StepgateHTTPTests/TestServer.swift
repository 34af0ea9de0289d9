import StepgateCore
import StepgateHTTP

/// A running server on a port the OS picked, its log, and a client pointed at it.
final class TestServer: Sendable {
    let server: HTTPServer
    let log = InMemoryLogHandler()
    let client = HTTPClient()

    init(
        configure: (inout HTTPServer.Configuration) -> Void = { _ in },
        handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse
    ) throws {
        var configuration = HTTPServer.Configuration()
        configure(&configuration)
        server = HTTPServer(
            configuration: configuration,
            logger: Logger(label: "test", handler: log),
            handler: handler
        )
        try server.start()
    }

    init(router: Router) throws {
        server = HTTPServer(
            configuration: HTTPServer.Configuration(),
            logger: Logger(label: "test", handler: log),
            router: router
        )
        try server.start()
    }

    deinit {
        server.stop()
    }

    func url(_ target: String) -> String {
        "http://127.0.0.1:\(server.port)\(target)"
    }

    func send(
        _ method: HTTPMethod = .get,
        _ target: String,
        headers: [(String, String)] = [],
        body: [UInt8] = []
    ) throws -> HTTPClientResponse {
        try client.send(HTTPClientRequest(method: method, url: url(target), headers: headers, body: body))
    }

    /// Access log entries (message "request").
    var accessLines: [LogEntry] {
        log.entries.filter { $0.message == "request" }
    }
}
