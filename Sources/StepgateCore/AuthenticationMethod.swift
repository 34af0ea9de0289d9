/// An authentication method reference: an `amr` value (RFC 8176 §2), or a composite of several.
///
/// Values outside the constants below are kept as they are; they count as no factor.
///
/// A composite such as `hwk+pin` is what one ceremony proved at once: a hardware-bound key that
/// also verified its user. It is recorded as one event, so two ceremonies (a key without user
/// verification here, a PIN there) can never add up to it. In a level's requirement, `hwk+pin`
/// is met only by an event that proved both; `hwk` is met by `hwk` and by `hwk+pin`. In `amr`
/// a composite is listed as its parts.
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
    /// A one-time code sent by e-mail. Not registered in RFC 8176 (which §1 allows); a channel of
    /// its own, so that a level can leave it out.
    public static let email = AuthenticationMethod(rawValue: "email")
    /// A single-use recovery code (a NIST SP 800-63B look-up secret). Not registered in RFC 8176.
    public static let recovery = AuthenticationMethod(rawValue: "recovery")
    /// A hardware-bound key that verified its user (a security key with a PIN, a device-bound
    /// passkey with a biometric): one event, listed in `amr` as `hwk` and `pin`.
    public static let hwkVerified = AuthenticationMethod(rawValue: "hwk+pin")
    /// A synced passkey that verified its user: listed in `amr` as `swk` and `pin`.
    public static let swkVerified = AuthenticationMethod(rawValue: "swk+pin")
    /// Multiple-factor authentication; added to `amr` by the policy, not recorded as an event.
    public static let mfa = AuthenticationMethod(rawValue: "mfa")
    /// Knowledge-based authentication.
    public static let kba = AuthenticationMethod(rawValue: "kba")
    /// Risk-based authentication; no factor of its own.
    public static let rba = AuthenticationMethod(rawValue: "rba")

    /// The kind of factor this method proves, or nil when it proves none (`user`, `rba`,
    /// `mfa`, unknown values, composites: see `factors`).
    public var factor: Factor? {
        switch self {
        case .pwd, .pin, .kba: .knowledge
        case .otp, .hwk, .swk, .sms, .tel, .email, .recovery: .possession
        case .fpt, .face: .inherence
        default: nil
        }
    }

    /// The parts of a composite (`hwk+pin` gives `hwk`, `pin`); a plain method is its own part.
    public var components: [AuthenticationMethod] {
        guard isComposite else { return [self] }
        return rawValue.split(separator: "+").map { AuthenticationMethod(rawValue: String($0)) }
    }

    /// Whether the value has a `+`. A byte test: Foundation's `contains` of a string searched
    /// with locale rules, and levels test methods on every decision.
    private var isComposite: Bool { rawValue.utf8.contains(UInt8(ascii: "+")) }

    /// Every kind of factor the parts prove.
    public var factors: Set<Factor> { Set(components.compactMap(\.factor)) }

    /// Whether an event of this method meets `required`: it proved every part of `required`.
    public func satisfies(_ required: AuthenticationMethod) -> Bool {
        if self == required { return true }
        // Two plain methods are their own only parts: unequal, neither proves the other.
        guard isComposite || required.isComposite else { return false }
        let parts = components
        return required.components.allSatisfy { parts.contains($0) }
    }

    /// The `amr` string.
    public var description: String { rawValue }
}
