/// Routes requests by exact path, then by method.
///
/// Unknown path: 404. Known path, other method: 405 with `Allow`. `HEAD` uses the `GET` handler
/// when no `HEAD` handler was added (the server drops the body).
public struct Router: Sendable {
    /// A request handler: synchronous, run on a server worker thread.
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    private var table: [String: [HTTPMethod: Handler]] = [:]

    public init() {}

    /// The registered paths; the server logs one of these as the route, never a raw path.
    public var routes: Set<String> { Set(table.keys) }

    /// Adds `handler` for `method` on `path`, replacing an earlier one.
    public mutating func add(_ method: HTTPMethod, _ path: String, _ handler: @escaping Handler) {
        table[path, default: [:]][method] = handler
    }

    /// The response of the matching handler, or a 404 or 405 answer.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        guard let methods = table[request.path] else {
            return .text(404, "Not Found\n")
        }
        if let handler = methods[request.method] {
            return handler(request)
        }
        if request.method == .head, let handler = methods[.get] {
            return handler(request)
        }
        var allowed = Set(methods.keys.map(\.rawValue))
        if allowed.contains("GET") { allowed.insert("HEAD") }
        var response = HTTPResponse.text(405, "Method Not Allowed\n")
        response.headers.set("Allow", allowed.sorted().joined(separator: ", "))
        return response
    }
}
