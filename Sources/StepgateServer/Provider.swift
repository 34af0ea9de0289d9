import Foundation
public import StepgateCore
public import StepgateCrypto
public import StepgateHTTP
public import StepgateStore

/// The OpenID Connect provider: every endpoint, over one store, clock and source of randomness.
///
/// Handlers are synchronous and run on the HTTP server's worker threads; all state lives in the
/// store, so any number of threads (and, with a shared database, nodes) can serve at once.
public final class Provider: Sendable {
    let configuration: ServerConfiguration
    let store: any Store
    let clock: any Clock
    let random: any RandomSource
    let logger: Logger
    let masterKey: MasterKey
    let keys: KeyRing
    let passwords: PasswordHasher
    let metrics: Metrics
    /// Where security events go; written in the background (see `AuditLog`).
    let auditLog: AuditLog
    /// Signs CSRF tokens; derived from the master key so every node agrees.
    let csrfKey: [UInt8]
    /// Hashes unknown user names into failure-budget keys, so unknown and known names behave alike.
    let budgetKey: [UInt8]
    /// A real hash to verify against when the user is unknown, so timing does not tell.
    let decoyPasswordHash: String
    /// Signs the step-up tickets the decision endpoint hands to browsers.
    let stepUpKey: [UInt8]
    /// Makes and checks DPoP nonces (RFC 9449 §8); derived from the master key so every node
    /// accepts every node's nonces.
    let dpopNonces: DPoPNonce
    let discoveryDocument: [UInt8]
    /// Scores decisions; its configuration was validated when the configuration loaded.
    let riskEngine: RiskEngine
    /// The IP geolocation database named by `geo.database`; nil when none is configured.
    let geoDatabase: GeoDatabase?
    /// Queues e-mail and SMS to users (one-time codes, factor changes); see docs/delivery.md.
    public let notifier: Notifier
    /// Sends what `notifier` queued; `Service` starts and stops its thread.
    public let deliveryWorker: DeliveryWorker
    /// Counts requests against `rate_limit.*` in the store, shared by every node.
    let rateLimiter: RateLimiter
    /// Deletes expired rows; `Service` starts and stops its thread.
    let pruner: Pruner

    /// A provider over `store`; creates the first signing key if the store has none.
    public init(
        configuration: ServerConfiguration,
        store: any Store,
        masterKey: MasterKey,
        clock: any Clock = SystemClock(),
        random: any RandomSource = SystemRandom(),
        logger: Logger
    ) throws {
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.random = random
        self.logger = logger
        self.masterKey = masterKey
        self.keys = KeyRing(store: store, masterKey: masterKey, clock: clock)
        self.passwords = PasswordHasher(parameters: configuration.passwordCost, random: random)
        self.csrfKey = masterKey.derive("stepgate csrf v1")
        self.budgetKey = masterKey.derive("stepgate failure budget v1")
        self.stepUpKey = masterKey.derive("stepgate step-up ticket v1")
        self.dpopNonces = DPoPNonce(key: masterKey.derive("stepgate dpop nonce v1"))
        self.decoyPasswordHash = try passwords.hash(random.bytes(24))
        self.discoveryDocument = Self.discovery(configuration).serialized()
        self.metrics = Metrics(routes: Self.routePaths(demo: configuration.demo))
        self.auditLog = AuditLog(store: store, clock: clock, logger: logger, metrics: metrics)
        self.rateLimiter = RateLimiter(
            store: store,
            clock: clock,
            key: masterKey.derive("stepgate rate limit v1"),
            metrics: metrics,
            logger: logger
        )
        self.pruner = Pruner(
            store: store,
            clock: clock,
            logger: logger,
            metrics: metrics,
            horizons: Pruner.Horizons(configuration)
        )
        self.riskEngine = try RiskEngine(configuration: configuration.risk)
        self.geoDatabase = try configuration.geoDatabasePath.map { try GeoDatabase(path: $0) }
        var deliveryOptions = DeliveryWorker.Options()
        deliveryOptions.sendTimeout = configuration.delivery.timeout
        let worker = DeliveryWorker(
            store: store,
            masterKey: masterKey,
            transports: configuration.delivery.makeTransports(clock: clock),
            schedule: RetrySchedule(maxAttempts: configuration.delivery.maxAttempts),
            clock: clock,
            random: random,
            logger: logger,
            metrics: metrics,
            options: deliveryOptions
        )
        self.deliveryWorker = worker
        self.notifier = Notifier(
            store: store,
            masterKey: masterKey,
            channels: configuration.delivery.channels,
            clock: clock,
            random: random,
            logger: logger,
            wake: { worker.wake() }
        )
        try keys.reload()
    }

