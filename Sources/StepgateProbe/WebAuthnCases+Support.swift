/// What the WebAuthn cases share: telling a refusal, a correct control answer, and a
/// credential registered for one case alone.
extension WebAuthnCases {
    /// Whether `response` refused the answer: not accepted, and no code.
    static func refused(_ flow: PendingFlow, _ response: ProbeResponse) -> Bool {
        !flow.accepted(response) && !flow.issuedCode(response)
    }

    /// Fails the case unless a correct assertion now completes `flow` with a code (so the
    /// refusals before it were for what the case changed).
    static func completes(_ context: CaseContext, _ flow: PendingFlow, _ when: String) throws {
        let response = try flow.answerWebAuthn(WebAuthnAssertionOptions())
        try context.require(
            flow.issuedCode(response),
            "a correct assertion \(when) did not complete the flow (\(response.status)), so the "
                + "refusals prove nothing"
        )
    }

    /// A copy of the primary user holding a new software credential, registered through the
    /// account pages in a session signed in at `level` just before: later cases keep using the
    /// user's own credential, whatever this one's fate (Stepgate disables a regressed one).
    static func registerExtraCredential(_ context: CaseContext, level: String) throws -> ProbeUser {
        let user = try context.user()
        guard let own = user.webAuthn else { throw CaseSkipped("the user has no webauthn: register") }
        let extra = try WebAuthnAnswerer(origin: own.origin, random: context.random)
        let copy = ProbeUser(
            role: user.role,
            username: user.username,
            password: user.password,
            totp: user.totp,
            webAuthn: extra
        )
        let session = context.session()
        _ = try context.code(try context.signIn(session, try context.oidc().parameters(acr: level)))
        let path = URLText.path(try context.oidc().metadata.authorizationEndpoint)
        try WebAuthnEnrolment(driver: context.environment.driver(copy), authorizationPath: path)
            .register(session)
        return copy
    }
}
