/// The decoded parts of a JWS; from `JWS.verify` only after its signature checked out.
public struct VerifiedJWS: Sendable, Hashable {
    /// The protected header, a JSON object.
    public let header: JSONValue
    /// The payload bytes, exactly as signed.
    public let payload: [UInt8]
}