    /// Queues an audit record of `kind` for this request; `fields` must hold no secret.
    func audit(_ kind: AuditKind, requestID: String, _ fields: [String: String?]) {
        var present: [String: String] = [AuditKey.requestID: requestID]
        for case (let name, let value?) in fields { present[name] = value }
        auditLog.record(kind, present)
    }

    /// The request handler to give the HTTP server; every error becomes a response inside it.
    public func makeHandler() -> @Sendable (HTTPRequest) -> HTTPResponse {
        let router = makeRouter()
        assert(router.routes == Set(Self.routePaths(demo: configuration.demo)), "metrics route list is stale")
        let routeIndex = Dictionary(uniqueKeysWithValues: router.routes.map { ($0, metrics.routeIndex($0)) })
        let unmatched = metrics.routeIndex("")
        return { [self] request in
            let response = router.handle(request)
            metrics.countRequest(route: routeIndex[request.path] ?? unmatched, status: response.status)
            return response
        }
    }

    /// Every path the router serves, for the metrics' fixed route labels.
    static func routePaths(demo: Bool) -> [String] {
        [
            "/", "/static/style.css", "/.well-known/openid-configuration", "/jwks.json", "/authorize", "/login",
            "/api/login", "/token", "/userinfo", "/revoke", "/introspect", "/logout", "/healthz", "/readyz", "/metrics",
            "/stepup", "/decide", "/denied", "/static/webauthn.js", "/account", "/account/totp",
            "/account/totp/confirm",
            "/account/recovery", "/account/remove", "/account/device", "/account/phone", "/account/email",
            "/account/confirm", "/account/webauthn", "/account/webauthn/finish", "/account/password",
        ] + (demo ? ["/demo", "/demo/callback"] : [])
    }

    private func makeRouter() -> Router {
        var router = Router()
        // `limited` routes count each request against its client address (`rate_limit.ip`)
        // before the handler runs, so a refused request changes nothing else.
        func add(
            _ method: HTTPMethod,
            _ path: String,
            limited: RateLimitAnswer? = nil,
            _ handler: @escaping @Sendable (Provider, HTTPRequest) throws -> HTTPResponse
        ) {
            router.add(method, path) { [self] request in
                self.funnel(request) {
                    if let limited, let refusal = try self.addressRefusal(request) {
                        return self.rateLimitedResponse(refusal, limited)
                    }
                    return try handler(self, request)
                }
            }
        }
        add(.get, "/", { $0.home($1) })
        add(.get, "/static/style.css", { $0.stylesheet($1) })
        add(.get, "/.well-known/openid-configuration", { $0.discovery($1) })
        add(.get, "/jwks.json", { try $0.jwks($1) })
        add(.get, "/authorize", limited: .html, { try $0.authorize($1) })
        add(.post, "/authorize", limited: .html, { try $0.authorize($1) })
        add(.get, "/login", limited: .html, { try $0.loginPage($1) })
        add(.post, "/login", limited: .html, { try $0.loginSubmit($1) })
        add(.get, "/api/login", limited: .json, { try $0.loginState($1) })
        add(.post, "/api/login", limited: .json, { try $0.loginAnswer($1) })
        add(.post, "/token", limited: .oauth, { try $0.token($1) })
        add(.get, "/userinfo", { try $0.userinfo($1) })
        add(.post, "/userinfo", { try $0.userinfo($1) })
        add(.post, "/revoke", limited: .oauth, { try $0.revoke($1) })
        add(.post, "/introspect", limited: .oauth, { try $0.introspect($1) })
        add(.get, "/stepup", limited: .html, { try $0.stepUpPage($1) })
        add(.get, "/decide", { try $0.decide($1) })
        add(.post, "/decide", { try $0.decide($1) })
        add(.get, "/denied", { $0.deniedPage($1) })
        add(.get, "/logout", { try $0.logoutPage($1) })
        add(.post, "/logout", { try $0.logout($1) })
        add(.get, "/static/webauthn.js", { $0.webAuthnScript($1) })
        add(.get, "/account", { try $0.accountPage($1) })
        add(.post, "/account/totp", limited: .html, { try $0.addTOTP($1) })
        add(.get, "/account/totp", { try $0.totpPage($1) })
        add(.post, "/account/totp/confirm", limited: .html, { try $0.confirmTOTP($1) })
        add(.post, "/account/recovery", limited: .html, { try $0.regenerateRecovery($1) })
        add(.post, "/account/remove", limited: .html, { try $0.removeMethod($1) })
        add(.post, "/account/device", limited: .html, { try $0.rememberDevice($1) })
        add(.post, "/account/phone", limited: .html, { try $0.addPhone($1) })
        add(.post, "/account/email", limited: .html, { try $0.addEmail($1) })
        add(.get, "/account/confirm", { try $0.confirmContactPage($1) })
        add(.post, "/account/confirm", limited: .html, { try $0.confirmContact($1) })
        add(.post, "/account/webauthn", limited: .html, { try $0.startWebAuthnEnrolment($1) })
        add(.get, "/account/webauthn", { try $0.webAuthnEnrolmentPage($1) })
        add(.post, "/account/webauthn/finish", limited: .html, { try $0.finishWebAuthnEnrolment($1) })
        add(.get, "/account/password", { try $0.passwordPage($1) })
        add(.post, "/account/password", limited: .html, { try $0.changePassword($1) })
        add(.get, "/healthz", { _, _ in .text(200, "ok\n") })
        add(.get, "/readyz", { try $0.readiness($1) })
        add(.get, "/metrics", { $0.metricsPage($1) })
        if configuration.demo {
            add(.get, "/demo", { try $0.demoStart($1) })
            add(.get, "/demo/callback", { try $0.demoCallback($1) })
        }
        return router
    }

