import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore

/// Why a flow cannot be used; each maps to one fixed page and one JSON error.
enum FlowRejection: Error, Sendable, Equatable {
    /// Unknown flow, another browser's flow, or a bad CSRF token: all look the same.
    case invalid
    case expired
    case completed
    /// The account's failure budget is spent; try again after this many seconds.
    case throttled(retryAfter: Int)
    /// The account's attempts are over `rate_limit.account`; try again after this many seconds.
    case rateLimited(retryAfter: Int)
}

/// The single state machine behind both the HTML pages and the JSON API.
enum FlowOutcome: Sendable, Equatable {
    /// Ask for the prompt's step (or one of its alternatives).
    case prompt(FlowPrompt)
    /// Back to the client, with a code or an error.
    case redirect(String)
    case rejected(FlowRejection)
}

/// An answer's outcome, and the new session cookie when the answer was accepted.
struct FlowAnswer: Sendable {
    var outcome: FlowOutcome
    /// After an accepted answer: the cookie with the session's new ID, and the flow as seen
    /// through that session (the next page's CSRF token is bound to it).
    var cookie: SetCookie?
    var context: FlowContext?
    /// The method of the accepted answer; nil when none was accepted.
    var accepted: AuthenticationMethod?

    init(
        outcome: FlowOutcome,
        cookie: SetCookie? = nil,
        context: FlowContext? = nil,
        accepted: AuthenticationMethod? = nil
    ) {
        self.outcome = outcome
        self.cookie = cookie
        self.context = context
        self.accepted = accepted
    }

    static func rejected(_ rejection: FlowRejection) -> FlowAnswer { FlowAnswer(outcome: .rejected(rejection)) }
}

/// A rejected answer as the audit log records it: which step, a fixed reason code, and the
/// user when one is known (never the name typed for an unknown user: it may be a password).
struct FailedAnswer: Sendable {
    var step: FlowStep
    var reason: String
    var subject: String?
}

/// A flow loaded for one request, with the session it is bound to.
struct FlowContext: Sendable {
    let flow: FlowRecord
    let request: AuthorizationRequest
    let session: SessionContext
}

extension Provider {
    /// The flow `flowID` if it is bound to this request's session and still open.
    ///
    /// Nothing is written here: a rejected request leaves the store as it was.
    func loadFlow(_ flowID: String?, request: HTTPRequest) throws -> Result<FlowContext, FlowRejection> {
        guard let flowID, (16...64).contains(flowID.utf8.count), let flow = try store.flow(id: flowID),
            let session = try loadSession(request), constantTimeEquals(flow.sessionIDHash, session.idHash)
        else { return .failure(.invalid) }
        if flow.completedAt != nil { return .failure(.completed) }
        if clock.now >= flow.expiresAt { return .failure(.expired) }
        let authRequest = try AuthorizationRequest(json: flow.request)
        return .success(FlowContext(flow: flow, request: authRequest, session: session))
    }

    /// What the flow needs now: a prompt, or, once the level is proved, the redirect with a code.
    ///
    /// `choice` (a `FlowStep.choice` such as `sms:ID`) picks one of the ways to answer; without
    /// one, a code step whose code was just sent comes first, then the most convenient way.
    func nextOutcome(
        _ context: FlowContext,
        failed: Bool = false,
        choice: String? = nil,
        requestID: String
    ) throws -> FlowOutcome {
        var missing = try missingMethods(context.request, context.session)
        var used = Set(countedEvents(context.request, context.session).map(\.method))
        // Approving a transaction takes the level's factors beyond the password, proved for this
        // approval: an `aal3` transfer needs `hwk+pin` again, even when the session is at `aal3`.
        if missing.isEmpty, let approvalAfter = context.request.approvalAfter {
            (missing, used) = try approvalMissing(context, after: approvalAfter)
        }
        if missing.isEmpty { return try finish(context, requestID: requestID) }
        guard let userID = context.session.record.userID, !missing.contains(where: { $0.contains(.pwd) }) else {
            return .prompt(FlowPrompt(step: .password, failed: failed))
        }
        guard let (target, steps) = try factorOptions(userID: userID, sets: missing, used: used) else {
            return try unmet(context, requestID: requestID)
        }
        let step = try steps.first { $0.choice == choice } ?? openCodeStep(steps, context) ?? steps[0]
        return .prompt(
            FlowPrompt(
                step: step,
                alternatives: steps.filter { $0 != step },
                target: target,
                used: used,
                failed: failed
            )
        )
    }

