/// A second factor the login driver can answer.
public enum FactorKind: String, Sendable, CaseIterable {
    /// The WebAuthn step (`next: webauthn`).
    case webAuthn = "webauthn"
    /// An authenticator app's code (`next: otp`).
    case totp = "otp"
}
