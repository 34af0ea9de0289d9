/// A message the SMTP server did not accept. Never holds an address, the message or a password.
public struct SMTPClientError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong; the raw values are the fixed codes the outbox records.
    public enum Code: String, Sendable {
        /// The settings or the message were refused before connecting.
        case invalidRequest = "invalid_request"
        /// No connection could be made (refused, unreachable, DNS).
        case connectFailed = "connect_failed"
        /// The timeout passed.
        case timedOut = "timed_out"
        /// TLS was required but the server offers no STARTTLS.
        case tlsUnavailable = "tls_unavailable"
        /// The TLS handshake or the certificate check failed.
        case tlsFailed = "tls_failed"
        /// The server refused the user name and password.
        case authenticationFailed = "authentication_failed"
        /// The server answered with a permanent failure (5xx): trying again will not help.
        case rejected
        /// The server answered with a temporary failure (4xx), or the exchange broke off.
        case transferFailed = "transfer_failed"
        /// libcurl could not be set up.
        case clientUnavailable = "client_unavailable"
    }

    public let code: Code
    /// Internal detail for logs: libcurl's error code and the SMTP reply code, never reply text.
    public let detail: String

    public init(_ code: Code, _ detail: String = "") {
        self.code = code
        self.detail = detail
    }

    public var description: String {
        detail.isEmpty ? "SMTPClientError(\(code.rawValue))" : "SMTPClientError(\(code.rawValue): \(detail))"
    }
}
