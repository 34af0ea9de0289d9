import StepgateCore
import StepgateCrypto
import StepgateTestSupport
import Testing

/// `WebAuthnVerifier.verifyAssertion`: each algorithm that passes, the counter and backup
/// rules, then one test per rejection path (WebAuthn Level 3 §7.2).
struct WebAuthnAssertionTests {
    typealias Ceremony = SoftAuthenticator.Ceremony
    let verifier = WebAuthnVerifier(relyingParty: SoftAuthenticator.relyingParty)

    /// A ceremony whose counter is one above the record's.
    static func ceremony(signCount: UInt32 = 6) -> Ceremony {
        var ceremony = Ceremony()
        ceremony.signCount = signCount
        return ceremony
    }

    func code(
        _ assertion: WebAuthnAssertion,
        of record: WebAuthnCredential
    ) -> WebAuthnError.Code? {
        #expect(throws: WebAuthnError.self) { try verifier.verifyAssertion(assertion, of: record) }?.code
    }

    func code(_ ceremony: Ceremony, recordCount: UInt32 = 5) throws -> WebAuthnError.Code? {
        let authenticator = try SoftAuthenticator()
        return code(try authenticator.assertion(ceremony), of: authenticator.record(signCount: recordCount))
    }

    @Test(arguments: [COSEAlgorithm.es256, .edDSA, .rs256])
    func verifyAssertion_acceptsRegisteredCredential(_ algorithm: COSEAlgorithm) throws {
        let authenticator = try SoftAuthenticator(algorithm)
        let record = try verifier.verifyRegistration(try authenticator.registration(Self.ceremony(signCount: 1)))
        let result = try verifier.verifyAssertion(try authenticator.assertion(Self.ceremony(signCount: 2)), of: record)
        #expect(result.signCount == 2)
        #expect(result.counter == .advanced)
        #expect(result.record.signCount == 2)
        #expect(result.isUserPresent && result.isUserVerified)
    }

    @Test
    func verifyAssertion_acceptsZeroCountersAsNotSupported() throws {
        let authenticator = try SoftAuthenticator()
        let result = try verifier.verifyAssertion(try authenticator.assertion(), of: authenticator.record())
        #expect(result.counter == .notSupported)
        #expect(result.record.signCount == 0)
    }

