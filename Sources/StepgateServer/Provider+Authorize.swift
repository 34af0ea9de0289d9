import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore

extension Provider {
    /// `/authorize` (OIDC Core §3.1.2): answers at once when the session already proves the
    /// requested level and freshness, else starts a flow bound to this browser session.
    func authorize(_ request: HTTPRequest) throws -> HTTPResponse {
        let parameters: FormData
        do {
            parameters = request.method == .post ? try request.formBody() : try request.parseQuery()
        } catch {
            return errorPage(400, "The sign-in request is malformed.")
        }
        var authRequest: AuthorizationRequest
        do {
            authRequest = try AuthorizationRequest.parse(
                parameters,
                policy: configuration.assurance,
                defaultACR: configuration.defaultACR,
                actions: configuration.policy,
                lookupClient: { try store.client(id: $0) }
            )
        } catch AuthorizationRequest.Failure.untrusted(let message) {
            logger.info(
                "authorization request refused",
                [LogKey.requestID: request.requestID, LogKey.reason: "untrusted"]
            )
            return errorPage(400, message)
        } catch AuthorizationRequest.Failure.redirect(let error, let redirectURI, let state) {
            logger.info(
                "authorization request refused",
                [LogKey.requestID: request.requestID, LogKey.reason: error.publicCode]
            )
            return .redirect(to: errorRedirect(redirectURI, error, state: state))
        }
        let now = clock.now
        // max_age counts from this request, not from each later page of the flow (OIDC Core
        // §3.1.2.1), and prompt=login means from now: fix the cutoff once and store it. Both the
        // cutoff and the events are kept to the millisecond, so an answer given within the same
        // second as the request counts and an event from before it does not.
        var cutoffs: [Date] = []
        if authRequest.prompt == .login { cutoffs.append(now) }
        if let maxAge = authRequest.maxAge { cutoffs.append(now.addingTimeInterval(-TimeInterval(maxAge))) }
        authRequest.notBefore = cutoffs.max()
        // A transaction is approved now, with a factor beyond the password, whatever the session holds.
        if authRequest.transaction != nil { authRequest.approvalAfter = now }

        let existing = try loadSession(request)
        if let session = existing, session.record.userID != nil, authRequest.prompt != .login,
            authRequest.approvalAfter == nil, try missingMethods(authRequest, session).isEmpty
        {
            return .redirect(to: try issueCode(authRequest, session: session, requestID: request.requestID))
        }
        if authRequest.prompt == AuthorizationRequest.Prompt.none {
            return .redirect(to: errorRedirect(authRequest, .loginRequired("prompt=none and the session falls short")))
        }

        var cookie: SetCookie?
        let session: SessionContext
        if let existing {
            session = existing
        } else {
            let created = try createSession()
            session = created.0
            cookie = created.1
        }
        let flow = FlowRecord(
            id: random.token(byteCount: 18),
            sessionIDHash: session.idHash,
            request: authRequest.json.serializedString,
            userID: session.record.userID,
            attempts: 0,
            createdAt: now,
            expiresAt: now.addingTimeInterval(configuration.flowLifetime),
            completedAt: nil
        )
        try store.insertFlow(flow)
        logger.info(
            "flow started",
            [LogKey.requestID: request.requestID, LogKey.clientID: authRequest.clientID, LogKey.acr: authRequest.acr]
        )
        audit(
            .flowStarted,
            requestID: request.requestID,
            [
                AuditKey.flowID: flow.id, AuditKey.clientID: authRequest.clientID, AuditKey.subject: flow.userID,
                AuditKey.requestedACR: authRequest.acr, AuditKey.maxAge: authRequest.maxAge.map { String($0) },
                AuditKey.prompt: authRequest.prompt?.rawValue, AuditKey.action: authRequest.transaction?.action,
                AuditKey.transaction: authRequest.transaction?.hash,
            ]
        )
        var response = HTTPResponse.redirect(to: "/login?flow=\(flow.id)")
        if let cookie { response.setCookie(cookie) }
        return response
    }

