import Foundation
import StepgateCore
import StepgateCrypto
import StepgateTestSupport
import Testing

/// Ceremonies a real Chromium signed (Fixtures/, from scripts/record-webauthn.sh): they pass,
/// and each alteration fails with its own code.
struct WebAuthnRecordedTests {
    /// One recorded fixture: a registration and an assertion with the same credential.
    struct Recording {
        let relyingParty: WebAuthnRelyingParty
        let registration: WebAuthnRegistration
        let assertion: WebAuthnAssertion
        let transactionHash: String

        init(_ name: String) throws {
            let url = try #require(
                Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures")
            )
            let json = try JSONValue.parse(Array(try Data(contentsOf: url)))
            func bytes(_ value: JSONValue?) throws -> [UInt8] {
                try #require(value?.stringValue.flatMap { Base64URL.decode($0) })
            }
            let origin = try #require(json["origin"]?.stringValue)
            relyingParty = WebAuthnRelyingParty(id: try #require(json["rpID"]?.stringValue), origins: [origin])
            let created = try #require(json["registration"])
            registration = WebAuthnRegistration(
                challenge: try bytes(created["challenge"]),
                userHandle: try bytes(json["userHandle"]),
                requiresUserVerification: created["userVerification"] == "required",
                clientDataJSON: try bytes(created["clientDataJSON"]),
                attestationObject: try bytes(created["attestationObject"]),
                transports: created["transports"]?.arrayValue?.compactMap(\.stringValue) ?? []
            )
            let got = try #require(json["assertion"])
            assertion = WebAuthnAssertion(
                challenge: try bytes(got["challenge"]),
                requiresUserVerification: got["userVerification"] == "required",
                credentialID: try bytes(got["credentialID"]),
                clientDataJSON: try bytes(got["clientDataJSON"]),
                authenticatorData: try bytes(got["authenticatorData"]),
                signature: try bytes(got["signature"]),
                userHandle: got["userHandle"]?.isNull == false ? try bytes(got["userHandle"]) : nil
            )
            transactionHash = try #require(got["transactionHash"]?.stringValue)
        }

        var verifier: WebAuthnVerifier { WebAuthnVerifier(relyingParty: relyingParty) }

        func record() throws -> WebAuthnCredential {
            try verifier.verifyRegistration(registration)
        }

