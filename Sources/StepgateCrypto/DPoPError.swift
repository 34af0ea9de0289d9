/// Why a DPoP proof (RFC 9449 §4.3) was refused.
///
/// Carries a code and an internal detail only; never the proof, its key, `jti`, nonce or the
/// access token, so it is safe to log.
public struct DPoPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, as a stable identifier; one per check of `DPoPProof.verify`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case malformed
            case wrongType
            case unsupportedAlgorithm
            case invalidKey
            case privateKey
            case invalidSignature
            case invalidClaims
            case jtiTooLong
            case methodMismatch
            case uriMismatch
            case issuedAtOutOfWindow
            case accessTokenHashMismatch
            case nonceMissing
            case nonceInvalid
        }

        private let value: Value

        private init(_ value: Value) { self.value = value }

        /// Not a compact JWS of canonical base64url parts, too large, or a header or payload
        /// that is not a JSON object.
        public static let malformed = Code(.malformed)
        /// `typ` is not exactly `dpop+jwt` (§4.2).
        public static let wrongType = Code(.wrongType)
        /// `alg` is not `ES256` (`none`, `HS256` and everything else), or `crit` is present.
        public static let unsupportedAlgorithm = Code(.unsupportedAlgorithm)
        /// No `jwk` header, or one that is not a valid P-256 public key.
        public static let invalidKey = Code(.invalidKey)
        /// The `jwk` header holds private key members (§4.2).
        public static let privateKey = Code(.privateKey)
        /// The signature does not verify under the `jwk`.
        public static let invalidSignature = Code(.invalidSignature)
        /// `jti`, `htm`, `htu` or `iat` missing or of the wrong type.
        public static let invalidClaims = Code(.invalidClaims)
        /// `jti` empty or longer than `DPoPProof.maximumJTILength` bytes.
        public static let jtiTooLong = Code(.jtiTooLong)
        /// `htm` is not the request's method.
        public static let methodMismatch = Code(.methodMismatch)
        /// `htu` is not the request's URI (query and fragment ignored, §4.3 step 9).
        public static let uriMismatch = Code(.uriMismatch)
        /// `iat` is outside the accepted window around now.
        public static let issuedAtOutOfWindow = Code(.issuedAtOutOfWindow)
        /// `ath` missing, or not the hash of the access token presented with the proof.
        public static let accessTokenHashMismatch = Code(.accessTokenHashMismatch)
        /// The server demands a nonce and the proof has none.
        public static let nonceMissing = Code(.nonceMissing)
        /// The proof's nonce is not one the server accepts (stale or forged).
        public static let nonceInvalid = Code(.nonceInvalid)

        public var description: String { value.rawValue }
    }

    /// What was wrong.
    public let code: Code
    /// Internal explanation for logs; never holds proof, key or token material.
    let detail: String

    init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "DPoPError(\(code): \(detail))" }
}
