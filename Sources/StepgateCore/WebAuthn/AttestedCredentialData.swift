// COSEPublicKey appears in the public API.
public import StepgateCrypto

/// The credential a registration creates, as the authenticator data carries it (WebAuthn
/// §6.5.2): AAGUID (16 bytes), credential ID length (2, big-endian), credential ID, and the
/// credential public key as a COSE_Key.
public struct AttestedCredentialData: Sendable, Hashable {
    /// The authenticator model's AAGUID, 16 bytes; may be all zeros when the client hid it
    /// (attestation `none`), and is the authenticator's unproven claim otherwise.
    public let aaguid: [UInt8]
    /// The credential ID, 1 to 1023 bytes.
    public let credentialID: [UInt8]
    /// The credential public key; `publicKey.encoded` is what a relying party stores.
    public let publicKey: COSEPublicKey

    /// Reads the attested credential data at the reader's position, leaving it after the key.
    init(reading reader: inout ByteReader) throws(WebAuthnError) {
        let aaguid = try reader.read(16, "the AAGUID")
        let length = try reader.read(2, "the credential ID length").reduce(0) { $0 << 8 | Int($1) }
        // §7.1 step 25: the credential ID must be at most 1023 bytes.
        guard length > 0, length <= AuthenticatorData.maximumCredentialIDLength else {
            throw WebAuthnError(.malformed, "credential ID of \(length) bytes")
        }
        let credentialID = try reader.read(length, "the credential ID")
        let consumed: Int
        do {
            consumed = try CBORValue.decodePrefix(of: reader.rest).consumed
        } catch {
            throw WebAuthnError(.malformed, "credential public key is not CBOR (\(error.code))")
        }
        let keyBytes = try reader.read(consumed, "the credential public key")
        do {
            self.publicKey = try COSEPublicKey(cbor: keyBytes)
        } catch {
            let code: WebAuthnError.Code =
                error.code == .malformed || error.code == .invalidKey ? .malformed : .unsupportedAlgorithm
            throw WebAuthnError(code, "credential public key refused (\(error.code): \(error.detail))")
        }
        self.aaguid = aaguid
        self.credentialID = credentialID
    }
}
