/// An attestation statement format identifier (WebAuthn §8, IANA "WebAuthn Attestation
/// Statement Format Identifiers").
///
/// Any string can be held (to name what was refused); only `none` and `packed` are verified.
public struct AttestationFormat: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The `fmt` string, matched case-sensitively.
    public let rawValue: String

    /// The format named `rawValue`.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// No attestation (§8.7): the client removed it, or the relying party asked for none.
    public static let none = AttestationFormat(rawValue: "none")
    /// Packed attestation (§8.2): self attestation, or a signature by an attestation certificate.
    public static let packed = AttestationFormat(rawValue: "packed")

    /// The `fmt` string.
    public var description: String { rawValue }
}
