public import Foundation

/// How messages to users leave the server: the `delivery.*` keys (docs/configuration.md).
///
/// | key | type | default |
/// | --- | --- | --- |
/// | `delivery.email` | `smtp://HOST[:PORT]`, `smtps://HOST[:PORT]`, `file:PATH`, `console` or `none` | `none` |
/// | `delivery.email_from` | `local@domain.tld`; required with SMTP | none |
/// | `delivery.smtp_username` / `delivery.smtp_password` | strings, both or neither | none |
/// | `delivery.smtp_tls` | `try` (STARTTLS when offered) or `require` | `try` |
/// | `delivery.smtp_ca_file` | path of a PEM CA bundle | the system's CAs |
/// | `delivery.sms` | `webhook:URL` (https, or http to loopback), `file:PATH`, `console` or `none` | `none` |
/// | `delivery.sms_webhook_secret` | 32+ bytes; required with a webhook | none |
/// | `delivery.max_attempts` | integer 1 to 20 | 6 |
/// | `delivery.timeout` | duration, at most 60 s, per attempt | `15s` |
///
/// Passwords and secrets are best set in the environment (`STEPGATE_DELIVERY_SMTP_PASSWORD`,
/// `STEPGATE_DELIVERY_SMS_WEBHOOK_SECRET`); `description` never shows them.
public struct DeliveryConfiguration: Sendable, CustomStringConvertible {
    /// Where e-mail goes.
    public enum EmailTransport: Sendable, Equatable {
        case none
        /// Development only: JSON lines on standard error.
        case console
        /// Development only: JSON lines appended to this file.
        case file(String)
        /// An `smtp://` or `smtps://` URL.
        case smtp(String)
    }

    /// Where text messages go.
    public enum SMSTransport: Sendable, Equatable {
        case none
        /// Development only: JSON lines on standard error.
        case console
        /// Development only: JSON lines appended to this file.
        case file(String)
        /// The SMS gateway's webhook URL.
        case webhook(String)
    }

    /// Whether an `smtp://` session must use STARTTLS.
    public enum SMTPTLS: String, Sendable {
        /// `try`: STARTTLS whenever the server offers it.
        case opportunistic = "try"
        /// `require`: STARTTLS or no delivery.
        case required = "require"
    }

    public var email = EmailTransport.none
    public var emailFrom: String?
    public var smtpUsername: String?
    public var smtpPassword: String?
    public var smtpTLS = SMTPTLS.opportunistic
    public var smtpCAFile: String?
    public var sms = SMSTransport.none
    public var smsWebhookSecret: String?
    /// Attempts per message, the first included, before it is given up.
    public var maxAttempts = 6
    /// Limit for one attempt, connect included.
    public var timeout: TimeInterval = 15

    public init() {}

    /// The channels that have a transport.
    public var channels: Set<DeliveryChannel> {
        var channels: Set<DeliveryChannel> = []
        if email != .none { channels.insert(.email) }
        if sms != .none { channels.insert(.sms) }
        return channels
    }

    public var description: String {
        "DeliveryConfiguration(email: \(Self.name(email)), sms: \(Self.name(sms)), secrets: <redacted>)"
    }

    private static func name(_ transport: EmailTransport) -> String {
        switch transport {
        case .none: "none"
        case .console: "console"
        case .file: "file"
        case .smtp: "smtp"
        }
    }

    private static func name(_ transport: SMSTransport) -> String {
        switch transport {
        case .none: "none"
        case .console: "console"
        case .file: "file"
        case .webhook: "webhook"
        }
    }
}
