import StepgateCore
import StepgateCrypto
import StepgateHTTP
import Synchronization

/// What the cases of one run share: the HTTP client, the redactor, the users and their
/// authenticators, the provider's metadata, and signed-in sessions made once and copied to
/// the cases that only need a code.
final class ProbeEnvironment: Sendable {
    let target: TargetDescription
    let options: RunOptions
    let http: HTTPClient
    let redactor: Redactor
    let clock: any Clock
    let sleeper: any Sleeper
    let random: any RandomSource
    let users: [ProbeUser]
    /// The run's fault proxies when the target file has a `network:` section; every session
    /// goes through them.
    let network: ProbeNetwork?
    private let client = Mutex<OIDCClient?>(nil)
    private let sessions = Mutex<[String: ClientSession]>([:])
    /// The outcome of each user's preparation (WebAuthn registration), kept so it runs once.
    private let preparations = Mutex<[ProbeUser.Role: ProbeError?]>([:])

    init(
        target: TargetDescription,
        options: RunOptions,
        redactor: Redactor,
        clock: any Clock,
        sleeper: any Sleeper,
        random: any RandomSource
    ) throws(ProbeError) {
        self.target = target
        self.options = options
        self.http = HTTPClient()
        self.redactor = redactor
        self.clock = clock
        self.sleeper = sleeper
        self.random = random
        let origin = URLText.origin(target.issuer) ?? target.issuer
        var users: [ProbeUser] = []
        for (role, settings) in [
            (ProbeUser.Role.primary, target.user), (.second, target.secondUser),
            (.lockout, target.lockoutUser),
        ] {
            guard let settings else { continue }
            let totp = settings.totpSecret.flatMap {
                TOTPAnswerer(seed: $0, clock: clock, sleeper: sleeper)
            }
            let webAuthn =
                settings.webAuthn == .register
                ? try WebAuthnAnswerer(origin: origin, random: random) : nil
            users.append(
                ProbeUser(
                    role: role,
                    username: settings.username,
                    password: settings.password,
                    totp: totp,
                    webAuthn: webAuthn
                )
            )
        }
        self.users = users
        self.network = try target.network.map { plan throws(ProbeError) in
            try ProbeNetwork(target: target, plan: plan)
        }
    }

    func user(_ role: ProbeUser.Role) -> ProbeUser? {
        users.first { $0.role == role }
    }

    /// The provider's metadata, read once (its exchanges go into `evidence`).
    func oidc(_ evidence: EvidenceLog) throws(ProbeError) -> OIDCClient {
        if let client = client.withLock({ $0 }) { return client }
        let session = newSession("probe", evidence)
        let made = try OIDCClient.discover(session, target: target, random: random, clock: clock)
        client.withLock { $0 = made }
        return made
    }

    /// The levels lowest first: the target file's, else discovery's `acr_values_supported`.
    func levels(_ evidence: EvidenceLog) throws(ProbeError) -> [String] {
        if let levels = target.levels { return levels }
        let supported = try oidc(evidence).metadata.acrValuesSupported
        guard !supported.isEmpty else {
            throw ProbeError(
                .discovery,
                "acr_values_supported is empty; give levels in the target file"
            )
        }
        return supported
    }

    /// A new client recording into `evidence`, through `network` when given, else through the
    /// run's proxies (if any); `timeout` in seconds replaces the target file's.
    func newSession(
        _ label: String,
        _ evidence: EvidenceLog,
        network: ProbeNetwork? = nil,
        timeout: Double? = nil
    ) -> ClientSession {
        ClientSession(
            label: label,
            http: http,
            evidence: evidence,
            redactor: redactor,
            clock: clock,
            timeout: timeout ?? target.timeout,
            route: (network ?? self.network)?.overrides ?? []
        )
    }

    func driver(_ user: ProbeUser, preference: [FactorKind]? = nil) -> LoginDriver {
        var options = LoginOptions(ui: target.ui, maxWait: self.options.maxWait)
        if let preference { options.preference = preference }
        return LoginDriver(user: user, issuer: target.issuer, options: options)
    }

    /// A copy of `user`'s session signed in at `level`, made once per run; see
    /// `ClientSession.isSharedFork` for what a copy may not do.
    func sharedSession(_ user: ProbeUser, level: String, _ evidence: EvidenceLog) throws(ProbeError)
        -> ClientSession
    {
        try prepare(user, evidence)
        return try baseSession(user, level: level, evidence).fork(recordingInto: evidence)
    }

    /// Forgets `role`'s shared signed-in sessions, after a case ended them at the target (a
    /// password change); the next case that needs one signs in again.
    func forgetSharedSessions(_ role: ProbeUser.Role) {
        sessions.withLock { $0 = $0.filter { !$0.key.hasPrefix(role.rawValue + "/") } }
    }

    /// Registers `user`'s authenticator once, when the target file asks for it.
    func prepare(_ user: ProbeUser, _ evidence: EvidenceLog) throws(ProbeError) {
        guard user.webAuthn != nil else { return }
        if let outcome = preparations.withLock({ $0[user.role] }) {
            if let outcome { throw outcome }
            return
        }
        do {
            let levels = try levels(evidence)
            let level = user.totp != nil && levels.count > 1 ? levels[1] : levels[0]
            let session = try baseSession(user, level: level, evidence)
            let path = URLText.path(try oidc(evidence).metadata.authorizationEndpoint)
            try WebAuthnEnrolment(driver: driver(user), authorizationPath: path).register(session)
            preparations.withLock { $0[user.role] = .some(nil) }
        } catch {
            let failure = ProbeError(error.code, "registering the user's passkey: \(error.message)")
            preparations.withLock { $0[user.role] = failure }
            throw failure
        }
    }

    private func baseSession(_ user: ProbeUser, level: String, _ evidence: EvidenceLog)
        throws(ProbeError)
        -> ClientSession
    {
        let key = "\(user.role.rawValue)/\(level)"
        if let session = sessions.withLock({ $0[key] }) { return session }
        let session = newSession(user.role.rawValue, evidence)
        let oidc = try oidc(evidence)
        let parameters = oidc.parameters(acr: level)
        let callback = try signIn(session, user, parameters, evidence)
        guard let code = callback.code else {
            throw ProbeError(
                .login,
                "signing in at \(level) ended in \(callback.error ?? "no code")"
            )
        }
        let response = try oidc.redeem(session, code: code, verifier: parameters.codeVerifier)
        guard response.tokens != nil else {
            throw ProbeError(.token, "redeeming the sign-in code: \(response.status)")
        }
        sessions.withLock { $0[key] = session }
        return session
    }

    /// Sends `parameters` in `session` and answers every step as `user` until the redirect
    /// back to the client.
    func signIn(
        _ session: ClientSession,
        _ user: ProbeUser,
        _ parameters: AuthorizationParameters,
        _ evidence: EvidenceLog,
        preference: [FactorKind]? = nil
    ) throws(ProbeError) -> AuthorizationCallback {
        let oidc = try oidc(evidence)
        let redirectURI = parameters.redirectURI ?? target.client.redirectURI
        switch try oidc.authorize(session, parameters) {
        case .callback(let callback, _):
            return callback
        case .login(let location):
            let back = try driver(user, preference: preference).complete(session, from: location) {
                OIDCClient.isCallback($0, redirectURI: redirectURI)
            }
            return AuthorizationCallback(location: back)
        case .redirect:
            throw ProbeError(
                .unexpectedResponse,
                "the authorization request redirected off the provider"
            )
        case .page(let response):
            throw ProbeError(
                .unexpectedResponse,
                "the authorization request answered \(response.status)"
            )
        }
    }
}
