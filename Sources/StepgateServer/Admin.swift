import Foundation
public import StepgateCore
public import StepgateCrypto
public import StepgateStore

/// The administrative actions behind `stepgate user|factor|client|keys`.
///
/// They work on the store directly, so they run beside a live server (SQLite in WAL mode) and
/// on any node of a cluster.
public struct Admin: Sendable {
    let configuration: ServerConfiguration
    let store: any Store
    let masterKey: MasterKey
    let clock: any Clock
    let random: any RandomSource

    public init(
        configuration: ServerConfiguration,
        store: any Store,
        masterKey: MasterKey,
        clock: any Clock = SystemClock(),
        random: any RandomSource = SystemRandom()
    ) {
        self.configuration = configuration
        self.store = store
        self.masterKey = masterKey
        self.clock = clock
        self.random = random
    }

    /// Adds a user with an argon2id-hashed password.
    @discardableResult
    public func addUser(name: String, password: String) throws -> UserRecord {
        guard Self.isValidName(name) else {
            throw AdminError("user name: expected 1 to 64 letters, digits, '.', '_', '-' or '@'")
        }
        guard PasswordRule.problem(password) == nil else { throw Self.passwordRuleError }
        let hasher = PasswordHasher(parameters: configuration.passwordCost, random: random)
        let user = UserRecord(
            id: "u_" + random.token(byteCount: 12),
            name: name,
            passwordHash: try hasher.hash(Array(password.utf8)),
            disabled: false,
            createdAt: clock.now
        )
        do {
            try store.insertUser(user)
        } catch let error as StoreError where error.code == .conflict {
            throw AdminError("user name: already taken")
        }
        return user
    }

    /// Sets a user's password, and ends every session and revokes every refresh token of the user
    /// in the same transaction, as a change on the account page does (no session is kept).
    // Known gap: an administrator's change is neither audited nor announced to the user (this
    // command has no audit writer or outbox); the revocation itself happens all the same.
    public func setPassword(name: String, password: String) throws -> PasswordChangeResult {
        guard PasswordRule.problem(password) == nil else { throw Self.passwordRuleError }
        guard let user = try store.user(name: name) else { throw AdminError("user: no user has that name") }
        let hasher = PasswordHasher(parameters: configuration.passwordCost, random: random)
        let change = PasswordChange(
            userID: user.id,
            expectedHash: user.passwordHash,
            newHash: try hasher.hash(Array(password.utf8)),
            keptSession: nil,
            at: clock.now
        )
        guard let result = try store.changePassword(change) else {
            throw AdminError("user: the password changed meanwhile; run the command again")
        }
        return result
    }

    private static let passwordRuleError = AdminError(
        "password: expected \(PasswordRule.minimumCharacters) to \(PasswordRule.maximumBytes) bytes "
            + "(at least \(PasswordRule.minimumCharacters) characters)"
    )

    /// Disables a user: no new sign-in, refresh or userinfo succeeds, and live sessions end.
    public func disableUser(name: String) throws {
        guard let user = try store.user(name: name) else { throw AdminError("user: no user has that name") }
        _ = try store.setUserDisabled(id: user.id, disabled: true)
    }

    /// Enrols a TOTP factor (RFC 6238, SHA-1, 6 digits, 30 s) and returns its `otpauth://` URI.
    ///
    /// `secret` is the raw seed (from `--secret BASE32`), or nil to generate 20 random bytes.
    public func addTOTP(userName: String, secret: [UInt8]?) throws -> String {
        guard let user = try store.user(name: userName) else { throw AdminError("user: no user has that name") }
        if let secret, secret.count < 16 {
            throw AdminError("secret: expected at least 16 bytes (26 base32 characters)")
        }
        var seed = secret ?? TOTP.generateSecret(random: random)
        defer { wipe(&seed) }
        let id = "f_" + random.token(byteCount: 12)
        try store.insertFactor(
            FactorRecord(
                id: id,
                userID: user.id,
                kind: "totp",
                sealedSecret: try masterKey.seal(seed, purpose: "totp:\(id)"),
                lastUsedStep: nil,
                createdAt: clock.now,
                label: "Authenticator app"
            )
        )
        let issuer = URL(string: configuration.issuer)?.host ?? "Stepgate"
        return TOTP(secret: seed).provisioningURI(issuer: "Stepgate (\(issuer))", account: user.name)
    }

