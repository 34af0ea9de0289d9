import StepgateTestSupport
import StepgateCore
import StepgateCrypto
import Testing

/// `AuthenticatorData(bytes:)`: the layout of WebAuthn §6.1 and every way it is refused.
struct AuthenticatorDataTests {
    typealias Ceremony = SoftAuthenticator.Ceremony

    func code(_ bytes: [UInt8]) -> WebAuthnError.Code? {
        #expect(throws: WebAuthnError.self) { try AuthenticatorData(bytes: bytes) }?.code
    }

    @Test
    func init_readsHeaderFlagsAndCounter() throws {
        var ceremony = Ceremony()
        ceremony.flags = [.userPresent, .userVerified, .backupEligible, .backedUp]
        ceremony.signCount = 0x0102_0304
        let bytes = try SoftAuthenticator().authenticatorData(ceremony)
        let data = try AuthenticatorData(bytes: bytes)
        #expect(data.rpIDHash == Digest.sha256("stepgate.example"))
        #expect(data.signCount == 0x0102_0304)
        #expect(data.isUserPresent && data.isUserVerified && data.isBackupEligible && data.isBackedUp)
        #expect(data.attestedCredentialData == nil && data.extensions == nil)
        #expect(data.bytes == bytes)
    }

    @Test
    func init_readsAttestedCredentialDataAndExtensions() throws {
        var ceremony = Ceremony()
        ceremony.extensions = ["credProtect": 2]
        let authenticator = try SoftAuthenticator(.edDSA)
        let data = try AuthenticatorData(
            bytes: authenticator.authenticatorData(ceremony, credentialPublicKey: authenticator.publicKey.encoded)
        )
        let credential = try #require(data.attestedCredentialData)
        #expect(credential.aaguid == authenticator.aaguid)
        #expect(credential.credentialID == authenticator.credentialID)
        #expect(credential.publicKey == authenticator.publicKey)
        #expect(data.extensions == ["credProtect": 2])
    }

    @Test(arguments: [0, 1, 32, 36])
    func init_refusesShortHeader(_ length: Int) {
        #expect(code([UInt8](repeating: 0x01, count: length)) == .malformed)
    }

    @Test
    func init_refusesTrailingBytesWithoutFlags() throws {
        #expect(code(try SoftAuthenticator().authenticatorData(Ceremony()) + [0]) == .malformed)
    }

    @Test
    func init_refusesTrailingBytesAfterKey() throws {
        let authenticator = try SoftAuthenticator()
        let bytes = authenticator.authenticatorData(Ceremony(), credentialPublicKey: authenticator.publicKey.encoded)
        #expect(code(bytes + [0xA0]) == .malformed)
    }

    @Test
    func init_refusesBackedUpWithoutBackupEligible() throws {
        var ceremony = Ceremony()
        ceremony.flags = [.userPresent, .backedUp]
        #expect(code(try SoftAuthenticator().authenticatorData(ceremony)) == .backupStateWithoutEligibility)
    }

    @Test
    func init_refusesATFlagWithoutCredential() throws {
        var ceremony = Ceremony()
        ceremony.flags = [.userPresent, .attestedCredentialData]
        #expect(code(try SoftAuthenticator().authenticatorData(ceremony)) == .malformed)
    }

    @Test
    func init_refusesEDFlagWithoutExtensions() throws {
        var ceremony = Ceremony()
        ceremony.flags = [.userPresent, .extensionData]
        #expect(code(try SoftAuthenticator().authenticatorData(ceremony)) == .malformed)
    }

    @Test
    func init_refusesExtensionsThatAreNotAMap() throws {
        var ceremony = Ceremony()
        ceremony.extensions = .array([])
        #expect(code(try SoftAuthenticator().authenticatorData(ceremony)) == .malformed)
    }

    @Test
    func init_refusesEveryTruncationOfAttestedCredentialData() throws {
        let authenticator = try SoftAuthenticator()
        let bytes = authenticator.authenticatorData(Ceremony(), credentialPublicKey: authenticator.publicKey.encoded)
        for length in 38..<bytes.count {
            #expect(code(Array(bytes.prefix(length))) == .malformed, "length \(length)")
        }
    }

    @Test
    func init_refusesEmptyCredentialID() throws {
        var authenticator = try SoftAuthenticator()
        authenticator.credentialID = []
        let bytes = authenticator.authenticatorData(Ceremony(), credentialPublicKey: authenticator.publicKey.encoded)
        #expect(code(bytes) == .malformed)
    }

    @Test
    func init_refusesCredentialKeyThatIsNotAMap() throws {
        let authenticator = try SoftAuthenticator()
        #expect(code(authenticator.authenticatorData(Ceremony(), credentialPublicKey: [0x80])) == .malformed)
    }

    @Test
    func init_refusesIndefiniteLengthCredentialKey() throws {
        let authenticator = try SoftAuthenticator()
        #expect(code(authenticator.authenticatorData(Ceremony(), credentialPublicKey: [0xBF, 0xFF])) == .malformed)
    }
}
