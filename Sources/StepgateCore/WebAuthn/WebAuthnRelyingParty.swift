import StepgateCrypto

/// The relying party a WebAuthn ceremony is checked for: its RP ID and the origins its pages
/// are served from.
public struct WebAuthnRelyingParty: Sendable, Hashable {
    /// The RP ID (WebAuthn §5.1.2): a registrable domain such as `bank.example`, or `localhost`.
    public let id: String
    /// Every origin the ceremony may run on, compared exactly: scheme, host and any port, no
    /// trailing slash (`https://bank.example`, `http://localhost:8080`).
    public let origins: Set<String>
    /// SHA-256 of the UTF-8 RP ID, which authenticator data must carry.
    public let idHash: [UInt8]

    /// A relying party with RP ID `id`, accepting ceremonies from `origins`.
    ///
    /// Nothing is checked here: validate configuration (an `https` origin whose host is the
    /// RP ID or below it, except on `localhost`) where it is loaded.
    public init(id: String, origins: Set<String>) {
        self.id = id
        self.origins = origins
        self.idHash = Digest.sha256(id)
    }
}
