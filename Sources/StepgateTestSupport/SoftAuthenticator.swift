public import StepgateCore
public import StepgateCrypto

/// A software WebAuthn authenticator and client for tests (and, later, the probe): it builds registrations (`none`,
/// packed self attestation, packed with a certificate, or any statement) and assertions for
/// ES256, EdDSA or RS256, with every field a check reads under the test's control.
public struct SoftAuthenticator {
    /// The relying party the ceremonies target unless a test says otherwise.
    public static let relyingParty = WebAuthnRelyingParty(id: "stepgate.example", origins: ["https://stepgate.example"])

    /// One private key of a supported algorithm.
    public enum PrivateKey {
        case es256(ES256PrivateKey)
        case edDSA(Ed25519PrivateKey)
        case rs256(RSAPrivateKey)
    }

    /// What goes into the client data and authenticator data of one ceremony.
    public struct Ceremony {
        public var challenge: [UInt8] = Array(0..<32)
        public var rpID = SoftAuthenticator.relyingParty.id
        public var origin = "https://stepgate.example"
        /// Overrides the ceremony's `type` when set.
        public var type: String?
        public var crossOrigin: Bool?
        public var topOrigin: String?
        public var flags: AuthenticatorData.Flags = [.userPresent, .userVerified]
        public var signCount: UInt32 = 0
        /// Sets ED and appends this map when set.
        public var extensions: CBORValue?
        public var userHandle: [UInt8]? = SoftAuthenticator.userHandle

        /// The defaults: challenge 0...31, the test relying party, UP and UV, counter 0.
        public init() {}
    }

    /// The attestation statement a registration carries.
    public enum Attestation {
        case none
        case packedSelf
        /// Packed with `x5c`, signed by `signer` (the leaf certificate's key).
        case packedCertificate(chain: [[UInt8]], signer: ES256PrivateKey)
        /// Any format and statement, built from the bytes an attestation signs.
        case custom(format: String, statement: (_ signed: [UInt8]) throws -> CBORValue)
    }

    public static let userHandle: [UInt8] = Array("user-handle-0001".utf8)

    public let key: PrivateKey
    public var credentialID: [UInt8] = Array(100..<132)
    public var aaguid: [UInt8] = Array(repeating: 0xA5, count: 16)

    /// An authenticator with a fresh key of `algorithm`.
    public init(_ algorithm: COSEAlgorithm = .es256) throws {
        switch algorithm {
        case .edDSA: key = .edDSA(try Ed25519PrivateKey.generate())
        case .rs256: key = .rs256(try RSAPrivateKey.generate())
        default: key = .es256(try ES256PrivateKey.generate())
        }
    }

    /// The credential public key.
    public var publicKey: COSEPublicKey {
        switch key {
        case .es256(let key): COSEPublicKey(key.publicKey)
        case .edDSA(let key): COSEPublicKey(key.publicKey)
        case .rs256(let key): COSEPublicKey(key.publicKey)
        }
    }

