// CBORValue appears in the public API (the attestation statement).
public import StepgateCrypto

/// The attestation object a registration returns (WebAuthn §6.5.4): the statement format, the
/// attestation statement, and the authenticator data, decoded but not yet verified.
public struct AttestationObject: Sendable, Hashable {
    /// `fmt`; any string is kept, and verification refuses all but `none` and `packed`.
    public let format: AttestationFormat
    /// `attStmt`, a CBOR map whose syntax depends on `format`.
    public let statement: CBORValue
    /// `authData`, parsed.
    public let authenticatorData: AuthenticatorData

    /// The attestation object in `bytes` (WebAuthn §7.1 step 12).
    ///
    /// Throws `WebAuthnError.malformed` when the bytes are not exactly one CBOR map, or `fmt`
    /// is not a text string, `attStmt` not a map, or `authData` not a byte string; and
    /// whatever `AuthenticatorData(bytes:)` throws for the authenticator data.
    public init(bytes: [UInt8]) throws(WebAuthnError) {
        let value: CBORValue
        do {
            value = try CBORValue.decode(bytes)
        } catch {
            throw WebAuthnError(.malformed, "attestation object is not one CBOR item (\(error.code))")
        }
        guard let format = value["fmt"]?.textValue else {
            throw WebAuthnError(.malformed, "attestation object fmt missing or not text")
        }
        guard let statement = value["attStmt"], statement.mapValue != nil else {
            throw WebAuthnError(.malformed, "attestation object attStmt missing or not a map")
        }
        guard let authenticatorData = value["authData"]?.bytesValue else {
            throw WebAuthnError(.malformed, "attestation object authData missing or not bytes")
        }
        self.format = AttestationFormat(rawValue: format)
        self.statement = statement
        self.authenticatorData = try AuthenticatorData(bytes: authenticatorData)
    }
}