    /// The sets of the flow's level beyond the password that no event since `approvalAfter`
    /// meets (any second factor, when the level asks only for a password), and the methods those
    /// events used.
    private func approvalMissing(_ context: FlowContext, after approvalAfter: Date) throws
        -> (missing: [Set<AuthenticationMethod>], used: Set<AuthenticationMethod>)
    {
        guard let level = configuration.assurance.level(named: context.request.acr) else {
            throw OAuthError.unmetAuthenticationRequirements("flow asks for a level no longer configured")
        }
        let sets = level.requirement.filter { !$0.contains(.pwd) }
        let approval = AssuranceLevel(
            name: level.name,
            rank: level.rank,
            requirement: sets.isEmpty ? [approvalMethods] : sets,
            absoluteLifetime: level.absoluteLifetime,
            idleLifetime: nil
        )
        let events = countedEvents(context.request, context.session).filter {
            $0.time >= approvalAfter && $0.method != .pwd
        }
        let now = clock.now
        let missing = configuration.assurance.missingMethods(for: approval, events: events, lastSeen: now, now: now)
        return (missing, Set(events.map(\.method)))
    }

    /// Every method but the password that any level asks for: what approving a transaction takes.
    var approvalMethods: Set<AuthenticationMethod> {
        var methods = Set(configuration.assurance.levels.flatMap { $0.requirement.flatMap { $0 } })
        methods.remove(.pwd)
        return methods
    }

    /// The user has no factor that meets the level: say so to the client, never issue less.
    private func unmet(_ context: FlowContext, requestID: String) throws -> FlowOutcome {
        guard try store.completeFlow(id: context.flow.id, now: clock.now) else { return .rejected(.completed) }
        metrics.increment("stepgate_stepup_total", [("outcome", "unmet")])
        audit(.stepUpUnmet, context, requestID: requestID, [AuditKey.subject: context.session.record.userID])
        logger.notice(
            "step-up cannot be met",
            [LogKey.requestID: requestID, LogKey.flowID: context.flow.id, LogKey.acr: context.request.acr]
        )
        return .redirect(
            errorRedirect(context.request, .unmetAuthenticationRequirements("no enrolled factor meets the level"))
        )
    }

    /// Answers the password step.
    func answerPassword(_ context: FlowContext, username: String, password: String, requestID: String) throws
        -> FlowAnswer
    {
        let user = try store.user(name: username)
        let budgetSubject = user?.id ?? unknownNameKey(username)
        if let retry = try throttled(budgetSubject) {
            audit(.stepUpThrottled, context, requestID: requestID, [AuditKey.subject: user?.id])
            return .rejected(.throttled(retryAfter: retry))
        }
        if let refusal = try accountRefusal(budgetSubject, requestID: requestID) {
            return .rejected(.rateLimited(retryAfter: refusal.retryAfter))
        }
        guard let attempt = try reserveAttempt(context) else {
            return FlowAnswer(outcome: try exhausted(context, requestID: requestID))
        }

        // Always run one argon2 verification, so an unknown name takes as long as a known one.
        let matches = passwords.verify(Array(password.utf8), against: user?.passwordHash ?? decoyPasswordHash)
        let rejection = try passwordRejection(user: user, matches: matches, context: context)
        guard let user, rejection == nil else {
            let outcome = try failure(
                context,
                FailedAnswer(step: .password, reason: rejection ?? "unknown_user", subject: user?.id),
                attempt: attempt,
                budgetSubject: budgetSubject,
                requestID: requestID
            )
            return FlowAnswer(outcome: outcome)
        }
        if passwords.needsRehash(user.passwordHash) {
            // The cost was raised in the configuration: upgrade the hash while the password is at hand.
            _ = try store.updatePasswordHash(userID: user.id, passwordHash: try passwords.hash(Array(password.utf8)))
        }
        guard let (next, cookie) = try answerAccepted(context, requestID: requestID) else { return .rejected(.invalid) }
        logger.info("password accepted", [LogKey.requestID: requestID, LogKey.subject: user.id])
        auditAccepted(.pwd, next, requestID: requestID)
        return FlowAnswer(
            outcome: try nextOutcome(next, requestID: requestID),
            cookie: cookie,
            context: next,
            accepted: .pwd
        )
    }

