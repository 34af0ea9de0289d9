// RandomSource appears in the public API.
public import StepgateCrypto

/// A WebAuthn challenge, optionally bound to a transaction ("dynamic linking"), so that the
/// authenticator's signature itself proves which transaction the user approved.
///
/// Construction: a 32-byte nonce from the injected random source, and for a transaction the
/// 32-byte binding digest after it:
///
///     challenge = nonce                                  (32 bytes, no transaction)
///     challenge = nonce || SHA-256(label || hash)        (64 bytes, with a transaction)
///     label     = "stepgate-webauthn-transaction-v1\n"
///
/// where `hash` is the UTF-8 text of `Transaction.hash` (base64url SHA-256 of the bound
/// fields). The browser returns the challenge inside the signed client data, so a valid
/// assertion over a bound challenge covers the transaction's hash. The nonce keeps every
/// challenge unique; consuming it once and its expiry are the caller's to enforce.
public struct WebAuthnChallenge: Sendable, Hashable {
    /// The label that starts the hashed binding; a new construction gets a new label.
    public static let transactionLabel = "stepgate-webauthn-transaction-v1\n"
    /// Random bytes at the start of every challenge.
    public static let nonceLength = 32

    /// The challenge bytes, sent base64url-encoded as `challenge` in the options.
    public let bytes: [UInt8]

    /// A fresh challenge from `random`, bound to `transactionHash` when one is given.
    ///
    /// `transactionHash` is taken as opaque text (normally `Transaction.hash`). Traps when the
    /// random source returns fewer bytes than asked for: a short nonce must never be issued.
    public init(random: any RandomSource, transactionHash: String? = nil) {
        let nonce = random.bytes(Self.nonceLength)
        precondition(nonce.count == Self.nonceLength, "random source returned a short nonce")
        self.bytes = nonce + (transactionHash.map(Self.binding) ?? [])
    }

    /// A challenge issued before, from its stored bytes.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The challenge as base64url without padding, as WebAuthn options and client data carry it.
    public var base64URL: String { Base64URL.encode(bytes) }

    /// Whether this challenge carries the binding of `transactionHash`, compared in constant time.
    ///
    /// False for a challenge made without a transaction or for another one.
    public func binds(transactionHash: String) -> Bool {
        guard bytes.count == Self.nonceLength + 32 else { return false }
        return constantTimeEquals(Array(bytes.suffix(32)), Self.binding(transactionHash))
    }

    /// SHA-256 of the label followed by the transaction hash's text.
    private static func binding(_ transactionHash: String) -> [UInt8] {
        Digest.sha256(transactionLabel + transactionHash)
    }
}
