import StepgateCore
import StepgateCrypto
import StepgateTestSupport
import Testing

/// `WebAuthnVerifier.verifyRegistration`: each algorithm and attestation that passes, then
/// one test per rejection path (WebAuthn Level 3 §7.1).
struct WebAuthnRegistrationTests {
    typealias Ceremony = SoftAuthenticator.Ceremony
    let verifier = WebAuthnVerifier(relyingParty: SoftAuthenticator.relyingParty)

    func code(_ registration: WebAuthnRegistration) -> WebAuthnError.Code? {
        #expect(throws: WebAuthnError.self) { try verifier.verifyRegistration(registration) }?.code
    }

    func code(
        _ ceremony: Ceremony = Ceremony(),
        attestation: SoftAuthenticator.Attestation = .none
    ) throws -> WebAuthnError.Code? {
        code(try SoftAuthenticator().registration(ceremony, attestation: attestation))
    }

    static func packedCertificate(_ literal: String) throws -> SoftAuthenticator.Attestation {
        .packedCertificate(
            chain: [TestCertificates.der(literal), TestCertificates.der(TestCertificates.root)],
            signer: try ES256PrivateKey(pkcs8DER: TestCertificates.der(TestCertificates.leafPrivateKey))
        )
    }

    @Test(arguments: [COSEAlgorithm.es256, .edDSA, .rs256])
    func verifyRegistration_acceptsNoneAttestation(_ algorithm: COSEAlgorithm) throws {
        let authenticator = try SoftAuthenticator(algorithm)
        let record = try verifier.verifyRegistration(try authenticator.registration())
        #expect(record == authenticator.record())
        #expect(try COSEPublicKey(cbor: record.publicKey).algorithm == algorithm)
    }

    @Test(arguments: [COSEAlgorithm.es256, .edDSA, .rs256])
    func verifyRegistration_acceptsPackedSelfAttestation(_ algorithm: COSEAlgorithm) throws {
        let authenticator = try SoftAuthenticator(algorithm)
        let record = try verifier.verifyRegistration(try authenticator.registration(attestation: .packedSelf))
        #expect(record.attestationFormat == .packed)
        #expect(record.attestationType == .selfAttestation)
    }

    @Test
    func verifyRegistration_acceptsPackedCertificateAttestation() throws {
        var authenticator = try SoftAuthenticator(.edDSA)
        authenticator.aaguid = hex(TestCertificates.aaguidHex)
        let attestation = try Self.packedCertificate(TestCertificates.good)
        let record = try verifier.verifyRegistration(try authenticator.registration(attestation: attestation))
        #expect(record.attestationType == .basicUnverified)
        #expect(record.aaguid == hex(TestCertificates.aaguidHex))
    }

    @Test
    func verifyRegistration_acceptsCertificateWithoutAAGUIDExtension() throws {
        let attestation = try Self.packedCertificate(TestCertificates.noAAGUID)
        let record = try verifier.verifyRegistration(try SoftAuthenticator().registration(attestation: attestation))
        #expect(record.attestationType == .basicUnverified)
    }

    @Test
    func verifyRegistration_recordsFlagsCounterAndTransports() throws {
        var ceremony = Ceremony()
        ceremony.flags = [.userPresent, .backupEligible, .backedUp]
        ceremony.signCount = 7
        ceremony.extensions = ["credProtect": 2]
        var registration = try SoftAuthenticator().registration(ceremony)
        registration.requiresUserVerification = false
        let record = try verifier.verifyRegistration(registration)
        #expect(record.isBackupEligible && record.isBackedUp && !record.isUserVerified)
        #expect(record.signCount == 7)
        #expect(record.transports == ["usb"])
        #expect(record.userHandle == SoftAuthenticator.userHandle)
    }

    @Test
    func verifyRegistration_rejectsClientDataThatIsNotJSON() throws {
        var registration = try SoftAuthenticator().registration()
        registration.clientDataJSON = Array("{\"type\":".utf8)
        #expect(code(registration) == .malformed)
    }

    @Test
    func verifyRegistration_rejectsAssertionType() throws {
        var ceremony = Ceremony()
        ceremony.type = "webauthn.get"
        #expect(try code(ceremony) == .wrongType)
    }

    @Test
    func verifyRegistration_rejectsOtherChallenge() throws {
        var ceremony = Ceremony()
        ceremony.challenge[0] ^= 1
        #expect(try code(ceremony) == .challengeMismatch)
    }

