/// What `HTTPClient` received: the final response, redirects not followed.
public struct HTTPClientResponse: Sendable {
    public var status: Int
    /// Headers of the final response only (not of a `100 Continue`).
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
