import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore

/// One decision's outcome, before it becomes a response.
enum DecisionOutcome: Sendable {
    case allow(AuthenticationProof?)
    case stepUp(PolicyRequirement, RiskAssessment?)
    /// `reason` is a fixed code: `no_policy`, `no_action`, `rule`, `unsafe_path`, `unbindable`,
    /// `network_denied`, `transaction_too_large`.
    case deny(reason: String)
}

extension Provider {
    /// `/decide`: the decision endpoint for reverse proxies (nginx `auth_request`, Traefik and
    /// Caddy forward-auth) and for applications that ask for themselves.
    ///
    /// Reads the original request from the forwarded headers (and the body, when one is sent),
    /// finds its policy action, scores its risk, and answers:
    ///
    /// - 200 with identity headers when the proof covers the action (a bound action also needs a
    ///   grant for exactly this transaction, which this request uses up);
    /// - 401 with an RFC 9470 `WWW-Authenticate` challenge when more or fresher proof is needed,
    ///   plus a `Location` to the step-up page for a browser;
    /// - 403 when the request is refused whatever the proof;
    /// - 400 when the forwarded headers do not describe a request, 401 `invalid_token` for a
    ///   bearer token that does not verify;
    /// - 429 `slow_down` with `Retry-After` when `rate_limit.decide` is set and the client address
    ///   is over it (off by default).
    ///
    /// Nothing is written for a refusal or a challenge, but the rate-limit count when
    /// `rate_limit.decide` is set. Everything the decision reads comes
    /// from one store snapshot (`Store.decisionSnapshot`), read afresh for every request.
    func decide(_ request: HTTPRequest) throws -> HTTPResponse {
        guard ForwardedRequest.peerIsTrusted(request.remoteAddress, trustedProxies: configuration.trustedProxies)
        else {
            logger.warning(
                "decision refused: the caller is not in http.trusted_proxies",
                [LogKey.requestID: request.requestID, LogKey.peerAddress: request.remoteAddress ?? ""]
            )
            var response = HTTPResponse.json(403, JSONValue.object(["error": "untrusted_proxy"]).serialized())
            response.headers.set("Cache-Control", "no-store")
            return response
        }
        let forwarded: ForwardedRequest
        do {
            forwarded = try ForwardedRequest.read(request, trustedProxies: configuration.trustedProxies)
        } catch {
            return decisionProblem(request, reason: "\(error)")
        }
        guard let address = forwarded.clientIP.flatMap({ IPAddress($0) }) else {
            return decisionProblem(request, reason: "client_address")
        }
        if let refusal = try decideRefusal(address, requestID: request.requestID) {
            return rateLimitedResponse(refusal, .json)
        }
        let now = clock.now
        let cookies = request.cookies
        let deviceIDHash = deviceIDHash(cookies)
        let target = DecisionTarget(forwarded, policy: configuration.policy)
        let history = historyQuery(target, deviceIDHash: deviceIDHash, now: now)
        let found: (DecisionCredential, DecisionSnapshot)?
        do {
            found = try decisionCredential(request, forwarded, cookies, history: history, now: now)
        } catch let error as ResourceTokenError {
            logger.info("decision refused", [LogKey.requestID: request.requestID, LogKey.reason: error.code])
            return error.response
        }
        guard let (credential, snapshot) = found else {
            logger.info("decision refused", [LogKey.requestID: request.requestID, LogKey.reason: "invalid_token"])
            var response = HTTPResponse.json(401, JSONValue.object(["error": "invalid_token"]).serialized())
            response.headers.set("WWW-Authenticate", "Bearer error=\"invalid_token\"")
            response.headers.set("Cache-Control", "no-store")
            return response
        }
        let context = DecisionContext(
            forwarded: forwarded,
            credential: credential,
            snapshot: snapshot,
            clientAddress: address,
            geo: geolocation(address, requestID: request.requestID),
            deviceIDHash: deviceIDHash,
            requestID: request.requestID,
            now: now
        )
        let (outcome, requirement, assessment) = try evaluateDecision(context, target)
        return try respond(outcome, context, requirement: requirement, assessment: assessment)
    }