    /// Answers the TOTP step: the matched time-step is consumed atomically, so a code works once.
    func answerOTP(_ context: FlowContext, code: String, requestID: String) throws -> FlowAnswer {
        guard let userID = context.session.record.userID else {
            return FlowAnswer(outcome: try nextOutcome(context, requestID: requestID))
        }
        let attempt: Int
        switch try beginAnswer(context, userID: userID, requestID: requestID) {
        case .attempt(let reserved): attempt = reserved
        case .stop(let answer): return answer
        }
        let now = clock.now
        var matched = false
        var accepted = false
        for factor in try store.factors(userID: userID) where factor.kind == "totp" && !accepted {
            var secret = try masterKey.open(factor.sealedSecret, purpose: "totp:\(factor.id)")
            defer { wipe(&secret) }
            guard let step = TOTP(secret: secret).matchingStep(for: code, at: now, after: factor.lastUsedStep) else {
                continue
            }
            matched = true
            accepted = try store.consumeTOTPStep(factorID: factor.id, step: step)
        }
        // A matching code whose time-step another answer consumed first is a replay.
        let rejection = accepted ? nil : matched ? "code_replayed" : "wrong_code"
        return try settleAnswer(
            context,
            SettledAnswer(step: .totp, method: .otp, userID: userID, attempt: attempt, rejection: rejection),
            requestID: requestID
        )
    }

    /// What an answer to a factor came to, for `settleAnswer`.
    struct SettledAnswer {
        var step: FlowStep
        /// The method to record when accepted.
        var method: AuthenticationMethod
        var userID: String
        /// The attempt `beginAnswer` reserved.
        var attempt: Int
        /// A fixed reason code when the answer is wrong; nil when it was right.
        var rejection: String?
    }

    /// How an answer may go on: with the attempt it reserved, or stopped with this answer.
    enum AnswerStart {
        case attempt(Int)
        case stop(FlowAnswer)
    }

    /// Before a factor's answer is checked: the account's rate limit and failure budget must
    /// allow it, and the flow must have an attempt left, which is taken now.
    func beginAnswer(_ context: FlowContext, userID: String, requestID: String) throws -> AnswerStart {
        if let retry = try throttled(userID) {
            audit(.stepUpThrottled, context, requestID: requestID, [AuditKey.subject: userID])
            return .stop(.rejected(.throttled(retryAfter: retry)))
        }
        if let refusal = try accountRefusal(userID, requestID: requestID) {
            return .stop(.rejected(.rateLimited(retryAfter: refusal.retryAfter)))
        }
        guard let attempt = try reserveAttempt(context) else {
            return .stop(FlowAnswer(outcome: try exhausted(context, requestID: requestID)))
        }
        return .attempt(attempt)
    }

