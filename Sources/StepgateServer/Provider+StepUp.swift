import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore

/// What the decision endpoint asks a browser to prove, carried to `/stepup` in a signed ticket.
///
/// The ticket is not secret (it holds the action, level and the transaction the user sees), but
/// it is signed with a key derived from the master key and expires, so a browser cannot lower
/// what it is asked for or change the transaction it approves. The decision endpoint writes
/// nothing for a refusal; the challenge is stored only when a browser opens the ticket.
struct StepUpTicket: Sendable, Equatable {
    var action: String
    var acr: String
    var maxAge: Int?
    /// Base64url SHA-256 of the transaction; nil for an unbound action.
    var transactionHash: String?
    /// `{"fields": {...}, "reasons": [{"code": ..., "text": ...}]}`, shown on the step-up page.
    var details: JSONValue
    /// A path on this origin (`/...`, never `//...`): where the browser goes afterwards.
    var returnTo: String
    var expiresAt: Int64

    /// The longest sealed ticket `open` accepts, in bytes.
    static let maximumLength = 8_192

    func sealed(key: [UInt8]) -> String {
        var object: [String: JSONValue] = [
            "action": .string(action), "acr": .string(acr), "details": details, "return_to": .string(returnTo),
            "exp": .integer(expiresAt),
        ]
        if let maxAge { object["max_age"] = .integer(Int64(maxAge)) }
        if let transactionHash { object["txn"] = .string(transactionHash) }
        let payload = Base64URL.encode(JSONValue.object(object).serialized())
        let mac = HMAC.authenticationCode(.sha256, key: key, message: Array(payload.utf8))
        return payload + "." + Base64URL.encode(mac)
    }

    /// The ticket if its signature holds and it has not expired at `now`; nil otherwise.
    static func open(_ text: String, key: [UInt8], now: Date) -> StepUpTicket? {
        guard text.utf8.count <= maximumLength, let dot = text.firstIndex(of: ".") else { return nil }
        let payload = text[..<dot]
        let expected = Base64URL.encode(HMAC.authenticationCode(.sha256, key: key, message: Array(payload.utf8)))
        guard constantTimeEquals(String(text[text.index(after: dot)...]), expected),
            let bytes = Base64URL.decode(payload), let value = try? JSONValue.parse(bytes),
            let action = value["action"]?.stringValue, let acr = value["acr"]?.stringValue,
            let returnTo = value["return_to"]?.stringValue, isLocalPath(returnTo),
            let expiresAt = value["exp"]?.integerValue, let details = value["details"],
            Int64(now.timeIntervalSince1970) < expiresAt
        else { return nil }
        return StepUpTicket(
            action: action,
            acr: acr,
            maxAge: value["max_age"]?.integerValue.map { Int(clamping: $0) },
            transactionHash: value["txn"]?.stringValue,
            details: details,
            returnTo: returnTo,
            expiresAt: expiresAt
        )
    }

    /// A path on this origin: starts with one `/`, no backslash, no control characters.
    static func isLocalPath(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        guard bytes.first == UInt8(ascii: "/"), bytes.count <= 4_096 else { return false }
        if bytes.count > 1, bytes[1] == UInt8(ascii: "/") || bytes[1] == UInt8(ascii: "\\") { return false }
        return bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }
    }
}

extension Provider {
    /// The `client_id` the flows of `/stepup` carry; no registered client can take it.
    static let stepUpClientID = "stepgate-step-up"

    /// `GET /stepup?ticket=...`: turns a decision endpoint's ticket into a challenge bound to this
    /// browser's session (one is started if there is none) and a flow that answers it.
    func stepUpPage(_ request: HTTPRequest) throws -> HTTPResponse {
        let now = clock.now
        guard let text = (try? request.parseQuery().single("ticket")) ?? nil,
            let ticket = StepUpTicket.open(text, key: stepUpKey, now: now),
            configuration.assurance.level(named: ticket.acr) != nil
        else {
            return errorPage(400, "This step-up link is not valid or has expired. Start again from the application.")
        }
        return try startStepUp(request, ticket)
    }

