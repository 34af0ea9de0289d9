public import Foundation

// Plain rows as the store keeps them. Secrets are never here in clear: session IDs, codes and
// refresh tokens appear only as SHA-256 hashes (`…Hash`), TOTP seeds and private keys only as
// AES-256-GCM ciphertext sealed by the caller.

/// A person who can sign in.
public struct UserRecord: Sendable, Hashable {
    public var id: String
    public var name: String
    /// PHC string of the argon2id hash.
    public var passwordHash: String
    public var disabled: Bool
    public var createdAt: Date

    public init(id: String, name: String, passwordHash: String, disabled: Bool, createdAt: Date) {
        self.id = id
        self.name = name
        self.passwordHash = passwordHash
        self.disabled = disabled
        self.createdAt = createdAt
    }
}

/// A second factor enrolled for a user.
public struct FactorRecord: Sendable, Hashable {
    public var id: String
    public var userID: String
    /// `totp`, `sms` or `email`. (Security keys and passkeys are `WebAuthnCredentialRecord`s;
    /// recovery codes have a table of their own.)
    public var kind: String
    /// The factor's secret, sealed with AES-256-GCM under the master key: the TOTP seed, the
    /// phone number or the e-mail address.
    public var sealedSecret: [UInt8]
    /// The TOTP time-step most recently accepted; nil when none was.
    public var lastUsedStep: Int64?
    public var createdAt: Date
    /// What pages show for it, never the secret: `Authenticator app`, `•••• 1234`, `a•••@example.org`.
    public var label: String?

    public init(
        id: String,
        userID: String,
        kind: String,
        sealedSecret: [UInt8],
        lastUsedStep: Int64?,
        createdAt: Date,
        label: String? = nil
    ) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.sealedSecret = sealedSecret
        self.lastUsedStep = lastUsedStep
        self.createdAt = createdAt
        self.label = label
    }
}

/// A registered OAuth client.
public struct ClientRecord: Sendable, Hashable {
    public var id: String
    /// The stored hash of the client secret (`sha256:` and base64url; secrets are 32+ random
    /// characters, so a fast hash suffices); nil for a public client.
    public var secretHash: String?
    /// Exact redirect URIs; matched byte for byte.
    public var redirectURIs: [String]
    public var createdAt: Date
    /// Every token request of the client must carry a DPoP proof (RFC 9449 §5); false by default.
    public var requiresDPoP = false

    public var isPublic: Bool { secretHash == nil }

    public init(id: String, secretHash: String?, redirectURIs: [String], createdAt: Date) {
        self.id = id
        self.secretHash = secretHash
        self.redirectURIs = redirectURIs
        self.createdAt = createdAt
    }
}

/// One authentication event of a session: which method, at what time, and the level the
/// session held right after it.
public struct SessionEventRecord: Sendable, Hashable {
    /// RFC 8176 `amr` value of the method, such as `pwd` or `otp`.
    public var method: String
    public var time: Date
    /// The `acr` the session's events proved once this one was added; nil when none. For the
    /// record only: the level is always computed again from the events.
    public var level: String?

    public init(method: String, time: Date, level: String? = nil) {
        self.method = method
        self.time = time
        self.level = level
    }
}

/// A server-side browser session.
public struct SessionRecord: Sendable, Hashable {
    /// SHA-256 of the session ID carried in the cookie.
    public var idHash: [UInt8]
    /// nil until a user has proved who they are.
    public var userID: String?
    public var createdAt: Date
    public var lastSeenAt: Date
    /// The session is gone after this instant, whatever its events.
    public var expiresAt: Date
    public var events: [SessionEventRecord]

    public init(
        idHash: [UInt8],
        userID: String?,
        createdAt: Date,
        lastSeenAt: Date,
        expiresAt: Date,
        events: [SessionEventRecord]
    ) {
        self.idHash = idHash
        self.userID = userID
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
        self.events = events
    }
}

/// A login or step-up flow in progress, bound to the session that started it.
public struct FlowRecord: Sendable, Hashable {
    /// Random, unguessable flow ID (not secret on its own: useless without its session).
    public var id: String
    public var sessionIDHash: [UInt8]
    /// The `/authorize` request that started the flow, as JSON text.
    public var request: String
    /// The user once identified by the password step; nil before.
    public var userID: String?
    /// Failed answers to this flow so far.
    public var attempts: Int
    public var createdAt: Date
    public var expiresAt: Date
    /// Set once, by the atomic update that finishes the flow.
    public var completedAt: Date?

    public init(
        id: String,
        sessionIDHash: [UInt8],
        request: String,
        userID: String?,
        attempts: Int,
        createdAt: Date,
        expiresAt: Date,
        completedAt: Date?
    ) {
        self.id = id
        self.sessionIDHash = sessionIDHash
        self.request = request
        self.userID = userID
        self.attempts = attempts
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.completedAt = completedAt
    }
}