    /// The common end of a factor's answer: a right answer is recorded as an authentication
    /// event (and the session gets a new ID), a wrong one is counted against the account.
    ///
    /// A right answer whose session moved meanwhile (another answer to the same flow, sent at
    /// the same time to this node or another, was accepted first) is refused like a stale
    /// cookie and not counted: it guessed nothing, and going on from the session as this
    /// request read it could complete the flow on the old session, spoiling the other answer.
    func settleAnswer(_ context: FlowContext, _ answer: SettledAnswer, requestID: String) throws -> FlowAnswer {
        if answer.rejection == nil,
            try !store.recordAuthentication(
                sessionIDHash: context.session.idHash,
                userID: answer.userID,
                event: event(answer.method, in: context)
            )
        {
            logger.notice(
                "answer lost a race with another answer",
                [LogKey.requestID: requestID, LogKey.flowID: context.flow.id]
            )
            return .rejected(.invalid)
        }
        if let rejection = answer.rejection {
            let outcome = try failure(
                context,
                FailedAnswer(step: answer.step, reason: rejection, subject: answer.userID),
                attempt: answer.attempt,
                budgetSubject: answer.userID,
                requestID: requestID
            )
            return FlowAnswer(outcome: outcome)
        }
        guard let (next, cookie) = try answerAccepted(context, requestID: requestID) else { return .rejected(.invalid) }
        logger.info(
            "factor accepted",
            [LogKey.requestID: requestID, LogKey.subject: answer.userID, LogKey.stepupMethod: answer.method.rawValue]
        )
        auditAccepted(answer.method, next, requestID: requestID)
        return FlowAnswer(
            outcome: try nextOutcome(next, requestID: requestID),
            cookie: cookie,
            context: next,
            accepted: answer.method
        )
    }

    /// Why a password answer fails, as an audit reason code; nil when it is accepted. Accepting
    /// binds the flow and the session to the user, so the checks run in this order and stop at
    /// the first that fails.
    private func passwordRejection(user: UserRecord?, matches: Bool, context: FlowContext) throws -> String? {
        guard let user else { return "unknown_user" }
        guard matches else { return "wrong_password" }
        guard !user.disabled else { return "user_disabled" }
        guard context.session.record.userID == nil || context.session.record.userID == user.id else {
            return "other_user"
        }
        guard try store.setFlowUser(id: context.flow.id, userID: user.id) else { return "other_user" }
        let recorded = try store.recordAuthentication(
            sessionIDHash: context.session.idHash,
            userID: user.id,
            event: event(.pwd, in: context)
        )
        return recorded ? nil : "session_changed"
    }

    /// Audits an accepted answer, with the level the session holds after it.
    func auditAccepted(_ method: AuthenticationMethod, _ context: FlowContext, requestID: String) {
        audit(
            .stepUpSucceeded,
            context,
            requestID: requestID,
            [
                AuditKey.subject: context.session.record.userID, AuditKey.stepUpMethod: method.rawValue,
                AuditKey.acr: context.session.record.events.last?.level,
            ]
        )
    }

    /// Audits `kind` for a flow: its ID and client always, plus `fields`.
    func audit(_ kind: AuditKind, _ context: FlowContext, requestID: String, _ fields: [String: String?]) {
        var all = fields
        all[AuditKey.flowID] = context.flow.id
        all[AuditKey.clientID] = context.request.clientID
        audit(kind, requestID: requestID, all)
    }

    /// The record of a `method` answered now, with the level the session holds once it counts.
    func event(_ method: AuthenticationMethod, in context: FlowContext) -> SessionEventRecord {
        let now = clock.now
        let events = context.session.events + [AuthenticationEvent(method: method, time: now)]
        let level = configuration.assurance.achievedLevel(events: events, lastSeen: now, now: now)
        return SessionEventRecord(method: method.rawValue, time: now, level: level?.name)
    }

    /// Takes one attempt from the flow before the answer is checked, so answers sent in parallel
    /// can never be checked more often than the limit allows. Nil when none is left.
    func reserveAttempt(_ context: FlowContext) throws -> Int? {
        try store.recordFlowFailure(id: context.flow.id, limit: configuration.flowMaxAttempts, now: clock.now)
    }

