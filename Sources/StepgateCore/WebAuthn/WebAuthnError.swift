/// Why a WebAuthn registration or assertion was refused (W3C WebAuthn Level 3 §7.1, §7.2).
///
/// Every code shares one public face (`publicMessage`), so a client cannot tell which check
/// failed. `detail` is for logs only: it names the check and never holds a challenge, client
/// data, a signature or key bytes.
public struct WebAuthnError: Error, Sendable, CustomStringConvertible {
    /// Which check failed, for logs, metrics and audit; never shown to the user.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case malformed
            case wrongType
            case challengeMismatch
            case originMismatch
            case crossOrigin
            case rpIDHashMismatch
            case userNotPresent
            case userNotVerified
            case backupStateWithoutEligibility
            case backupEligibilityChanged
            case unsupportedAlgorithm
            case badSignature
            case counterRegressed
            case credentialMismatch
            case userHandleMismatch
            case unsupportedAttestationFormat
            case attestationMalformed
            case attestationAlgorithmMismatch
            case attestationSignatureInvalid
            case attestationCertificateInvalid
            case attestationAAGUIDMismatch
        }

        private let kind: Kind

        /// Client data, authenticator data or the attestation object cannot be read: bad JSON
        /// or CBOR, a missing or mistyped member, truncated or trailing bytes, a credential ID
        /// over 1023 bytes, a missing credential in a registration.
        public static let malformed = Code(kind: .malformed)
        /// `type` in the client data is not `webauthn.create` (registration) or `webauthn.get`
        /// (assertion).
        public static let wrongType = Code(kind: .wrongType)
        /// The client data's challenge is not the one the relying party issued.
        public static let challengeMismatch = Code(kind: .challengeMismatch)
        /// The client data's origin is not one the relying party accepts.
        public static let originMismatch = Code(kind: .originMismatch)
        /// The ceremony ran in a cross-origin iframe (`crossOrigin` true or `topOrigin` set),
        /// which Stepgate never expects.
        public static let crossOrigin = Code(kind: .crossOrigin)
        /// The authenticator data is for another RP ID.
        public static let rpIDHashMismatch = Code(kind: .rpIDHashMismatch)
        /// The UP flag is not set.
        public static let userNotPresent = Code(kind: .userNotPresent)
        /// User verification was required and the UV flag is not set.
        public static let userNotVerified = Code(kind: .userNotVerified)
        /// The BS (backed up) flag is set without BE (backup eligible).
        public static let backupStateWithoutEligibility = Code(kind: .backupStateWithoutEligibility)
        /// The BE flag differs from the one recorded at registration.
        public static let backupEligibilityChanged = Code(kind: .backupEligibilityChanged)
        /// The credential's key uses an algorithm or key type not supported or not allowed.
        public static let unsupportedAlgorithm = Code(kind: .unsupportedAlgorithm)
        /// The assertion signature does not verify with the credential's public key.
        public static let badSignature = Code(kind: .badSignature)
        /// The signature counter did not go up: the authenticator may have been cloned. The
        /// signature itself was valid; record this against the credential.
        public static let counterRegressed = Code(kind: .counterRegressed)
        /// The assertion names another credential than the record it is checked against.
        public static let credentialMismatch = Code(kind: .credentialMismatch)
        /// The assertion's user handle is not the credential owner's.
        public static let userHandleMismatch = Code(kind: .userHandleMismatch)
        /// The attestation statement format is not `none` or `packed`.
        public static let unsupportedAttestationFormat = Code(kind: .unsupportedAttestationFormat)
        /// The attestation statement does not have its format's syntax.
        public static let attestationMalformed = Code(kind: .attestationMalformed)
        /// A self attestation names another algorithm than the credential key's.
        public static let attestationAlgorithmMismatch = Code(kind: .attestationAlgorithmMismatch)
        /// The attestation signature does not verify.
        public static let attestationSignatureInvalid = Code(kind: .attestationSignatureInvalid)
        /// The attestation certificate breaks a requirement of WebAuthn §8.2.1.
        public static let attestationCertificateInvalid = Code(kind: .attestationCertificateInvalid)
        /// The attestation certificate's AAGUID extension differs from the authenticator data's.
        public static let attestationAAGUIDMismatch = Code(kind: .attestationAAGUIDMismatch)

        /// The code's name, e.g. `originMismatch`; safe to log.
        public var description: String { kind.rawValue }
    }

    /// The one message users see for every WebAuthn rejection.
    public static let publicMessage =
        "Your security key or passkey could not be verified. Try again."

    /// Which check failed.
    public let code: Code
    /// Internal explanation for logs; never holds client data, challenges or key material.
    public let detail: String
    /// Where the error was made.
    public let file: String
    /// Where the error was made.
    public let line: Int

    /// An error of `code`; `detail` must not hold client data, challenges or key material.
    public init(_ code: Code, _ detail: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.detail = detail
        self.file = file
        self.line = line
    }

    /// The message to show the user: the same for every code.
    public var publicMessage: String { Self.publicMessage }

    /// `code: detail (file:line)`; internal, for logs.
    public var description: String { "WebAuthnError.\(code): \(detail) (\(file):\(line))" }
}