    /// Registers a client. A confidential client gets `secret`, or a generated one, returned once;
    /// `requiresDPoP` makes every token request of the client need a DPoP proof (RFC 9449).
    public func addClient(
        id: String,
        redirectURIs: [String],
        confidential: Bool,
        secret: String?,
        requiresDPoP: Bool = false
    ) throws -> (client: ClientRecord, secret: String?) {
        guard Self.isValidName(id) else {
            throw AdminError("client id: expected 1 to 64 letters, digits, '.', '_', '-' or '@'")
        }
        guard !redirectURIs.isEmpty else { throw AdminError("--redirect-uri: at least one is required") }
        for uri in redirectURIs where !Self.isValidRedirectURI(uri) {
            throw AdminError(
                "--redirect-uri: expected an absolute https URI (http only for localhost) without a fragment"
            )
        }
        if let secret, secret.utf8.count < ClientSecret.minimumLength {
            throw AdminError("client secret: expected at least \(ClientSecret.minimumLength) characters")
        }
        let issued = confidential ? (secret ?? ClientSecret.generate(random)) : nil
        var client = ClientRecord(
            id: id,
            secretHash: issued.map(ClientSecret.hash),
            redirectURIs: redirectURIs,
            createdAt: clock.now
        )
        client.requiresDPoP = requiresDPoP
        do {
            try store.insertClient(client)
        } catch let error as StoreError where error.code == .conflict {
            throw AdminError("client id: already taken")
        }
        return (client, secret == nil ? issued : nil)
    }

    /// How long a key must have been current before another rotation replaces it: twice the
    /// interval at which nodes reload their keys.
    static let minimumKeyAge: TimeInterval = 2 * KeyRing.defaultReloadInterval

    /// Makes a new signing key current; the old one stays published as the previous key.
    ///
    /// Refused, unless `force`, when the current key itself came from a rotation less than
    /// `minimumKeyAge` ago: a node that has not reloaded since signs with the key before it,
    /// which this rotation would stop publishing, so its tokens would be refused until it reloads.
    public func rotateKeys(force: Bool = false) throws -> String {
        if !force {
            let keys = try store.signingKeys()
            if let current = keys.first(where: { $0.retiredAt == nil }), keys.count > 1 {
                let age = clock.now.timeIntervalSince(current.createdAt)
                if age < Self.minimumKeyAge {
                    throw AdminError(
                        "the current signing key became current \(max(0, Int(age))) s ago; nodes reload keys every "
                            + "\(Int(KeyRing.defaultReloadInterval)) s, so rotating again now could leave one signing "
                            + "with a key that is no longer published: wait until it is \(Int(Self.minimumKeyAge)) s "
                            + "old, or pass --force"
                    )
                }
            }
        }
        return try KeyRing(store: store, masterKey: masterKey, clock: clock).rotate()
    }

    static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-@".unicodeScalars.contains($0))
            }
    }

    /// https anywhere, http only on loopback hosts, no fragment, no user info (RFC 6749 §3.1.2).
    static func isValidRedirectURI(_ text: String) -> Bool {
        guard text.utf8.count <= 2_048, !text.contains("#"), let url = URL(string: text),
            let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty, url.user == nil
        else { return false }
        switch scheme {
        case "https": return true
        case "http": return ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased())
        default: return false
        }
    }
}

/// A refused admin action, with a one-line reason for the command line; never holds a secret.
public struct AdminError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
