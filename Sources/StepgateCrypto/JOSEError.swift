/// Why a JWS or JWK was refused (RFC 7515, RFC 7517).
///
/// Carries a code and an internal detail only; never the token, a key or header values, so it
/// is safe to log.
public struct JOSEError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, as a stable identifier.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case tooLarge
            case malformed
            case invalidEncoding
            case invalidHeader
            case unsupportedAlgorithm
            case missingKeyID
            case unsupportedCritical
            case unknownKey
            case invalidSignature
            case unsupportedKeyType
            case unsupportedCurve
            case unsupportedUse
            case invalidCoordinate
            case privateKeyMember
            case duplicateKeyID
            case signingFailed
        }

        private let value: Value

        private init(_ value: Value) { self.value = value }

        /// The compact JWS is longer than `JWS.maximumLength`.
        public static let tooLarge = Code(.tooLarge)
        /// Not three dot-separated parts, or a JWK (Set) that is not the expected JSON object.
        public static let malformed = Code(.malformed)
        /// A part is not canonical unpadded base64url.
        public static let invalidEncoding = Code(.invalidEncoding)
        /// The protected header is not a JSON object.
        public static let invalidHeader = Code(.invalidHeader)
        /// `alg` is missing or anything but exactly `ES256`.
        public static let unsupportedAlgorithm = Code(.unsupportedAlgorithm)
        /// `kid` is missing, empty or not a string.
        public static let missingKeyID = Code(.missingKeyID)
        /// The header has a `crit` member; no extension is understood (RFC 7515 §4.1.11).
        public static let unsupportedCritical = Code(.unsupportedCritical)
        /// No key is known for the `kid`.
        public static let unknownKey = Code(.unknownKey)
        /// The signature does not verify, or is not 64 bytes.
        public static let invalidSignature = Code(.invalidSignature)
        /// A JWK whose `kty` is not `EC`.
        public static let unsupportedKeyType = Code(.unsupportedKeyType)
        /// A JWK whose `crv` is not `P-256`.
        public static let unsupportedCurve = Code(.unsupportedCurve)
        /// A JWK whose `use` is present and not `sig`.
        public static let unsupportedUse = Code(.unsupportedUse)
        /// A JWK coordinate that is not 32 bytes of base64url, or a point not on P-256.
        public static let invalidCoordinate = Code(.invalidCoordinate)
        /// A JWK that carries the private member `d`.
        public static let privateKeyMember = Code(.privateKeyMember)
        /// A JWK Set with two keys of the same `kid`.
        public static let duplicateKeyID = Code(.duplicateKeyID)
        /// Signing failed inside OpenSSL.
        public static let signingFailed = Code(.signingFailed)

        public var description: String { value.rawValue }
    }

    /// What was wrong.
    public let code: Code
    /// Internal explanation for logs; never holds token or key material.
    let detail: String

    init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "JOSEError(\(code): \(detail))" }
}

/// The error `JWS.verify` throws; one type for all of JOSE.
public typealias JWSError = JOSEError
