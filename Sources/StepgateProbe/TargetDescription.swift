// Public: durations are `TimeInterval`s.
public import Foundation

/// What `stepgate probe` attacks: a provider, a client registered there, users with the means
/// to answer their factors, and protected resources with what each should demand.
///
/// Read from a YAML file by `TargetDescription.load` (keys in docs/probe.md). Secrets are
/// `Secret`s and print `<redacted>`.
public struct TargetDescription: Sendable {
    /// How the probe answers sign-in pages.
    public enum LoginUI: String, Sendable, CaseIterable {
        /// Stepgate's JSON API when a login redirect is `/login?flow=...`, else HTML forms.
        case auto
        /// HTML forms, found by their `autocomplete` tokens.
        case html
        /// Stepgate's JSON login API (`/api/login`).
        case json
    }

    /// The OAuth client the probe acts as.
    public struct Client: Sendable {
        public var id: String
        /// The exact redirect URI registered for the client; the probe reads codes from the
        /// `Location` header and never follows it.
        public var redirectURI: String
        /// Present for a confidential client (sent with `client_secret_basic`).
        public var secret: Secret?
    }

    /// Whether the probe registers a software WebAuthn authenticator for a user.
    public enum WebAuthnSetup: String, Sendable, CaseIterable {
        /// No WebAuthn: steps that need it cannot be answered.
        case none
        /// Register an ES256 passkey through Stepgate's `/account/webauthn` pages first.
        case register
    }

    /// A test user and how to answer its factors.
    public struct User: Sendable {
        public var username: String
        public var password: Secret
        /// The base32 TOTP seed (RFC 6238, SHA-1, 6 digits, 30 s), when the user has an app.
        public var totpSecret: Secret?
        public var webAuthn: WebAuthnSetup
        /// The page where the user changes their password (`password_change_url`); nil means
        /// the issuer's `/account/password`, used when it answers a signed-in user with a form.
        public var passwordChangeURL: String?
    }

    /// What a protected resource should demand, and for a bound one, another transaction.
    public struct Expectation: Sendable {
        /// The lowest level (`acr`) the resource should ask for.
        public var acr: String
        /// The freshness it should ask for, in seconds, when it has one.
        public var maxAge: Int?
        /// Whether an approval moves exactly one transaction, once.
        public var bound: Bool
        /// The same action for another amount or payee (a bound resource only).
        public var otherURL: String?
        /// The other transaction's body, when it travels in the body.
        public var otherBody: String?
    }

    /// One protected resource.
    public struct Resource: Sendable {
        public var name: String
        /// An HTTP method in capitals.
        public var method: String
        public var url: String
        public var body: String?
        public var contentType: String?
        /// A browser (`Accept: text/html`, cookies, step-up by redirect) or an API client
        /// (bearer tokens, RFC 9470 challenges).
        public var browser: Bool
        /// Statuses that mean the request went through; empty for any 2xx.
        public var allowedStatus: [Int]
        /// RFC 9396 `authorization_details` (a JSON array) an API client asks for when it steps
        /// up for this request, unless the challenge's JSON body names them.
        public var authorizationDetails: String?
        public var expects: Expectation

        /// Whether `status` means the request went through.
        public func isAllowed(status: Int) -> Bool {
            allowedStatus.isEmpty ? (200..<300).contains(status) : allowedStatus.contains(status)
        }
    }

    /// The provider's issuer; discovery is at issuer + `/.well-known/openid-configuration`.
    public var issuer: String
    public var client: Client
    public var ui: LoginUI
    public var user: User
    /// Another user, for cases that swap state or sessions between two people.
    public var secondUser: User?
    /// A user the brute-force case may lock out (its failure budget is spent on purpose), so
    /// that no other case uses it.
    public var lockoutUser: User?
    public var resources: [Resource]
    /// The levels lowest first; nil to take the order of discovery's `acr_values_supported`.
    public var levels: [String]?
    /// How long the target keeps a login or step-up flow open, in seconds, when known.
    public var flowLifetime: TimeInterval?
    /// Limit of each HTTP exchange, in seconds (default 10).
    public var timeout: TimeInterval
    /// The faults of the `network:` section: with one, every exchange of the run goes through
    /// a `FaultProxy` following it. Nil without the section (or with `--no-network`).
    public var network: FaultPlan?
    /// The `load:` section (or `--load`): virtual users doing complete step-ups after the
    /// cases. Nil for no load run.
    public var load: LoadPlan?

    /// Every secret the description holds, for the evidence redactor.
    public var secrets: [String] {
        var values = [client.secret?.revealed]
        for user in [user] + [secondUser, lockoutUser].compactMap({ $0 }) {
            values += [user.password.revealed, user.totpSecret?.revealed]
        }
        return values.compactMap { $0 }.filter { !$0.isEmpty }
    }
}
