import StepgateCrypto

/// The client data a browser collected and the authenticator signed over (WebAuthn §5.8.1),
/// read from `clientDataJSON`.
///
/// Only the members a relying party checks are kept; others (`tokenBinding`, future ones) are
/// ignored, as §5.8.1.2 asks.
public struct CollectedClientData: Sendable, Hashable {
    /// The ceremony a `type` names.
    public struct CeremonyType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The `type` string.
        public let rawValue: String

        /// The type named `rawValue`.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// A registration: `webauthn.create`.
        public static let create = CeremonyType(rawValue: "webauthn.create")
        /// An assertion: `webauthn.get`.
        public static let get = CeremonyType(rawValue: "webauthn.get")

        /// The `type` string.
        public var description: String { rawValue }
    }

    /// Nesting allowed in client data; browsers send a flat object.
    static let maximumDepth = 4

    /// `type`.
    public let type: CeremonyType
    /// `challenge`, decoded from base64url.
    public let challenge: [UInt8]
    /// `origin`, e.g. `https://bank.example` (no trailing slash).
    public let origin: String
    /// `crossOrigin`; false when absent.
    public let crossOrigin: Bool
    /// `topOrigin`, present only for a ceremony in a cross-origin iframe.
    public let topOrigin: String?

    /// The client data in `json`, the bytes of `clientDataJSON` (WebAuthn §7.1 steps 5-6,
    /// §7.2 steps 8-9).
    ///
    /// Throws `WebAuthnError.malformed` when the bytes are not one strict JSON object (valid
    /// UTF-8, no duplicate members), when `type`, `challenge` or `origin` is missing or not a
    /// string, when `challenge` is not canonical base64url, or when `crossOrigin` is not a
    /// Boolean or `topOrigin` not a string.
    public init(json: [UInt8]) throws(WebAuthnError) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(json, maxDepth: Self.maximumDepth)
        } catch {
            throw WebAuthnError(.malformed, "client data is not strict JSON")
        }
        guard value.objectValue != nil else {
            throw WebAuthnError(.malformed, "client data is not a JSON object")
        }
        guard let type = value["type"]?.stringValue,
            let challengeText = value["challenge"]?.stringValue,
            let origin = value["origin"]?.stringValue
        else {
            throw WebAuthnError(.malformed, "client data type, challenge or origin missing or not a string")
        }
        guard let challenge = Base64URL.decode(challengeText) else {
            throw WebAuthnError(.malformed, "client data challenge is not base64url")
        }
        let crossOrigin = value["crossOrigin"]
        guard crossOrigin == nil || crossOrigin?.boolValue != nil else {
            throw WebAuthnError(.malformed, "client data crossOrigin is not a Boolean")
        }
        let topOrigin = value["topOrigin"]
        guard topOrigin == nil || topOrigin?.stringValue != nil else {
            throw WebAuthnError(.malformed, "client data topOrigin is not a string")
        }
        self.type = CeremonyType(rawValue: type)
        self.challenge = challenge
        self.origin = origin
        self.crossOrigin = crossOrigin?.boolValue ?? false
        self.topOrigin = topOrigin?.stringValue
    }
}