    /// After a correct answer: the next step gets fresh attempts, and the session gets a new ID
    /// (the old one stops working, so an ID planted before sign-in is worthless) and a restarted
    /// idle clock.
    ///
    /// Nil when the session's ID changed since this request read it: another answer to the same
    /// flow, sent at the same time (to this node or another), was accepted first and rotated it.
    /// That answer goes on; this one is refused like any request with a stale session cookie.
    func answerAccepted(_ context: FlowContext, requestID: String) throws -> (FlowContext, SetCookie)? {
        _ = try store.resetFlowAttempts(id: context.flow.id)
        let id = random.token(byteCount: 32)
        let idHash = SecretHash.hash(id)
        guard try store.rotateSession(from: context.session.idHash, to: idHash, lastSeenAt: clock.now),
            let record = try store.session(idHash: idHash)
        else {
            logger.notice(
                "answer lost a race with another answer",
                [LogKey.requestID: requestID, LogKey.flowID: context.flow.id]
            )
            return nil
        }
        let session = SessionContext(idHash: idHash, record: record)
        return (
            FlowContext(flow: context.flow, request: context.request, session: session), try sessionCookie(value: id)
        )
    }

    /// Counts a failed answer against the account; at the flow's last attempt the flow ends and
    /// the client hears `access_denied`.
    func failure(
        _ context: FlowContext,
        _ answer: FailedAnswer,
        attempt: Int,
        budgetSubject: String,
        requestID: String
    ) throws -> FlowOutcome {
        try store.recordFailure(userID: budgetSubject, at: clock.now)
        metrics.increment("stepgate_stepup_total", [("outcome", "failed_\(answer.step.name)")])
        logger.notice(
            "step-up answer rejected",
            [LogKey.requestID: requestID, LogKey.flowID: context.flow.id, LogKey.stepupMethod: answer.step.name]
        )
        audit(
            .stepUpFailed,
            context,
            requestID: requestID,
            [
                AuditKey.subject: answer.subject, AuditKey.stepUpMethod: answer.step.method.rawValue,
                AuditKey.reason: answer.reason,
            ]
        )
        if attempt < configuration.flowMaxAttempts {
            return try nextOutcome(context, failed: true, choice: answer.step.choice, requestID: requestID)
        }
        return try exhausted(context, requestID: requestID)
    }

    /// Ends a flow that has no attempts left; the client hears `access_denied`.
    private func exhausted(_ context: FlowContext, requestID: String) throws -> FlowOutcome {
        guard try store.completeFlow(id: context.flow.id, now: clock.now) else { return .rejected(.completed) }
        logger.notice(
            "flow ended after too many attempts",
            [LogKey.requestID: requestID, LogKey.flowID: context.flow.id]
        )
        audit(.flowExhausted, context, requestID: requestID, [AuditKey.subject: context.session.record.userID])
        return .redirect(errorRedirect(context.request, .accessDenied("too many failed attempts")))
    }

    /// Completes the flow once and issues the code, only through the session the flow is bound
    /// to now: an answer that read the session before another answer to the same flow rotated
    /// it (at the same time, on this node or another) is refused as completed, and the other
    /// answer completes the flow on the new session.
    private func finish(_ context: FlowContext, requestID: String) throws -> FlowOutcome {
        guard try store.completeFlow(id: context.flow.id, sessionIDHash: context.session.idHash, now: clock.now)
        else { return .rejected(.completed) }
        metrics.increment("stepgate_stepup_total", [("outcome", "completed")])
        if let challengeID = context.request.stepUpChallenge {
            return .redirect(try finishChallenge(challengeID, context, requestID: requestID))
        }
        return .redirect(try issueCode(context.request, session: context.session, requestID: requestID))
    }

    /// Seconds to wait when `subject` has spent its failure budget; nil when it may try.
    ///
    /// Known gap: the budget is read here and counted after the answer, so answers for one account
    /// sent in parallel can exceed it by the number in flight; each flow step still allows at most
    /// `flow.max_attempts` answers, reserved atomically before checking.
    func throttled(_ subject: String) throws -> Int? {
        let window = configuration.accountFailureWindow
        let count = try store.failureCount(userID: subject, since: clock.now.addingTimeInterval(-window))
        return count >= configuration.accountMaxFailures ? Int(window) : nil
    }

    /// The failure-budget key of a name that matches no user: a keyed hash, never the name.
    private func unknownNameKey(_ name: String) -> String {
        "name:"
            + Base64URL.encode(HMAC.authenticationCode(.sha256, key: budgetKey, message: Array(name.lowercased().utf8)))
    }

}
