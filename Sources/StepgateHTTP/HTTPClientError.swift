/// A request that got no HTTP response. Never holds the URL, headers or body.
public struct HTTPClientError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure.
    public enum Code: String, Sendable {
        /// The URL, a header or the timeout was rejected before sending.
        case invalidRequest
        /// No connection could be made (refused, unreachable, DNS).
        case connectFailed
        /// The timeout passed.
        case timedOut
        /// The connection broke or the response was malformed.
        case transferFailed
        /// libcurl could not be set up.
        case clientUnavailable
    }

    public let code: Code
    /// Internal detail for logs: libcurl's error code, never the request.
    public let detail: String

    public init(_ code: Code, _ detail: String = "") {
        self.code = code
        self.detail = detail
    }

    public var description: String {
        detail.isEmpty ? "HTTPClientError(\(code.rawValue))" : "HTTPClientError(\(code.rawValue): \(detail))"
    }
}
