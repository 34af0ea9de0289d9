/// A test user of the target and the means to answer its factors.
public final class ProbeUser: Sendable {
    /// Which user of the target file.
    public enum Role: String, Sendable, CaseIterable {
        case primary = "user"
        case second = "second_user"
        /// The user the brute-force case locks out; no other case signs in as it.
        case lockout = "lockout_user"

        /// The users cases may sign in as freely (every one but `lockout`).
        public static let everyday: [Role] = [.primary, .second]
    }

    public let role: Role
    public let username: String
    /// The password; only the login driver reveals it, to the target.
    let password: Secret
    /// Answers TOTP steps; nil when the target file gives no seed.
    public let totp: TOTPAnswerer?
    /// The software authenticator; nil unless the target file says `webauthn: register`.
    public let webAuthn: WebAuthnAnswerer?

    public init(
        role: Role,
        username: String,
        password: Secret,
        totp: TOTPAnswerer?,
        webAuthn: WebAuthnAnswerer?
    ) {
        self.role = role
        self.username = username
        self.password = password
        self.totp = totp
        self.webAuthn = webAuthn
    }

    /// Whether the user can answer a second factor now: a TOTP seed or a registered key.
    public var hasSecondFactor: Bool { totp != nil || webAuthn?.isRegistered == true }

    /// Whether the user can reach a level beyond the password: a TOTP seed, or a key the
    /// probe registers before it is needed.
    public var canReachSecondFactor: Bool { totp != nil || webAuthn != nil }
}
