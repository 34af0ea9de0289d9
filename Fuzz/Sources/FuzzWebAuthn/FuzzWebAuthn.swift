import FuzzSupport
import StepgateCore
import StepgateCrypto

/// The WebAuthn parsers on arbitrary bytes: `AuthenticatorData`, `AttestationObject` (then a
/// full registration check against fixed client data), `CollectedClientData`, and
/// `X509Certificate`. What parses must be consistent with its flags and limits.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebAuthn(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = FuzzInput(data, size).bytes
    if let authenticatorData = try? AuthenticatorData(bytes: bytes) {
        check(authenticatorData, from: bytes)
    }
    if let attestation = try? AttestationObject(bytes: bytes) {
        check(attestation.authenticatorData, from: attestation.authenticatorData.bytes)
        verifyRegistration(attestationObject: bytes)
    }
    if let clientData = try? CollectedClientData(json: bytes) {
        let challenge = Base64URL.encode(clientData.challenge)
        require(Base64URL.decode(challenge) == clientData.challenge, "challenge does not survive base64url")
    }
    if let certificate = try? X509Certificate(derEncoded: bytes) {
        require(certificate.derEncoded == bytes, "certificate does not keep its bytes")
        require(certificate.version >= 1, "version below 1")
        require(certificate.aaguidExtension.map { $0.aaguid.count == 16 } ?? true, "AAGUID not 16 bytes")
    }
    return 0
}

/// The flags and the parts they announce agree, and the limits hold.
private func check(_ data: AuthenticatorData, from bytes: [UInt8]) {
    require(data.bytes == bytes, "authenticator data does not keep its bytes")
    require(data.rpIDHash.count == 32, "rpIdHash not 32 bytes")
    require(!data.isBackedUp || data.isBackupEligible, "BS accepted without BE")
    let announcesCredential = data.flags.contains(.attestedCredentialData)
    require(announcesCredential == (data.attestedCredentialData != nil), "AT and credential disagree")
    require(data.flags.contains(.extensionData) == (data.extensions != nil), "ED and extensions disagree")
    require(data.extensions.map { $0.mapValue != nil } ?? true, "extensions not a map")
    if let credential = data.attestedCredentialData {
        require(credential.aaguid.count == 16, "AAGUID not 16 bytes")
        let length = credential.credentialID.count
        require(length >= 1 && length <= AuthenticatorData.maximumCredentialIDLength, "credential ID length")
        require(COSEAlgorithm.supported.contains(credential.publicKey.algorithm), "unsupported key accepted")
    }
}

/// A registration with this attestation object and matching client data: any outcome but a crash.
private func verifyRegistration(attestationObject: [UInt8]) {
    let challenge = [UInt8](repeating: 7, count: 32)
    let clientData = JSONValue.object([
        "type": "webauthn.create", "challenge": .string(Base64URL.encode(challenge)),
        "origin": "http://localhost",
    ])
    let verifier = WebAuthnVerifier(relyingParty: WebAuthnRelyingParty(id: "localhost", origins: ["http://localhost"]))
    let registration = WebAuthnRegistration(
        challenge: challenge,
        userHandle: [1],
        requiresUserVerification: false,
        clientDataJSON: clientData.serialized(),
        attestationObject: attestationObject
    )
    if let record = try? verifier.verifyRegistration(registration) {
        require((try? COSEPublicKey(cbor: record.publicKey)) != nil, "registered key does not read back")
    }
}