    /// The decision for `context`: what the policy and the risk call for, and whether the proof
    /// (and, for a bound action, a grant) meets it. Uses up the grant of an allowed bound request.
    private func evaluateDecision(_ context: DecisionContext, _ target: DecisionTarget) throws -> (
        DecisionOutcome, PolicyRequirement?, RiskAssessment?
    ) {
        guard let policy = configuration.policy, let match = target.match else {
            return (.deny(reason: "no_policy"), nil, nil)
        }
        let policyRequest = target.request
        let action: PolicyAction
        switch match {
        case .noAction:
            guard configuration.unmatchedRequests == .allow else { return (.deny(reason: "no_action"), nil, nil) }
            return (.allow(try sessionIdentity(context.credential, now: context.now)), nil, nil)
        case .refused:
            return (.deny(reason: "unsafe_path"), nil, nil)
        case .action(let found):
            action = found
        }

        let amount = policy.amount(of: action, in: policyRequest)
        let assessment = riskEngine.evaluate(riskInput(context, action: action, amount: amount?.value))
        let requirement = policy.evaluate(policyRequest, action: action, riskScore: assessment.score)
        if assessment.denied { return (.deny(reason: "network_denied"), requirement, assessment) }
        if let denial = requirement.denial {
            return (.deny(reason: PolicyExplanation.code(denial)), requirement, assessment)
        }
        guard let proof = try self.proof(context.credential, meeting: requirement, now: context.now) else {
            return (.stepUp(requirement, assessment), requirement, assessment)
        }
        if let transaction = requirement.transaction {
            guard try consumeGrant(transaction, requirement: requirement, context: context) else {
                return (.stepUp(requirement, assessment), requirement, assessment)
            }
        } else if Self.isTransactionGrant(context.credential) {
            // RFC 9396: a token issued to approve one transaction authorizes that transaction
            // only, never another action that its level and freshness would otherwise meet.
            return (.stepUp(requirement, assessment), requirement, assessment)
        }
        if let userID = context.credential.userID {
            try recordAllowed(context, requirement: requirement, amount: amount?.text, userID: userID)
        }
        if case .session(let session) = context.credential,
            context.now.timeIntervalSince(session.record.lastSeenAt) >= Self.sessionTouchInterval
        {
            try store.touchSession(idHash: session.idHash, lastSeenAt: context.now)
        }
        return (.allow(proof), requirement, assessment)
    }

    /// How stale a session's last-seen time may get before a decision refreshes it: the idle
    /// clocks of levels count in minutes, and skipping the write keeps repeated requests read-only.
    static let sessionTouchInterval: TimeInterval = 10

    /// The request's credential and the snapshot read for it: an access token when one is sent
    /// (it must verify, a DPoP-bound one with a proof for the original request, and its user
    /// must be enabled), else the session cookie (a live session: see `liveSession`). Nil for a
    /// Bearer token whose user is disabled; throws `ResourceTokenError` for a token or proof that
    /// does not verify.
    ///
    /// The snapshot holds the subject's risk history (`history`) only for a credential with a
    /// user; for `.none` it is empty, as if nothing had been read.
    private func decisionCredential(
        _ request: HTTPRequest,
        _ forwarded: ForwardedRequest,
        _ cookies: [String: String],
        history: DecisionSnapshotQuery.History?,
        now: Date
    ) throws -> (DecisionCredential, DecisionSnapshot)? {
        let uri = Self.originalURI(request, forwarded, issuer: configuration.issuer)
        if let claims = try resourceToken(request, method: forwarded.method, uri: uri) {
            let snapshot = try store.decisionSnapshot(
                DecisionSnapshotQuery(userID: claims.subject, history: history)
            )
            guard let user = snapshot.user, !user.disabled else {
                guard Self.dpopThumbprint(claims.claims) == nil else {
                    throw ResourceTokenError(code: "invalid_token", scheme: "DPoP", detail: "user disabled")
                }
                return nil
            }
            return (.token(claims), snapshot)
        }
        guard let idHash = sessionIDHash(cookies) else { return (DecisionCredential.none, DecisionSnapshot()) }
        let snapshot = try store.decisionSnapshot(DecisionSnapshotQuery(sessionIDHash: idHash, history: history))
        guard let record = snapshot.session,
            let session = liveSession(record, idHash: idHash, user: snapshot.user, now: now)
        else { return (DecisionCredential.none, DecisionSnapshot()) }
        return (.session(session), snapshot)
    }

    /// The original request's URI without its query, for a DPoP proof's `htu` (RFC 9449 §4.3):
    /// the scheme of `X-Forwarded-Proto` (else the issuer's), the host of `X-Forwarded-Host`
    /// (its first entry) or `Host`, and the forwarded path.
    static func originalURI(_ request: HTTPRequest, _ forwarded: ForwardedRequest, issuer: String) -> String {
        let headers = request.headers
        let scheme = headers["X-Forwarded-Proto"]?.lowercased() ?? (issuer.hasPrefix("https:") ? "https" : "http")
        let host = (headers["X-Forwarded-Host"] ?? headers["Host"] ?? "").split(separator: ",").first ?? ""
        return scheme + "://" + host.trimmingCharacters(in: .whitespaces) + forwarded.path
    }

    /// The risk history a decision on `target` needs at `now`: none unless a policy action
    /// matched (an unmatched request is not scored).
    private func historyQuery(
        _ target: DecisionTarget,
        deviceIDHash: [UInt8]?,
        now: Date
    ) -> DecisionSnapshotQuery.History? {
        guard case .action(let action) = target.match else { return nil }
        let risk = configuration.risk
        return DecisionSnapshotQuery.History(
            deviceIDHash: deviceIDHash,
            failuresSince: now.addingTimeInterval(-risk.failureWindow),
            actionsSince: now.addingTimeInterval(-risk.velocityWindow),
            actionLimit: risk.velocityLimit + 1,
            amountAction: action.amount == nil ? nil : action.name,
            amountsSince: now.addingTimeInterval(-risk.amountHistory),
            amountLimit: Self.amountHistoryLimit
        )
    }