    @Test
    func verifyRegistration_rejectsEmptyExpectedChallenge() throws {
        var ceremony = Ceremony()
        ceremony.challenge = []
        var registration = try SoftAuthenticator().registration(ceremony)
        registration.challenge = []
        #expect(code(registration) == .challengeMismatch)
    }

    @Test(arguments: [
        "https://evil.example", "https://stepgate.example:443", "https://stepgate.example/", "http://stepgate.example",
    ])
    func verifyRegistration_rejectsOtherOrigin(_ origin: String) throws {
        var ceremony = Ceremony()
        ceremony.origin = origin
        #expect(try code(ceremony) == .originMismatch)
    }

    @Test
    func verifyRegistration_rejectsCrossOriginFrame() throws {
        var ceremony = Ceremony()
        ceremony.crossOrigin = true
        #expect(try code(ceremony) == .crossOrigin)
    }

    @Test
    func verifyRegistration_rejectsTopOrigin() throws {
        var ceremony = Ceremony()
        ceremony.topOrigin = "https://framing.example"
        #expect(try code(ceremony) == .crossOrigin)
    }

    @Test
    func verifyRegistration_rejectsAttestationObjectThatIsNotCBOR() throws {
        var registration = try SoftAuthenticator().registration()
        registration.attestationObject.removeLast()
        #expect(code(registration) == .malformed)
    }

    @Test
    func verifyRegistration_rejectsMissingAttestedCredentialData() throws {
        let authenticator = try SoftAuthenticator()
        var registration = try authenticator.registration()
        registration.attestationObject = try authenticator.attestationObject(
            .none,
            authenticatorData: authenticator.authenticatorData(Ceremony()),
            clientDataHash: Digest.sha256(registration.clientDataJSON)
        )
        #expect(code(registration) == .malformed)
    }

    @Test
    func verifyRegistration_rejectsOtherRPID() throws {
        var ceremony = Ceremony()
        ceremony.rpID = "evil.example"
        #expect(try code(ceremony) == .rpIDHashMismatch)
    }

    @Test
    func verifyRegistration_rejectsMissingUserPresence() throws {
        var ceremony = Ceremony()
        ceremony.flags = [.userVerified]
        #expect(try code(ceremony) == .userNotPresent)
    }

    @Test
    func verifyRegistration_rejectsMissingUserVerificationWhenRequired() throws {
        var ceremony = Ceremony()
        ceremony.flags = [.userPresent]
        #expect(try code(ceremony) == .userNotVerified)
    }

    @Test
    func verifyRegistration_rejectsBackedUpWithoutBackupEligible() throws {
        var ceremony = Ceremony()
        ceremony.flags = [.userPresent, .userVerified, .backedUp]
        #expect(try code(ceremony) == .backupStateWithoutEligibility)
    }

    @Test
    func verifyRegistration_rejectsAlgorithmNotOffered() throws {
        var registration = try SoftAuthenticator(.rs256).registration()
        registration.allowedAlgorithms = [.es256, .edDSA]
        #expect(code(registration) == .unsupportedAlgorithm)
    }

    @Test
    func verifyRegistration_rejectsUnsupportedKeyAlgorithm() throws {
        // An ES384 key (alg -35, crv 2): valid COSE, not supported.
        let es384: CBORValue = .map([
            (1, 2), (3, -35), (-1, 2), (-2, .byteString(Array(repeating: 1, count: 48))),
            (-3, .byteString(Array(repeating: 2, count: 48))),
        ])
        let registration = try SoftAuthenticator().registration(credentialPublicKey: es384.encoded())
        #expect(code(registration) == .unsupportedAlgorithm)
    }

    @Test(arguments: ["fido-u2f", "tpm", "android-key", "apple", "Packed", "NONE"])
    func verifyRegistration_rejectsUnsupportedFormat(_ format: String) throws {
        #expect(try code(attestation: .custom(format: format) { _ in [:] }) == .unsupportedAttestationFormat)
    }

    @Test
    func verifyRegistration_rejectsNoneWithStatement() throws {
        #expect(try code(attestation: .custom(format: "none") { _ in ["alg": -7] }) == .attestationMalformed)
    }

    @Test
    func verifyRegistration_rejectsPackedWithoutSignature() throws {
        #expect(try code(attestation: .custom(format: "packed") { _ in ["alg": -7] }) == .attestationMalformed)
    }

