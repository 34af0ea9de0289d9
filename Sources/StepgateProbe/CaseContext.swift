// Public: cases see the run's `Clock` and `RandomSource`.
public import StepgateCore
public import StepgateCrypto

/// What a running case works with: the target, fresh or shared sessions, the OIDC client, the
/// users' authenticators, and its own evidence log. Every session it hands out records into
/// this case's evidence.
public final class CaseContext: Sendable {
    public let info: CaseInfo
    public let evidence: EvidenceLog
    let environment: ProbeEnvironment

    init(info: CaseInfo, evidence: EvidenceLog, environment: ProbeEnvironment) {
        self.info = info
        self.evidence = evidence
        self.environment = environment
    }

    public var target: TargetDescription { environment.target }
    public var options: RunOptions { environment.options }
    public var clock: any Clock { environment.clock }
    public var random: any RandomSource { environment.random }
    public var redactor: Redactor { environment.redactor }

    /// The provider's metadata and the client the probe acts as.
    public func oidc() throws(ProbeError) -> OIDCClient {
        try environment.oidc(evidence)
    }

    /// The levels, lowest first.
    public func levels() throws(ProbeError) -> [String] {
        try environment.levels(evidence)
    }

    /// The position of `acr` among the levels; nil for a value that is not a level.
    public func rank(_ acr: String?) throws(ProbeError) -> Int? {
        guard let acr else { return nil }
        return try levels().firstIndex(of: acr)
    }

    /// The lowest level.
    public func lowestLevel() throws(ProbeError) -> String {
        try levels()[0]
    }

    /// The second level (the lowest one above the lowest); skips the case when there is none.
    public func secondLevel() throws -> String {
        let levels = try levels()
        guard levels.count > 1 else { throw CaseSkipped("the target has a single level") }
        return levels[1]
    }

    /// The user in `role`; skips the case when the target file has none.
    public func user(_ role: ProbeUser.Role = .primary) throws -> ProbeUser {
        guard let user = environment.user(role) else {
            throw CaseSkipped("the target file has no \(role.rawValue)")
        }
        return user
    }

    /// A new client with no cookies.
    public func session(_ label: String = "user") -> ClientSession {
        environment.newSession(label, evidence)
    }

    /// A copy of `role`'s session signed in at `level` (made once per run): asks for codes
    /// without answering anything. It must not answer factors (`ClientSession.isSharedFork`).
    public func sharedSession(_ role: ProbeUser.Role = .primary, level: String) throws
        -> ClientSession
    {
        let user = try user(role)
        try environment.prepare(user, evidence)
        return try environment.sharedSession(user, level: level, evidence)
    }

    /// The login driver for `role`, picking second factors in `preference` order.
    public func driver(_ role: ProbeUser.Role = .primary, preference: [FactorKind]? = nil) throws
        -> LoginDriver
    {
        let user = try user(role)
        try environment.prepare(user, evidence)
        return environment.driver(user, preference: preference)
    }

    /// Sends `parameters` in `session` and answers every step as `role` until the client's
    /// redirect URI; returns what came back.
    public func signIn(
        _ session: ClientSession,
        as role: ProbeUser.Role = .primary,
        _ parameters: AuthorizationParameters,
        preference: [FactorKind]? = nil
    ) throws -> AuthorizationCallback {
        let user = try user(role)
        try environment.prepare(user, evidence)
        return try environment.signIn(session, user, parameters, evidence, preference: preference)
    }

    /// The code of `callback`; fails the case when it carries an error instead.
    public func code(_ callback: AuthorizationCallback, _ what: String = "the authorization") throws
        -> String
    {
        guard let code = callback.code else {
            throw CaseFailed(
                "\(what) ended in \(callback.error ?? "a redirect without code or error")"
            )
        }
        return code
    }

    /// Tokens for `code`; fails the case unless the token endpoint answers 200.
    public func redeem(
        _ session: ClientSession,
        code: String,
        _ parameters: AuthorizationParameters
    ) throws -> TokenSet {
        let response = try oidc().redeem(session, code: code, verifier: parameters.codeVerifier)
        guard let tokens = response.tokens else {
            throw CaseFailed(
                "the token endpoint refused a fresh code: \(response.status) \(response.error ?? "")"
            )
        }
        return tokens
    }

    /// A code and tokens for `parameters` in `session`, signing in as `role` where needed.
    public func tokens(
        _ session: ClientSession,
        as role: ProbeUser.Role = .primary,
        _ parameters: AuthorizationParameters,
        preference: [FactorKind]? = nil
    ) throws -> TokenSet {
        let callback = try signIn(session, as: role, parameters, preference: preference)
        return try redeem(session, code: try code(callback), parameters)
    }

    /// Fails the case with `reason` unless `condition` holds.
    public func require(_ condition: Bool, _ reason: @autoclosure () -> String) throws {
        if !condition { throw CaseFailed(reason()) }
    }

    /// A line for the report's reader (redacted like all evidence).
    public func note(_ text: String) {
        evidence.note(redactor.text(text))
    }

    /// Waits `seconds` (through the injected sleeper).
    public func sleep(seconds: Double) {
        environment.sleeper.sleep(seconds: seconds)
    }
}
