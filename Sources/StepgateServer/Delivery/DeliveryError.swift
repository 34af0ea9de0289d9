/// A message that could not be queued or delivered.
///
/// `code` is the fixed text stored as the outbox row's `last_error` and logged; `detail` is for
/// logs only and never holds a recipient, the text, a secret or a provider's reply text.
public struct DeliveryError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// The recipient is not a valid e-mail address or E.164 phone number.
        case invalidRecipient = "invalid_recipient"
        /// The subject or text is missing, too long, or holds a forbidden character.
        case invalidMessage = "invalid_message"
        /// No transport is configured for the channel (`delivery.email`, `delivery.sms`).
        case channelNotConfigured = "channel_not_configured"
        /// No connection could be made.
        case connectFailed = "connect_failed"
        /// The provider did not answer in time (`delivery.timeout`).
        case timedOut = "timed_out"
        /// `delivery.smtp_tls = require`, and the SMTP server offers no STARTTLS.
        case tlsUnavailable = "tls_unavailable"
        /// The TLS handshake or the certificate check failed.
        case tlsFailed = "tls_failed"
        /// The SMTP server refused the user name and password.
        case authenticationFailed = "authentication_failed"
        /// The provider refused the message for good (an SMTP 5xx reply).
        case rejected
        /// The webhook receiver answered with a status other than 2xx.
        case receiverRefused = "receiver_refused"
        /// The exchange broke off, or the provider asked to try later.
        case transferFailed = "transfer_failed"
        /// A development sink could not write its file.
        case writeFailed = "write_failed"
        /// The stored payload did not open under the master key, or did not decode.
        case unreadablePayload = "unreadable_payload"
        /// A client library could not be set up.
        case clientUnavailable = "client_unavailable"
    }

    public let code: Code
    /// Internal detail for logs: library codes, statuses; no user data.
    public let detail: String

    public init(_ code: Code, _ detail: String = "") {
        self.code = code
        self.detail = detail
    }

    /// Whether trying again cannot help, so the worker gives up at once.
    public var isPermanent: Bool {
        switch code {
        case .invalidRecipient, .invalidMessage, .rejected, .unreadablePayload: true
        default: false
        }
    }

    public var description: String {
        detail.isEmpty ? "DeliveryError(\(code.rawValue))" : "DeliveryError(\(code.rawValue): \(detail))"
    }
}