    @Test
    func verifyRegistration_rejectsPackedECDAA() throws {
        let authenticator = try SoftAuthenticator()
        let attestation = SoftAuthenticator.Attestation.custom(format: "packed") { signed in
            ["alg": -7, "sig": .byteString(try authenticator.sign(signed)), "ecdaaKeyId": .byteString([1])]
        }
        #expect(code(try authenticator.registration(attestation: attestation)) == .attestationMalformed)
    }

    @Test
    func verifyRegistration_rejectsSelfAttestationWithOtherAlgorithm() throws {
        let authenticator = try SoftAuthenticator()
        let attestation = SoftAuthenticator.Attestation.custom(format: "packed") { signed in
            ["alg": -257, "sig": .byteString(try authenticator.sign(signed))]
        }
        #expect(code(try authenticator.registration(attestation: attestation)) == .attestationAlgorithmMismatch)
    }

    @Test
    func verifyRegistration_rejectsSelfAttestationWithBadSignature() throws {
        let authenticator = try SoftAuthenticator(.edDSA)
        let attestation = SoftAuthenticator.Attestation.custom(format: "packed") { signed in
            ["alg": -8, "sig": .byteString(try authenticator.sign(signed + [0]))]
        }
        #expect(code(try authenticator.registration(attestation: attestation)) == .attestationSignatureInvalid)
    }

    @Test
    func verifyRegistration_rejectsCertificateAttestationSignedByOtherKey() throws {
        let attestation = SoftAuthenticator.Attestation.packedCertificate(
            chain: [TestCertificates.der(TestCertificates.good)],
            signer: try ES256PrivateKey.generate()
        )
        var authenticator = try SoftAuthenticator()
        authenticator.aaguid = hex(TestCertificates.aaguidHex)
        #expect(code(try authenticator.registration(attestation: attestation)) == .attestationSignatureInvalid)
    }

    @Test(arguments: ["criticalAAGUID", "wrongOU", "noCountry", "certificateAuthority", "versionOne"])
    func verifyRegistration_rejectsCertificateBreakingPackedRequirements(_ name: String) throws {
        let literals = [
            "criticalAAGUID": TestCertificates.criticalAAGUID, "wrongOU": TestCertificates.wrongOU,
            "noCountry": TestCertificates.noCountry, "certificateAuthority": TestCertificates.certificateAuthority,
            "versionOne": TestCertificates.versionOne,
        ]
        var authenticator = try SoftAuthenticator()
        authenticator.aaguid = hex(TestCertificates.aaguidHex)
        let attestation = try Self.packedCertificate(try #require(literals[name]))
        #expect(code(try authenticator.registration(attestation: attestation)) == .attestationCertificateInvalid)
    }

    @Test
    func verifyRegistration_rejectsX5CThatIsNotACertificate() throws {
        let attestation = SoftAuthenticator.Attestation.packedCertificate(
            chain: [Array(TestCertificates.der(TestCertificates.good).dropLast())],
            signer: try ES256PrivateKey(pkcs8DER: TestCertificates.der(TestCertificates.leafPrivateKey))
        )
        #expect(try code(attestation: attestation) == .attestationCertificateInvalid)
    }

    @Test(arguments: [CBORValue.array([]), .array([.textString("certificate")]), .byteString([1])])
    func verifyRegistration_rejectsMalformedX5C(_ x5c: CBORValue) throws {
        let attestation = SoftAuthenticator.Attestation.custom(format: "packed") { _ in
            ["alg": -7, "sig": .byteString([0x30, 0x00]), "x5c": x5c]
        }
        #expect(try code(attestation: attestation) == .attestationMalformed)
    }

    @Test
    func verifyRegistration_rejectsCertificateAAGUIDOtherThanAuthenticatorData() throws {
        #expect(try code(attestation: try Self.packedCertificate(TestCertificates.good)) == .attestationAAGUIDMismatch)
    }

    @Test
    func verifyRegistration_rejectsCredentialIDOver1023Bytes() throws {
        var authenticator = try SoftAuthenticator()
        authenticator.credentialID = Array(repeating: 7, count: 1024)
        #expect(code(try authenticator.registration()) == .malformed)
        authenticator.credentialID.removeLast()
        #expect(throws: Never.self) { try verifier.verifyRegistration(try authenticator.registration()) }
    }
}
