/// Why the probe itself could not go on: a transport failure, a response it cannot use, a
/// step it cannot answer. Messages are fixed text with codes, statuses and names; never a
/// secret, a token or a URL's query.
public struct ProbeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: String, Sendable {
        /// No HTTP response (refused, timed out, broken).
        case transport
        /// The discovery document or JWKS is missing or malformed.
        case discovery
        /// A response the probe did not expect (status, missing header, bad body).
        case unexpectedResponse
        /// The sign-in could not be completed (refused answer, a step the probe cannot answer).
        case login
        /// The token endpoint refused or answered malformed JSON.
        case token
        /// A token did not verify (signature, issuer, audience, expiry, nonce).
        case verification
        /// A WebAuthn ceremony could not be built or was refused.
        case webAuthn
        /// The fault proxy could not start or take a plan.
        case network
        /// A case used the harness wrongly (a programming error in the case).
        case misuse
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
