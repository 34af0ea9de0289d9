/// `factor.same_twice`, second part: the factor a session already used does not make up for
/// the one a higher level needs.
extension FactorCases {
    /// Signs in at the second level with TOTP, then answers a flow for the third level with a
    /// fresh TOTP code: no code for the third level. Notes and returns when the target has no
    /// third level or the user no TOTP seed.
    static func sameFactorForHigherLevel(_ context: CaseContext) throws {
        let levels = try context.levels()
        let user = try context.user()
        guard levels.count > 2, let totp = user.totp else {
            context.note(
                levels.count > 2
                    ? "the user has no TOTP seed: only the password was answered twice"
                    : "the target has no third level: only the password was answered twice"
            )
            return
        }
        let (second, third) = (levels[1], levels[2])
        let session = context.session()
        // Each flow starts once its TOTP step is fresh, so no wait lets it expire.
        try totp.waitForFreshStep(maxWait: context.options.maxWait)
        _ = try context.code(
            try context.signIn(session, try context.oidc().parameters(acr: second), preference: [.totp]),
            "signing in at \(second) with TOTP"
        )
        try totp.waitForFreshStep(maxWait: context.options.maxWait)
        let parameters = try context.oidc().parameters(acr: third)
        switch try context.oidc().authorize(session, parameters, note: "ask for \(third)") {
        case .callback(let callback, _):
            try context.require(callback.code == nil, "a session at \(second) got a code for \(third) at once")
            context.note("the target ended the \(third) flow at once (\(callback.error ?? "no error"))")
            return
        case .login(let location):
            let flow = PendingFlow(
                session: session,
                location: location,
                driver: try context.driver(preference: [.totp]),
                redirectURI: parameters.redirectURI ?? context.target.client.redirectURI
            )
            try answerTOTPAgain(context, flow, totp, level: third)
        case .redirect, .page:
            context.note("the \(third) request did not lead to a sign-in page")
        }
        try requireNoCode(context, session, level: third, "after TOTP answered for it")
    }

    /// Answers `flow` with a fresh TOTP code: it must not issue a code for `level`.
    private static func answerTOTPAgain(
        _ context: CaseContext,
        _ flow: PendingFlow,
        _ totp: TOTPAnswerer,
        level: String
    ) throws {
        let answer: PreparedTOTPAnswer
        do {
            answer = try flow.prepareTOTP()
        } catch {
            context.note("the \(level) flow offers no TOTP step")
            return
        }
        let code = try totp.freshCode(maxWait: context.options.maxWait)
        let response = try answer.send(code.value)
        if flow.accepted(response) { totp.accepted(code) }
        try context.require(
            !flow.issuedCode(response),
            "a second TOTP code completed a flow for \(level) (the session had used TOTP already)"
        )
    }
}