/// What an authorization code or refresh token proves about the user's authentication.
public struct GrantRecord: Sendable, Hashable {
    public var clientID: String
    public var userID: String
    public var scope: String
    /// Achieved `acr` at the time of the grant.
    public var acr: String
    /// RFC 8176 `amr` values, in order.
    public var amr: [String]
    public var authTime: Date

    public init(clientID: String, userID: String, scope: String, acr: String, amr: [String], authTime: Date) {
        self.clientID = clientID
        self.userID = userID
        self.scope = scope
        self.acr = acr
        self.amr = amr
        self.authTime = authTime
    }
}

/// An authorization code, stored by hash and consumed once.
public struct AuthorizationCodeRecord: Sendable, Hashable {
    public var codeHash: [UInt8]
    public var grant: GrantRecord
    public var redirectURI: String
    /// The PKCE S256 challenge sent to `/authorize`.
    public var codeChallenge: String
    public var nonce: String?
    public var createdAt: Date
    public var expiresAt: Date
    /// Set by the atomic update that redeems the code.
    public var consumedAt: Date?
    /// The transaction the user approved with this code (RFC 9396); only the access token
    /// issued for the code carries it, never a refreshed one.
    public var transaction: CodeTransaction?

    public init(
        codeHash: [UInt8],
        grant: GrantRecord,
        redirectURI: String,
        codeChallenge: String,
        nonce: String?,
        createdAt: Date,
        expiresAt: Date,
        consumedAt: Date? = nil,
        transaction: CodeTransaction? = nil
    ) {
        self.codeHash = codeHash
        self.grant = grant
        self.redirectURI = redirectURI
        self.codeChallenge = codeChallenge
        self.nonce = nonce
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.consumedAt = consumedAt
        self.transaction = transaction
    }
}

/// A transaction approved at `/authorize` with `authorization_details`.
public struct CodeTransaction: Sendable, Hashable {
    /// The policy action (the detail's `type`).
    public var action: String
    /// Base64url SHA-256 of the transaction (docs/policies.md).
    public var hash: String
    /// The `authorization_details` JSON array as the client sent it, re-serialised.
    public var authorizationDetails: String

    public init(action: String, hash: String, authorizationDetails: String) {
        self.action = action
        self.hash = hash
        self.authorizationDetails = authorizationDetails
    }
}

/// A refresh token, stored by hash; each use rotates it within its family.
public struct RefreshTokenRecord: Sendable, Hashable {
    public var tokenHash: [UInt8]
    /// Every token rotated from the same code shares the family; reuse revokes all of it.
    public var familyID: String
    public var grant: GrantRecord
    public var createdAt: Date
    public var expiresAt: Date
    /// Set by the atomic update that rotates the token.
    public var usedAt: Date?
    public var revokedAt: Date?
    /// The RFC 7638 thumbprint of the DPoP key the token is bound to (RFC 9449 §5): a refresh
    /// must come with a proof by that key. Nil for a token bound to no key.
    public var dpopThumbprint: String?
    /// The `jti` and expiry of the access token issued with this refresh token, so that revoking
    /// the family (or every token of the user) revokes that access token too; nil for a row
    /// that stands for no issued tokens (a replayed code's revoked marker, rows from before
    /// schema version 11).
    public var accessTokenID: String?
    public var accessTokenExpiresAt: Date?

    public init(
        tokenHash: [UInt8],
        familyID: String,
        grant: GrantRecord,
        createdAt: Date,
        expiresAt: Date,
        usedAt: Date?,
        revokedAt: Date?,
        dpopThumbprint: String? = nil,
        accessTokenID: String? = nil,
        accessTokenExpiresAt: Date? = nil
    ) {
        self.dpopThumbprint = dpopThumbprint
        self.accessTokenID = accessTokenID
        self.accessTokenExpiresAt = accessTokenExpiresAt
        self.tokenHash = tokenHash
        self.familyID = familyID
        self.grant = grant
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
        self.revokedAt = revokedAt
    }
}

/// An ES256 signing key; the private half sealed under the master key.
public struct SigningKeyRecord: Sendable, Hashable {
    public var kid: String
    /// PKCS#8 DER of the private key, sealed with AES-256-GCM.
    public var sealedPrivateKey: [UInt8]
    public var createdAt: Date
    /// nil while the key signs; set when a newer key replaced it.
    public var retiredAt: Date?

    public init(kid: String, sealedPrivateKey: [UInt8], createdAt: Date, retiredAt: Date?) {
        self.kid = kid
        self.sealedPrivateKey = sealedPrivateKey
        self.createdAt = createdAt
        self.retiredAt = retiredAt
    }
}
