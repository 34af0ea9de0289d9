/// Steps the network cases share: a stepped-up code, a flow at its final answer, the level
/// check, and a step-up restarted from the beginning.
extension NetworkCases {
    /// A code issued at once at the second level to a copy of the shared session, through
    /// `network`.
    static func steppedUpCode(_ context: CaseContext, _ network: ProbeNetwork) throws -> IssuedCode {
        let level = try context.secondLevel()
        let session = try context.sharedSession(level: level, through: network)
        let parameters = try context.oidc().parameters(acr: level)
        guard case .callback(let callback, _) = try context.oidc().authorize(session, parameters) else {
            throw CaseFailed(
                "a session signed in at \(level) got no immediate answer from the authorization endpoint"
            )
        }
        return IssuedCode(
            session: session,
            parameters: parameters,
            code: try context.code(callback),
            callback: callback
        )
    }

    /// A flow at the second level started in a new session through `network` (with `timeout`),
    /// its password answered, and its final answer prepared but not sent.
    static func flowAtFinalAnswer(_ context: CaseContext, _ network: ProbeNetwork, timeout: Double? = nil) throws
        -> (flow: PendingFlow, answer: PreparedFinalAnswer, parameters: AuthorizationParameters)
    {
        let level = try context.secondLevel()
        let parameters = try context.oidc().parameters(acr: level)
        let session = context.session("user", through: network, timeout: timeout)
        let flow = try PendingFlow.start(context, session, parameters)
        let answered = try flow.answerPassword()
        try context.require(!answered.isRedirect, "the flow finished after the password alone")
        let answer = try flow.prepareFinalAnswer(maxWait: context.options.maxWait)
        return (flow, answer, parameters)
    }

    /// Sends `answer` under `plan`; true when no response came back (the fault took effect).
    static func sendLost(_ answer: PreparedFinalAnswer, _ network: ProbeNetwork, _ plan: FaultPlan) throws -> Bool {
        try network.with(plan) { (try? answer.send()) == nil }
    }

    /// Fails the case when `again`, the same final answer sent once more, was taken as a new one.
    static func requireRefusedRepeat(
        _ context: CaseContext,
        _ flow: PendingFlow,
        _ again: ProbeResponse,
        _ factor: FactorKind
    )
        throws
    {
        try context.require(
            !flow.accepted(again) && !flow.issuedCode(again),
            "the same \(factor == .webAuthn ? "passkey assertion" : "TOTP code") was accepted a second time "
                + "(\(again.status))"
        )
    }

    /// A complete step-up to the second level from a new session through `network`; fails the
    /// case unless it gives tokens at that level.
    static func restart(_ context: CaseContext, _ network: ProbeNetwork) throws -> String {
        let level = try context.secondLevel()
        let session = context.session("user, restarted", through: network)
        let parameters = try context.oidc().parameters(acr: level)
        let tokens = try context.tokens(session, parameters, preference: [.webAuthn, .totp])
        let acr = try context.requireLevel(tokens, parameters, session, level: level)
        context.note("a step-up restarted from the beginning gave tokens at \(acr)")
        return acr
    }

    /// Follows an accepted final answer to the client's redirect URI; the code, or nil when the
    /// flow ends elsewhere.
    static func code(after response: ProbeResponse, of flow: PendingFlow) throws(ProbeError) -> String? {
        guard let target = response.location ?? response.json?["redirect_to"]?.stringValue else { return nil }
        let location = URLText.resolve(target, against: flow.location)
        let isDone = { (next: String) in OIDCClient.isCallback(next, redirectURI: flow.redirectURI) }
        let back = isDone(location) ? location : try flow.driver.complete(flow.session, from: location, until: isDone)
        return AuthorizationCallback(location: back).code
    }

    /// `plan` with the response of each connection dropped after the server answered.
    static func dropping(_ plan: FaultPlan) -> FaultPlan {
        var changed = plan
        changed.dropResponse = FaultPlan.DropResponse(ending: .close)
        return changed
    }
}

extension CaseContext {
    /// The `acr` of the ID token of `tokens` (checked against `parameters`' nonce); fails the
    /// case unless it is `level` or higher.
    func requireLevel(
        _ tokens: TokenSet,
        _ parameters: AuthorizationParameters,
        _ session: ClientSession,
        level: String
    ) throws -> String {
        let identity = try oidc().verifyIDToken(tokens, nonce: parameters.nonce, session: session)
        guard let reached = try rank(identity.acr), let expected = try rank(level), reached >= expected else {
            throw CaseFailed("a token at acr \(identity.acr ?? "none") came back where \(level) was asked for")
        }
        return identity.acr ?? level
    }
}