    /// A signature of `message` in the form WebAuthn gives (DER for ES256).
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        switch key {
        case .es256(let key): try key.signDER(message)
        case .edDSA(let key): try key.sign(message)
        case .rs256(let key): try key.sign(message)
        }
    }

    /// `clientDataJSON` for `type` (unless the ceremony overrides it).
    public func clientDataJSON(_ type: String, _ ceremony: Ceremony) -> [UInt8] {
        var members: [String: JSONValue] = [
            "type": .string(ceremony.type ?? type),
            "challenge": .string(Base64URL.encode(ceremony.challenge)),
            "origin": .string(ceremony.origin),
        ]
        if let crossOrigin = ceremony.crossOrigin { members["crossOrigin"] = .bool(crossOrigin) }
        if let topOrigin = ceremony.topOrigin { members["topOrigin"] = .string(topOrigin) }
        return JSONValue.object(members).serialized()
    }

    /// Authenticator data; with `credentialPublicKey`, attested credential data too (AT set).
    public func authenticatorData(_ ceremony: Ceremony, credentialPublicKey: [UInt8]? = nil) -> [UInt8] {
        var flags = ceremony.flags
        if credentialPublicKey != nil { flags.insert(.attestedCredentialData) }
        if ceremony.extensions != nil { flags.insert(.extensionData) }
        var bytes = Digest.sha256(ceremony.rpID) + [flags.rawValue]
        bytes += withUnsafeBytes(of: ceremony.signCount.bigEndian, Array.init)
        if let credentialPublicKey {
            bytes += aaguid + [UInt8(credentialID.count >> 8), UInt8(credentialID.count & 0xFF)]
            bytes += credentialID + credentialPublicKey
        }
        if let extensions = ceremony.extensions { bytes += extensions.encoded() }
        return bytes
    }

    /// An attestation object over `authenticatorData`, signing with `clientDataHash`.
    public func attestationObject(
        _ attestation: Attestation,
        authenticatorData: [UInt8],
        clientDataHash: [UInt8]
    ) throws -> [UInt8] {
        let signed = authenticatorData + clientDataHash
        let format: String
        let statement: CBORValue
        switch attestation {
        case .none:
            format = "none"
            statement = [:]
        case .packedSelf:
            format = "packed"
            let sig = CBORValue.byteString(try sign(signed))
            statement = ["alg": CBORValue(publicKey.algorithm.rawValue), "sig": sig]
        case .packedCertificate(let chain, let signer):
            format = "packed"
            let x5c = CBORValue.array(chain.map { .byteString($0) })
            let sig = CBORValue.byteString(try signer.signDER(signed))
            statement = ["alg": -7, "sig": sig, "x5c": x5c]
        case .custom(let name, let build):
            format = name
            statement = try build(signed)
        }
        let object: CBORValue = [
            "fmt": .textString(format), "attStmt": statement, "authData": .byteString(authenticatorData),
        ]
        return object.encoded()
    }

    /// A registration ceremony as the browser would return it, and what the RP expects.
    public func registration(
        _ ceremony: Ceremony = Ceremony(),
        attestation: Attestation = .none,
        credentialPublicKey: [UInt8]? = nil
    ) throws -> WebAuthnRegistration {
        let clientData = clientDataJSON("webauthn.create", ceremony)
        let authenticatorData = authenticatorData(
            ceremony,
            credentialPublicKey: credentialPublicKey ?? publicKey.encoded
        )
        return WebAuthnRegistration(
            challenge: Ceremony().challenge,
            userHandle: Self.userHandle,
            requiresUserVerification: true,
            clientDataJSON: clientData,
            attestationObject: try attestationObject(
                attestation,
                authenticatorData: authenticatorData,
                clientDataHash: Digest.sha256(clientData)
            ),
            transports: ["usb"]
        )
    }

    /// An assertion ceremony as the browser would return it, and what the RP expects.
    public func assertion(_ ceremony: Ceremony = Ceremony()) throws -> WebAuthnAssertion {
        let clientData = clientDataJSON("webauthn.get", ceremony)
        let authenticatorData = authenticatorData(ceremony)
        return WebAuthnAssertion(
            challenge: Ceremony().challenge,
            requiresUserVerification: true,
            credentialID: credentialID,
            clientDataJSON: clientData,
            authenticatorData: authenticatorData,
            signature: try sign(authenticatorData + Digest.sha256(clientData)),
            userHandle: ceremony.userHandle
        )
    }

    /// The record a successful `registration(ceremony)` would store, built directly.
    public func record(signCount: UInt32 = 0, flags: AuthenticatorData.Flags = [.userPresent, .userVerified])
        -> WebAuthnCredential
    {
        WebAuthnCredential(
            id: credentialID,
            userHandle: Self.userHandle,
            publicKey: publicKey.encoded,
            signCount: signCount,
            aaguid: aaguid,
            isBackupEligible: flags.contains(.backupEligible),
            isBackedUp: flags.contains(.backedUp),
            isUserVerified: flags.contains(.userVerified),
            attestationFormat: .none,
            attestationType: .none,
            transports: ["usb"]
        )
    }
}
