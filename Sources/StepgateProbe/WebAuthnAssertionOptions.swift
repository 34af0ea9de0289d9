/// How the software authenticator departs from a correct assertion, for the WebAuthn cases:
/// each field left at its default gives what a browser and an honest authenticator would send.
public struct WebAuthnAssertionOptions: Sendable, Equatable {
    /// The origin `clientDataJSON` names instead of the page's (WebAuthn §7.2 step 13).
    public var origin: String?
    /// The ceremony type instead of `webauthn.get` (§7.2 step 11).
    public var type: String?
    /// The challenge signed instead of the one the relying party sent (§7.2 step 12).
    public var challenge: [UInt8]?
    /// The signature counter to send instead of one above every counter sent before (§7.2
    /// step 22); the answerer's own counter never goes down.
    public var signCount: UInt32?
    /// Whether the UV flag is set (§7.2 step 16); `false` is a key used without its PIN.
    public var userVerified = true

    /// A correct assertion.
    public init() {}

    /// Whether these options give a correct assertion.
    public var isHonest: Bool { self == WebAuthnAssertionOptions() }
}
