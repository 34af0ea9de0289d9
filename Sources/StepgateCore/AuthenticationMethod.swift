/// An authentication method reference: an `amr` value (RFC 8176 §2).
///
/// Values outside the constants below are kept as they are; they count as no factor.
public struct AuthenticationMethod: RawRepresentable, Hashable, Sendable, Codable,
    CustomStringConvertible
{
    /// The `amr` string, e.g. `pwd`.
    public let rawValue: String

    /// A method named `rawValue`.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The three kinds of authentication factor (NIST SP 800-63B §3.1).
    public enum Factor: Sendable, Hashable, CaseIterable {
        /// Something you know.
        case knowledge
        /// Something you have.
        case possession
        /// Something you are.
        case inherence
    }

    /// Password.
    public static let pwd = AuthenticationMethod(rawValue: "pwd")
    /// One-time password, such as TOTP.
    public static let otp = AuthenticationMethod(rawValue: "otp")
    /// Proof of possession of a hardware-secured key (a security key, a platform passkey).
    public static let hwk = AuthenticationMethod(rawValue: "hwk")
    /// Proof of possession of a software-secured key.
    public static let swk = AuthenticationMethod(rawValue: "swk")
    /// Confirmation by text message.
    public static let sms = AuthenticationMethod(rawValue: "sms")
    /// Confirmation by telephone call.
    public static let tel = AuthenticationMethod(rawValue: "tel")
    /// User presence test.
    public static let user = AuthenticationMethod(rawValue: "user")
    /// Personal identification number or pattern.
    public static let pin = AuthenticationMethod(rawValue: "pin")
    /// Fingerprint biometric.
    public static let fpt = AuthenticationMethod(rawValue: "fpt")
    /// Facial recognition.
    public static let face = AuthenticationMethod(rawValue: "face")
    /// Multiple-factor authentication; added to `amr` by the policy, not recorded as an event.
    public static let mfa = AuthenticationMethod(rawValue: "mfa")
    /// Knowledge-based authentication.
    public static let kba = AuthenticationMethod(rawValue: "kba")
    /// Risk-based authentication; no factor of its own.
    public static let rba = AuthenticationMethod(rawValue: "rba")

    /// The kind of factor this method proves, or nil when it proves none (`user`, `rba`,
    /// `mfa`, unknown values).
    public var factor: Factor? {
        switch self {
        case .pwd, .pin, .kba: .knowledge
        case .otp, .hwk, .swk, .sms, .tel: .possession
        case .fpt, .face: .inherence
        default: nil
        }
    }

    /// The `amr` string.
    public var description: String { rawValue }
}