    /// Starts a challenge for what `ticket` asks (its signature and expiry already checked, or
    /// made by Stepgate itself, as the account pages do) bound to this browser's session (one is
    /// started if there is none), and a flow that answers it; redirects to the flow's page.
    func startStepUp(_ request: HTTPRequest, _ ticket: StepUpTicket) throws -> HTTPResponse {
        let now = clock.now
        var cookie: SetCookie?
        let session: SessionContext
        if let existing = try loadSession(request) {
            session = existing
        } else {
            let created = try createSession()
            session = created.0
            cookie = created.1
        }
        let challenge = ChallengeRecord(
            id: random.token(byteCount: 18),
            sessionIDHash: session.idHash,
            action: ticket.action,
            acr: ticket.acr,
            maxAge: ticket.maxAge,
            transactionHash: ticket.transactionHash,
            details: ticket.details.serializedString,
            returnTo: ticket.returnTo,
            createdAt: now,
            expiresAt: now.addingTimeInterval(configuration.flowLifetime)
        )
        try store.insertChallenge(challenge)
        let authRequest = AuthorizationRequest(
            clientID: Self.stepUpClientID,
            redirectURI: ticket.returnTo,
            scope: "openid",
            state: nil,
            nonce: nil,
            codeChallenge: "",
            acr: ticket.acr,
            maxAge: ticket.maxAge,
            prompt: nil,
            loginHint: nil,
            notBefore: ticket.maxAge.map { now.addingTimeInterval(-TimeInterval($0)) },
            stepUpChallenge: challenge.id,
            approvalAfter: ticket.transactionHash == nil ? nil : now
        )
        let flow = FlowRecord(
            id: random.token(byteCount: 18),
            sessionIDHash: session.idHash,
            request: authRequest.json.serializedString,
            userID: session.record.userID,
            attempts: 0,
            createdAt: now,
            expiresAt: challenge.expiresAt,
            completedAt: nil
        )
        try store.insertFlow(flow)
        logger.info(
            "step-up started",
            [LogKey.requestID: request.requestID, LogKey.action: ticket.action, LogKey.acr: ticket.acr]
        )
        audit(
            .flowStarted,
            requestID: request.requestID,
            [
                AuditKey.flowID: flow.id, AuditKey.clientID: Self.stepUpClientID, AuditKey.subject: flow.userID,
                AuditKey.requestedACR: ticket.acr, AuditKey.maxAge: ticket.maxAge.map { String($0) },
                AuditKey.action: ticket.action, AuditKey.transaction: ticket.transactionHash,
            ]
        )
        var response = HTTPResponse.redirect(to: "/login?flow=\(flow.id)")
        if let cookie { response.setCookie(cookie) }
        return response
    }

    /// Ends a `/stepup` flow: completes its challenge once, grants the transaction (if bound) to
    /// this session, and returns where the browser goes next.
    func finishChallenge(_ id: String, _ context: FlowContext, requestID: String) throws -> String {
        let now = clock.now
        guard let userID = context.session.record.userID, try missingMethods(context.request, context.session).isEmpty
        else {
            throw OAuthError.unmetAuthenticationRequirements("session does not prove the requested level")
        }
        guard let challenge = try store.completeChallenge(id: id, sessionIDHash: context.session.idHash, now: now)
        else {
            return errorRedirect(context.request, .accessDenied("the step-up request is no longer open"))
        }
        if let hash = challenge.transactionHash {
            try store.insertTransactionGrant(
                TransactionGrantRecord(
                    sessionIDHash: context.session.idHash,
                    userID: userID,
                    action: challenge.action,
                    transactionHash: hash,
                    createdAt: now,
                    expiresAt: now.addingTimeInterval(configuration.transactionGrantLifetime)
                )
            )
        }
        try store.touchSession(idHash: context.session.idHash, lastSeenAt: now)
        audit(
            .grantIssued,
            context,
            requestID: requestID,
            [
                AuditKey.subject: userID, AuditKey.action: challenge.action, AuditKey.acr: challenge.acr,
                AuditKey.transaction: challenge.transactionHash,
            ]
        )
        logger.info(
            "step-up approved",
            [
                LogKey.requestID: requestID, LogKey.subject: userID, LogKey.action: challenge.action,
                LogKey.acr: challenge.acr,
            ]
        )
        return challenge.returnTo
    }
}
