/// A failure of a cryptographic primitive: bad key or input, or a refusal by OpenSSL or libargon2.
///
/// `detail` is for logs only; it names the failing step and never holds key material, plaintext,
/// passwords or library error text.
public struct CryptoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable identifier.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case invalidKeyLength
            case invalidKey
            case invalidPublicKey
            case keyGenerationFailed
            case signingFailed
            case encodingFailed
            case encryptionFailed
            case authenticationFailed
            case truncatedInput
            case passwordTooLong
            case invalidParameters
            case hashingFailed
            case invalidCertificate
        }

        private let value: Value

        private init(_ value: Value) { self.value = value }

        /// A symmetric key does not have the length the algorithm needs.
        public static let invalidKeyLength = Code(.invalidKeyLength)
        /// A private key could not be decoded, or is not an ES256 (P-256) key.
        public static let invalidKey = Code(.invalidKey)
        /// A public key has the wrong length or form for its algorithm: coordinates that are not
        /// a P-256 point, an Ed25519 key that is not 32 bytes, an RSA key out of range.
        public static let invalidPublicKey = Code(.invalidPublicKey)
        /// Key generation failed inside OpenSSL.
        public static let keyGenerationFailed = Code(.keyGenerationFailed)
        /// Signing failed inside OpenSSL.
        public static let signingFailed = Code(.signingFailed)
        /// A key could not be exported.
        public static let encodingFailed = Code(.encodingFailed)
        /// Encryption failed inside OpenSSL.
        public static let encryptionFailed = Code(.encryptionFailed)
        /// Sealed data did not authenticate: tampered, wrong key or wrong associated data.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// Sealed data is shorter than its nonce and tag.
        public static let truncatedInput = Code(.truncatedInput)
        /// A password is longer than `PasswordHasher.maximumPasswordLength`.
        public static let passwordTooLong = Code(.passwordTooLong)
        /// Argon2 parameters out of the library's range.
        public static let invalidParameters = Code(.invalidParameters)
        /// libargon2 failed to hash.
        public static let hashingFailed = Code(.hashingFailed)
        /// Bytes are not exactly one DER X.509 certificate, or an extension we read is malformed.
        public static let invalidCertificate = Code(.invalidCertificate)

        public var description: String { value.rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// Internal explanation for logs; never holds secrets.
    let detail: String

    init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "CryptoError(\(code): \(detail))" }
}