    @Test
    func verifyAssertion_acceptsAbsentUserHandle() throws {
        var ceremony = Self.ceremony()
        ceremony.userHandle = nil
        let authenticator = try SoftAuthenticator()
        #expect(throws: Never.self) {
            try verifier.verifyAssertion(try authenticator.assertion(ceremony), of: authenticator.record(signCount: 5))
        }
    }

    @Test
    func verifyAssertion_reportsBackupStateChangeAndUpdatesRecord() throws {
        let authenticator = try SoftAuthenticator()
        var ceremony = Self.ceremony()
        ceremony.flags = [.userPresent, .userVerified, .backupEligible, .backedUp]
        let record = authenticator.record(signCount: 5, flags: [.userPresent, .backupEligible])
        let result = try verifier.verifyAssertion(try authenticator.assertion(ceremony), of: record)
        #expect(result.isBackupEligible && result.isBackedUp)
        #expect(result.record.isBackedUp)
        #expect(result.record.isUserVerified)
        #expect(result.authenticationMethods == [.swk, .pin])
    }

    @Test
    func verifyAssertion_keepsUserVerifiedOnceSeen() throws {
        let authenticator = try SoftAuthenticator()
        var ceremony = Self.ceremony()
        ceremony.flags = [.userPresent]
        var assertion = try authenticator.assertion(ceremony)
        assertion.requiresUserVerification = false
        let result = try verifier.verifyAssertion(assertion, of: authenticator.record(signCount: 5))
        #expect(!result.isUserVerified)
        #expect(result.record.isUserVerified)
        #expect(result.authenticationMethods == [.hwk, .user])
    }

    @Test
    func verifyAssertion_ignoresExtensions() throws {
        var ceremony = Self.ceremony()
        ceremony.extensions = ["appid": .bool(false)]
        let authenticator = try SoftAuthenticator()
        #expect(throws: Never.self) {
            try verifier.verifyAssertion(try authenticator.assertion(ceremony), of: authenticator.record(signCount: 5))
        }
    }

    @Test
    func verifyAssertion_rejectsOtherCredential() throws {
        let authenticator = try SoftAuthenticator()
        var record = authenticator.record(signCount: 5)
        record.id[0] ^= 1
        #expect(code(try authenticator.assertion(Self.ceremony()), of: record) == .credentialMismatch)
    }

    @Test
    func verifyAssertion_rejectsOtherUserHandle() throws {
        var ceremony = Self.ceremony()
        ceremony.userHandle = Array("user-handle-0002".utf8)
        #expect(try code(ceremony) == .userHandleMismatch)
    }

    @Test
    func verifyAssertion_rejectsRegistrationType() throws {
        var ceremony = Self.ceremony()
        ceremony.type = "webauthn.create"
        #expect(try code(ceremony) == .wrongType)
    }

    @Test
    func verifyAssertion_rejectsOtherChallenge() throws {
        var ceremony = Self.ceremony()
        ceremony.challenge.removeLast()
        #expect(try code(ceremony) == .challengeMismatch)
    }

    @Test
    func verifyAssertion_rejectsOtherOrigin() throws {
        var ceremony = Self.ceremony()
        ceremony.origin = "https://stepgate.example.evil.example"
        #expect(try code(ceremony) == .originMismatch)
    }

    @Test
    func verifyAssertion_rejectsCrossOriginFrame() throws {
        var ceremony = Self.ceremony()
        ceremony.crossOrigin = true
        ceremony.topOrigin = "https://framing.example"
        #expect(try code(ceremony) == .crossOrigin)
    }

    @Test
    func verifyAssertion_rejectsTruncatedAuthenticatorData() throws {
        let authenticator = try SoftAuthenticator()
        var assertion = try authenticator.assertion(Self.ceremony())
        assertion.authenticatorData.removeLast()
        #expect(code(assertion, of: authenticator.record(signCount: 5)) == .malformed)
    }

    @Test
    func verifyAssertion_rejectsOtherRPID() throws {
        var ceremony = Self.ceremony()
        ceremony.rpID = "stepgate.example."
        #expect(try code(ceremony) == .rpIDHashMismatch)
    }

    @Test
    func verifyAssertion_rejectsMissingUserPresence() throws {
        var ceremony = Self.ceremony()
        ceremony.flags = [.userVerified]
        #expect(try code(ceremony) == .userNotPresent)
    }

    @Test
    func verifyAssertion_rejectsMissingUserVerificationWhenRequired() throws {
        var ceremony = Self.ceremony()
        ceremony.flags = [.userPresent]
        #expect(try code(ceremony) == .userNotVerified)
    }

    @Test
    func verifyAssertion_rejectsBackedUpWithoutBackupEligible() throws {
        var ceremony = Self.ceremony()
        ceremony.flags = [.userPresent, .userVerified, .backedUp]
        #expect(try code(ceremony) == .backupStateWithoutEligibility)
    }

    @Test
    func verifyAssertion_rejectsBackupEligibilityGained() throws {
        var ceremony = Self.ceremony()
        ceremony.flags = [.userPresent, .userVerified, .backupEligible]
        #expect(try code(ceremony) == .backupEligibilityChanged)
    }

    @Test
    func verifyAssertion_rejectsBackupEligibilityLost() throws {
        let authenticator = try SoftAuthenticator()
        let record = authenticator.record(signCount: 5, flags: [.userPresent, .backupEligible])
        #expect(code(try authenticator.assertion(Self.ceremony()), of: record) == .backupEligibilityChanged)
    }

    @Test(arguments: [COSEAlgorithm.es256, .edDSA, .rs256])
    func verifyAssertion_rejectsFlippedSignatureByte(_ algorithm: COSEAlgorithm) throws {
        let authenticator = try SoftAuthenticator(algorithm)
        var assertion = try authenticator.assertion(Self.ceremony())
        assertion.signature[assertion.signature.count / 2] ^= 0x40
        #expect(code(assertion, of: authenticator.record(signCount: 5)) == .badSignature)
    }

    @Test
    func verifyAssertion_rejectsSignatureByOtherKey() throws {
        let authenticator = try SoftAuthenticator()
        let other = try SoftAuthenticator()
        #expect(code(try other.assertion(Self.ceremony()), of: authenticator.record(signCount: 5)) == .badSignature)
    }

    @Test
    func verifyAssertion_rejectsSignatureOverOtherClientData() throws {
        let authenticator = try SoftAuthenticator()
        var assertion = try authenticator.assertion(Self.ceremony())
        var other = Self.ceremony()
        other.crossOrigin = false
        assertion.clientDataJSON = authenticator.clientDataJSON("webauthn.get", other)
        #expect(code(assertion, of: authenticator.record(signCount: 5)) == .badSignature)
    }

    @Test(arguments: [(5, 5), (5, 4), (5, 0), (UInt32.max, 1)] as [(UInt32, UInt32)])
    func verifyAssertion_rejectsCounterThatDidNotGoUp(_ stored: UInt32, _ new: UInt32) throws {
        #expect(try code(Self.ceremony(signCount: new), recordCount: stored) == .counterRegressed)
    }

    @Test
    func verifyAssertion_acceptsFirstCountAfterZeroStored() throws {
        let authenticator = try SoftAuthenticator()
        let assertion = try authenticator.assertion(Self.ceremony(signCount: 1))
        let result = try verifier.verifyAssertion(assertion, of: authenticator.record())
        #expect(result.counter == .advanced)
    }

    @Test
    func verifyAssertion_rejectsUnreadableStoredKey() throws {
        let authenticator = try SoftAuthenticator()
        var record = authenticator.record(signCount: 5)
        record.publicKey = [0xA0]
        #expect(code(try authenticator.assertion(Self.ceremony()), of: record) == .unsupportedAlgorithm)
    }

    @Test
    func errors_shareOnePublicMessage() throws {
        let error = WebAuthnError(.badSignature, "detail")
        #expect(error.publicMessage == WebAuthnError.publicMessage)
        #expect(!WebAuthnError.publicMessage.contains("signature"))
        #expect("\(error)".contains("badSignature"))
    }
}