    /// How many earlier amounts of an action the risk engine compares a new amount with.
    static let amountHistoryLimit = 100

    /// The proof `credential` holds if it meets `requirement` at `now`; nil when it falls short.
    ///
    /// A session meets it when its events since `now - max_age` prove the level or a higher one
    /// (idle limits included); a token when its `acr` ranks high enough and its `auth_time` is
    /// within `max_age` and not in the future.
    private func proof(
        _ credential: DecisionCredential,
        meeting requirement: PolicyRequirement,
        now: Date
    ) throws -> AuthenticationProof? {
        let assurance = configuration.assurance
        switch credential {
        case .none:
            return nil
        case .session(let session):
            guard session.record.userID != nil, let required = assurance.level(named: requirement.level),
                let achieved = assurance.achievedLevel(
                    events: session.events,
                    lastSeen: session.record.lastSeenAt,
                    now: now,
                    maxAge: requirement.maxAge
                ),
                assurance.meets(achieved, required)
            else { return nil }
            return try sessionIdentity(credential, now: now)
        case .token(let claims):
            guard let proof = Self.tokenProof(claims), let levels = configuration.policy?.levels,
                case .allow = PolicyDecision.decide(requirement, proof: proof, now: now, levels: levels)
            else { return nil }
            return proof
        }
    }

    /// What a signed-in session or a token proves now, for identity headers; nil otherwise.
    private func sessionIdentity(_ credential: DecisionCredential, now: Date) throws -> AuthenticationProof? {
        switch credential {
        case .none:
            return nil
        case .token(let claims):
            return Self.tokenProof(claims)
        case .session(let session):
            let assurance = configuration.assurance
            guard session.record.userID != nil,
                let level = assurance.achievedLevel(
                    events: session.events,
                    lastSeen: session.record.lastSeenAt,
                    now: now
                ),
                let authTime = assurance.authTime(events: session.events, level: level, now: now)
            else { return nil }
            return AuthenticationProof(
                acr: level.name,
                authTime: authTime,
                amr: assurance.amr(events: session.events, level: level, now: now)
            )
        }
    }

    /// Whether `credential` is an access token bound to one transaction (`authorization_details`).
    private static func isTransactionGrant(_ credential: DecisionCredential) -> Bool {
        guard case .token(let claims) = credential else { return false }
        return claims.claims[TransactionClaim.name] != nil
    }

    private static func tokenProof(_ claims: AccessTokenClaims) -> AuthenticationProof? {
        guard let acr = claims.claims["acr"]?.stringValue, let authTime = claims.claims["auth_time"]?.integerValue
        else { return nil }
        let amr = claims.claims["amr"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return AuthenticationProof(acr: acr, authTime: Date(timeIntervalSince1970: TimeInterval(authTime)), amr: amr)
    }

    /// Uses up the grant for exactly `transaction`: the session's (from a step-up at `/stepup`),
    /// or the token's own single use when it was issued for this action and transaction
    /// (`authorization_details`). False, changing nothing, when there is none.
    private func consumeGrant(
        _ transaction: Transaction,
        requirement: PolicyRequirement,
        context: DecisionContext
    ) throws -> Bool {
        guard let action = requirement.action else { return false }
        let hash = transaction.hash
        let consumed: Bool
        switch context.credential {
        case .none:
            return false
        case .session(let session):
            consumed = try store.consumeTransactionGrant(
                sessionIDHash: session.idHash,
                action: action,
                transactionHash: hash,
                now: context.now
            )
        case .token(let claims):
            guard let bound = claims.claims[TransactionClaim.name], bound["action"]?.stringValue == action,
                let boundHash = bound["hash"]?.stringValue, constantTimeEquals(boundHash, hash)
            else { return false }
            consumed = try store.consumeTokenTransaction(
                jti: claims.jti,
                expiresAt: Date(timeIntervalSince1970: TimeInterval(claims.expiresAt)),
                now: context.now
            )
        }
        if consumed {
            audit(
                .grantConsumed,
                requestID: context.requestID,
                [AuditKey.subject: context.credential.userID, AuditKey.action: action, AuditKey.transaction: hash]
            )
        }
        return consumed
    }

    /// 400 for forwarded headers that describe no request; the reason is a fixed code.
    private func decisionProblem(_ request: HTTPRequest, reason: String) -> HTTPResponse {
        logger.info("decision refused", [LogKey.requestID: request.requestID, LogKey.reason: reason])
        var response = HTTPResponse.json(400, JSONValue.object(["error": "invalid_request"]).serialized())
        response.headers.set("Cache-Control", "no-store")
        return response
    }
}
