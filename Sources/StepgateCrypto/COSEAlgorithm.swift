/// A COSE algorithm identifier (IANA "COSE Algorithms" registry), as WebAuthn names them in
/// `pubKeyCredParams` and in a credential public key's `alg` (3) parameter.
///
/// Values outside the constants below are kept as they are; no key of theirs is accepted.
public struct COSEAlgorithm: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The registry's integer.
    public let rawValue: Int64

    /// The algorithm numbered `rawValue`.
    public init(rawValue: Int64) {
        self.rawValue = rawValue
    }

    /// ECDSA on P-256 with SHA-256 (-7, RFC 9053 §2.1); WebAuthn signatures are ASN.1 DER.
    public static let es256 = COSEAlgorithm(rawValue: -7)
    /// EdDSA (-8, RFC 9053 §2.2); StepgateCrypto supports it on Ed25519 only.
    public static let edDSA = COSEAlgorithm(rawValue: -8)
    /// RSASSA-PKCS1-v1_5 with SHA-256 (-257, RFC 8812 §2).
    public static let rs256 = COSEAlgorithm(rawValue: -257)

    /// Every algorithm StepgateCrypto verifies, in the order a relying party should prefer them.
    public static let supported: [COSEAlgorithm] = [.es256, .edDSA, .rs256]

    /// `ES256`, `EdDSA`, `RS256`, or `COSE(<number>)` for any other.
    public var description: String {
        switch self {
        case .es256: "ES256"
        case .edDSA: "EdDSA"
        case .rs256: "RS256"
        default: "COSE(\(rawValue))"
        }
    }
}
