/// Where and how `SMTPClient` submits mail.
///
/// Keys, with their defaults:
/// - `url: String`: `smtp://HOST:PORT` (STARTTLS per `tls`) or `smtps://HOST:PORT` (TLS from the
///   first byte); no user, path, query or fragment.
/// - `tls: TLSPolicy = .opportunistic`: on `smtp://`, whether STARTTLS is used when offered
///   or required. Certificates are always verified, against `caFile` or the system's CAs.
/// - `caFile: String? = nil`: PEM file of the CAs to trust instead of the system's.
/// - `username`, `password: String? = nil`: SMTP AUTH, both or neither; with them TLS is
///   required whatever `tls` says, so the password never crosses in clear. `description`
///   never shows the password.
/// - `timeoutSeconds: Double = 15`: the whole exchange, connect included.
public struct SMTPSettings: Sendable, CustomStringConvertible {
    /// Whether an `smtp://` session must be encrypted.
    public enum TLSPolicy: String, Sendable {
        /// STARTTLS whenever the server offers it; plain text only when it does not.
        case opportunistic = "try"
        /// STARTTLS or fail: nothing is sent in clear.
        case required = "require"
    }

    public var url: String
    public var tls: TLSPolicy = .opportunistic
    public var caFile: String?
    public var username: String?
    public var password: String?
    public var timeoutSeconds: Double = 15

    public init(url: String) {
        self.url = url
    }

    public var description: String {
        "SMTPSettings(\(url), tls: \(tls.rawValue), user: \(username == nil ? "none" : "set"), password: <redacted>)"
    }
}
