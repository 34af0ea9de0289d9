/// The server could not start. Carries no request data.
public struct HTTPServerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure.
    public enum Code: String, Sendable {
        /// `host` is not a numeric IPv4 or IPv6 address.
        case invalidHost
        /// A configuration value is out of range; `detail` names the key.
        case invalidConfiguration
        /// Another socket already listens on the address and port.
        case addressInUse
        /// The address is not local to this machine, or binding it is not permitted.
        case addressUnavailable
        /// `start()` was called on a running server.
        case alreadyStarted
        /// The socket or the libmicrohttpd daemon could not be created.
        case startFailed
    }

    public let code: Code
    /// Internal detail for logs, such as the configuration key or the errno value.
    public let detail: String

    public init(_ code: Code, _ detail: String = "") {
        self.code = code
        self.detail = detail
    }

    public var description: String {
        detail.isEmpty ? "HTTPServerError(\(code.rawValue))" : "HTTPServerError(\(code.rawValue): \(detail))"
    }
}
