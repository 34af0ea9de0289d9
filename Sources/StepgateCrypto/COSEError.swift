/// Why a COSE_Key (RFC 9052 §7) was refused as a credential public key.
///
/// `detail` is for logs only; it names the failing parameter and never holds key bytes.
public struct COSEError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, as a stable identifier.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case malformed
            case unsupportedKeyType
            case unsupportedAlgorithm
            case unsupportedCurve
            case keyTooShort
            case invalidKey
        }

        private let value: Value

        private init(_ value: Value) { self.value = value }

        /// Not one CBOR map, or a parameter is missing, of the wrong type, or a private one.
        public static let malformed = Code(.malformed)
        /// `kty` names a key type other than OKP (1), EC2 (2) or RSA (3).
        public static let unsupportedKeyType = Code(.unsupportedKeyType)
        /// `alg` is missing, not ES256, EdDSA or RS256, or does not fit the key type.
        public static let unsupportedAlgorithm = Code(.unsupportedAlgorithm)
        /// `crv` is not P-256 (1) for EC2 or Ed25519 (6) for OKP.
        public static let unsupportedCurve = Code(.unsupportedCurve)
        /// An RSA modulus shorter than `RSAPublicKey.minimumModulusBits`.
        public static let keyTooShort = Code(.keyTooShort)
        /// The parameters do not make a valid key: a point off the curve, a bad length, an
        /// even exponent, and the like.
        public static let invalidKey = Code(.invalidKey)

        public var description: String { value.rawValue }
    }

    /// What was wrong.
    public let code: Code
    /// Internal explanation for logs; names the parameter, never its value.
    public let detail: String

    /// An error of `code`; `detail` must not hold key bytes.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "COSEError(\(code): \(detail))" }
}
