/// A request for `HTTPClient`.
public struct HTTPClientRequest: Sendable {
    public var method: HTTPMethod
    /// An absolute `http` or `https` URL.
    public var url: String
    /// Sent in order; `Expect: 100-continue` is only sent when listed here.
    public var headers: [(String, String)]
    /// Sent with any method but HEAD when not empty.
    public var body: [UInt8]
    /// Limit for the whole exchange, connect included.
    public var timeoutSeconds: Double = 10
    /// Longest response body read; a longer one ends the transfer with `.transferFailed`.
    /// nil reads any length (for trusted servers only).
    public var maxResponseBytes: Int?
    /// Connections for these hosts go elsewhere (`CURLOPT_CONNECT_TO`); the first that matches
    /// wins. Empty: connect to the URL's host.
    public var connectTo: [HTTPConnectOverride] = []

    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: [(String, String)] = [],
        body: [UInt8] = [],
        timeoutSeconds: Double = 10,
        maxResponseBytes: Int? = nil,
        connectTo: [HTTPConnectOverride] = []
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutSeconds = timeoutSeconds
        self.maxResponseBytes = maxResponseBytes
        self.connectTo = connectTo
    }
}