    /// The requirement groups of the requested level that the session's counted events do not meet.
    ///
    /// Events before `notBefore` (the request's instant for prompt=login, the request's instant
    /// minus `max_age`) do not count.
    func missingMethods(_ request: AuthorizationRequest, _ session: SessionContext) throws -> [Set<
        AuthenticationMethod
    >] {
        guard let level = configuration.assurance.level(named: request.acr) else {
            throw OAuthError.unmetAuthenticationRequirements("flow asks for a level no longer configured")
        }
        return configuration.assurance.missingMethods(
            for: level,
            events: countedEvents(request, session),
            lastSeen: session.record.lastSeenAt,
            now: clock.now
        )
    }

    func countedEvents(_ request: AuthorizationRequest, _ session: SessionContext) -> [AuthenticationEvent] {
        guard let notBefore = request.notBefore else { return session.events }
        return session.events.filter { $0.time >= notBefore }
    }

    /// Stores a fresh authorization code for what the session proves and returns the redirect.
    ///
    /// Throws `unmet_authentication_requirements` rather than ever issuing a lower level.
    func issueCode(_ request: AuthorizationRequest, session: SessionContext, requestID: String) throws -> String {
        let policy = configuration.assurance
        let now = clock.now
        let events = countedEvents(request, session)
        guard let userID = session.record.userID,
            let required = policy.level(named: request.acr),
            let achieved = policy.achievedLevel(events: events, lastSeen: session.record.lastSeenAt, now: now),
            policy.meets(achieved, required),
            let authTime = policy.authTime(events: events, level: achieved, now: now)
        else {
            throw OAuthError.unmetAuthenticationRequirements("session does not prove the requested level")
        }
        let code = random.token(byteCount: 32)
        let grant = GrantRecord(
            clientID: request.clientID,
            userID: userID,
            scope: request.scope,
            acr: achieved.name,
            amr: policy.amr(events: events, level: achieved, now: now),
            authTime: authTime
        )
        try store.insertAuthorizationCode(
            AuthorizationCodeRecord(
                codeHash: SecretHash.hash(code),
                grant: grant,
                redirectURI: request.redirectURI,
                codeChallenge: request.codeChallenge,
                nonce: request.nonce,
                createdAt: now,
                expiresAt: now.addingTimeInterval(configuration.codeLifetime),
                transaction: request.transaction.map {
                    CodeTransaction(action: $0.action, hash: $0.hash, authorizationDetails: $0.authorizationDetails)
                }
            )
        )
        try store.touchSession(idHash: session.idHash, lastSeenAt: now)
        metrics.increment("stepgate_codes_issued_total", [("acr", achieved.name)])
        audit(
            .codeIssued,
            requestID: requestID,
            [
                AuditKey.clientID: request.clientID, AuditKey.subject: userID, AuditKey.requestedACR: request.acr,
                AuditKey.acr: achieved.name, AuditKey.amr: grant.amr.joined(separator: " "),
                AuditKey.action: request.transaction?.action, AuditKey.transaction: request.transaction?.hash,
            ]
        )
        logger.info(
            "authorization code issued",
            [
                LogKey.requestID: requestID, LogKey.clientID: request.clientID, LogKey.subject: userID,
                LogKey.acr: achieved.name,
            ]
        )
        return AuthorizationRequest.redirect(
            to: request.redirectURI,
            [("code", code), ("state", request.state)],
            issuer: configuration.issuer
        )
    }

    func errorRedirect(_ request: AuthorizationRequest, _ error: OAuthError) -> String {
        errorRedirect(request.redirectURI, error, state: request.state)
    }

    func errorRedirect(_ redirectURI: String, _ error: OAuthError, state: String?) -> String {
        AuthorizationRequest.redirect(
            to: redirectURI,
            [("error", error.publicCode), ("error_description", error.publicDescription), ("state", state)],
            issuer: configuration.issuer
        )
    }

    func errorPage(_ status: Int, _ message: String) -> HTTPResponse {
        .html(status, HTML.page(title: "Cannot continue", body: "<p class=\"error\">\(HTML.escape(message))</p>"))
    }
}