    /// The one place errors become responses (STYLE.md §6).
    ///
    /// Protocol errors carry their fixed public code; a form or query that does not parse is the
    /// client's fault (400 `invalid_request`), wherever a handler let it through; a store that is
    /// down answers 503, never a 4xx; anything else is a generic 500 logged at `error` with the
    /// request ID.
    func funnel(_ request: HTTPRequest, _ body: () throws -> HTTPResponse) -> HTTPResponse {
        do {
            return try body()
        } catch let error as OAuthError {
            return oauthErrorResponse(error, request: request)
        } catch let error as HTTPFormError {
            logger.info(
                "request rejected",
                [LogKey.requestID: request.requestID, LogKey.route: request.path, LogKey.reason: error.code.rawValue]
            )
            return .json(400, JSONValue.object(["error": "invalid_request"]).serialized())
        } catch let error as StoreError {
            logger.error(
                "store failed",
                [LogKey.requestID: request.requestID, LogKey.route: request.path, LogKey.error: error.code.rawValue]
            )
            return .json(503, JSONValue.object(["error": "temporarily_unavailable"]).serialized())
        } catch {
            logger.error(
                "request failed",
                [LogKey.requestID: request.requestID, LogKey.route: request.path, LogKey.error: "\(type(of: error))"]
            )
            return .json(500, JSONValue.object(["error": "server_error"]).serialized())
        }
    }

    /// The JSON error body of RFC 6749 §5.2, with the status the code calls for.
    func oauthErrorResponse(_ error: OAuthError, request: HTTPRequest) -> HTTPResponse {
        var body: [String: JSONValue] = ["error": .string(error.publicCode)]
        if let text = error.publicDescription { body["error_description"] = .string(text) }
        var response = HTTPResponse.json(error.httpStatus, JSONValue.object(body).serialized())
        response.headers.set("Cache-Control", "no-store")
        response.headers.set("Pragma", "no-cache")
        if error.httpStatus == 401 {
            response.headers.set("WWW-Authenticate", "Bearer error=\"\(error.publicCode)\"")
        }
        if error.code == .useDPoPNonce {
            response.headers.set("DPoP-Nonce", dpopNonces.current(at: clock.now))
        }
        logger.info(
            "request rejected",
            [LogKey.requestID: request.requestID, LogKey.route: request.path, LogKey.reason: error.publicCode]
        )
        return response
    }
}