        func assertionCode(
            _ assertion: WebAuthnAssertion? = nil,
            verifier: WebAuthnVerifier? = nil,
            record: WebAuthnCredential? = nil
        ) throws -> WebAuthnError.Code? {
            let record = try record ?? self.record()
            return #expect(throws: WebAuthnError.self) {
                try (verifier ?? self.verifier).verifyAssertion(assertion ?? self.assertion, of: record)
            }?.code
        }
    }

    static let names = ["webauthn-none", "webauthn-direct"]

    @Test
    func verifyRegistration_acceptsRecordedPasskeyWithNoneAttestation() throws {
        let record = try Recording("webauthn-none").record()
        #expect(record.attestationFormat == .none && record.attestationType == .none)
        #expect(record.isUserVerified && !record.isBackupEligible && !record.isBackedUp)
        #expect(record.transports == ["internal"])
        #expect(try COSEPublicKey(cbor: record.publicKey).algorithm == .es256)
    }

    @Test
    func verifyRegistration_acceptsRecordedSecurityKeyWithPackedCertificate() throws {
        let recording = try Recording("webauthn-direct")
        let record = try recording.record()
        #expect(record.attestationFormat == .packed && record.attestationType == .basicUnverified)
        #expect(!record.isUserVerified)
        #expect(record.transports == ["usb"])
        let statement = try AttestationObject(bytes: recording.registration.attestationObject).statement
        let leaf = try X509Certificate(derEncoded: try #require(statement["x5c"]?.arrayValue?.first?.bytesValue))
        #expect(leaf.subject.organizationNames == ["Chromium"])
        #expect(leaf.subject.organizationalUnitNames == ["Authenticator Attestation"])
        #expect(leaf.isCertificateAuthority == false)
        // `openssl x509 -startdate` on the recorded certificate: Jul 14 02:40:00 2017 GMT.
        #expect(leaf.notBefore == 1_500_000_000)
    }

    @Test(arguments: names)
    func verifyAssertion_acceptsRecordedAssertion(_ name: String) throws {
        let recording = try Recording(name)
        let record = try recording.record()
        let result = try recording.verifier.verifyAssertion(recording.assertion, of: record)
        #expect(result.counter == .advanced)
        #expect(result.signCount > record.signCount)
        #expect(result.authenticationMethods == [.hwk, record.isUserVerified ? .pin : .user])
    }

    @Test(arguments: names)
    func recordedAssertion_challengeBindsItsTransaction(_ name: String) throws {
        let recording = try Recording(name)
        let challenge = WebAuthnChallenge(bytes: recording.assertion.challenge)
        #expect(challenge.binds(transactionHash: recording.transactionHash))
        #expect(!challenge.binds(transactionHash: Transaction(fields: []).hash))
    }

    @Test(arguments: names)
    func verifyRegistration_rejectsRecordingForOtherOrigin(_ name: String) throws {
        let recording = try Recording(name)
        let verifier = WebAuthnVerifier(relyingParty: .init(id: "localhost", origins: ["http://localhost:1"]))
        let error = #expect(throws: WebAuthnError.self) { try verifier.verifyRegistration(recording.registration) }
        #expect(error?.code == .originMismatch)
    }

    @Test(arguments: names)
    func verifyRegistration_rejectsRecordingWithOtherExpectedChallenge(_ name: String) throws {
        let recording = try Recording(name)
        var registration = recording.registration
        registration.challenge[0] ^= 0x01
        let error = #expect(throws: WebAuthnError.self) { try recording.verifier.verifyRegistration(registration) }
        #expect(error?.code == .challengeMismatch)
    }

    @Test
    func verifyRegistration_rejectsRecordingWithAlteredAttestationSignature() throws {
        let recording = try Recording("webauthn-direct")
        let object = try CBORValue.decode(recording.registration.attestationObject)
        var signature = try #require(object["attStmt"]?["sig"]?.bytesValue)
        signature[signature.count - 1] ^= 0x01
        let statement = try #require(object["attStmt"]?.mapValue).map { pair in
            (key: pair.key, value: pair.key == "sig" ? CBORValue.byteString(signature) : pair.value)
        }
        let pairs = try #require(object.mapValue).map { pair in
            (key: pair.key, value: pair.key == "attStmt" ? CBORValue.map(statement) : pair.value)
        }
        var registration = recording.registration
        registration.attestationObject = CBORValue.map(pairs).encoded()
        let error = #expect(throws: WebAuthnError.self) { try recording.verifier.verifyRegistration(registration) }
        #expect(error?.code == .attestationSignatureInvalid)
    }

    @Test(arguments: names)
    func verifyAssertion_rejectsRecordingForOtherOrigin(_ name: String) throws {
        let recording = try Recording(name)
        let record = try recording.record()
        let verifier = WebAuthnVerifier(relyingParty: .init(id: "localhost", origins: ["https://localhost"]))
        #expect(try recording.assertionCode(verifier: verifier, record: record) == .originMismatch)
    }

    @Test(arguments: names)
    func verifyAssertion_rejectsRecordingForOtherRPID(_ name: String) throws {
        let recording = try Recording(name)
        let record = try recording.record()
        let verifier = WebAuthnVerifier(relyingParty: .init(id: "example.com", origins: recording.relyingParty.origins))
        #expect(try recording.assertionCode(verifier: verifier, record: record) == .rpIDHashMismatch)
    }

    @Test(arguments: names)
    func verifyAssertion_rejectsRecordingWithAlteredRPIDHash(_ name: String) throws {
        let recording = try Recording(name)
        var assertion = recording.assertion
        assertion.authenticatorData[0] ^= 0x01
        #expect(try recording.assertionCode(assertion) == .rpIDHashMismatch)
    }

    @Test(arguments: names)
    func verifyAssertion_rejectsRecordingWithOtherExpectedChallenge(_ name: String) throws {
        let recording = try Recording(name)
        var assertion = recording.assertion
        assertion.challenge =
            WebAuthnChallenge(random: SystemRandom(), transactionHash: recording.transactionHash).bytes
        #expect(try recording.assertionCode(assertion) == .challengeMismatch)
    }

    @Test(arguments: names)
    func verifyAssertion_rejectsRecordingWithAlteredSignatureByte(_ name: String) throws {
        let recording = try Recording(name)
        var assertion = recording.assertion
        assertion.signature[assertion.signature.count - 3] ^= 0x10
        #expect(try recording.assertionCode(assertion) == .badSignature)
    }

    @Test(arguments: names)
    func verifyAssertion_rejectsRecordingWithAlteredCounter(_ name: String) throws {
        let recording = try Recording(name)
        var assertion = recording.assertion
        assertion.authenticatorData[36] ^= 0x40
        #expect(try recording.assertionCode(assertion) == .badSignature)
    }

    @Test(arguments: names)
    func verifyAssertion_rejectsRecordingWhenStoredCounterIsNotLower(_ name: String) throws {
        let recording = try Recording(name)
        var record = try recording.record()
        let count = try AuthenticatorData(bytes: recording.assertion.authenticatorData).signCount
        for stored in [count, count + 1, UInt32.max] {
            record.signCount = stored
            #expect(try recording.assertionCode(record: record) == .counterRegressed, "stored \(stored)")
        }
    }

    @Test
    func verifyAssertion_rejectsRecordedPasskeyAgainstOtherUsersRecord() throws {
        // A discoverable passkey returns its user handle; it must be the record owner's.
        let recording = try Recording("webauthn-none")
        #expect(recording.assertion.userHandle != nil)
        var record = try recording.record()
        record.userHandle = Array("someone else".utf8)
        #expect(try recording.assertionCode(record: record) == .userHandleMismatch)
    }
}
