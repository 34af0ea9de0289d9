/// Sessions that should be over: after a logout, and after a password change elsewhere. Neither
/// the browser's old cookie, nor a copy of it, nor the other session's refresh token may still
/// get anything without a new sign-in.
public enum StaleSessionCases {
    /// Run last: the password case changes the second user's password and back, and ends that
    /// user's shared session (the next case that needs one signs in again).
    public static let all: [any ProbeCase] = [afterLogout, afterPasswordChange]

    public static let afterLogout = ScriptedCase(
        CaseInfo(
            id: "stepup.stale_after_logout",
            title: "Stale session after logout",
            category: "stepup",
            sends:
                "a sign-in, then a logout at the end_session_endpoint (or the provider's /logout form); "
                + "then authorization requests with prompt=none and without, from the browser and from "
                + "another client holding a copy of its old cookies",
            expects: "no code without a new sign-in: login_required or a sign-in page, every time",
            rationale:
                "OIDC RP-Initiated Logout 1.0 §2 and OIDC Core §3.1.2.1 (prompt=none), NIST SP 800-63B "
                + "§7.1 (session termination), OWASP ASVS V3.3: a logout ends the session at the provider, "
                + "not only the cookie in one browser",
            needs: []
        )
    ) { context in
        let lowest = try context.lowestLevel()
        let oidc = try context.oidc()
        let session = context.session()
        let tokens = try context.tokens(session, oidc.parameters(acr: lowest))
        let replay = session.fork(label: "copy of the old cookies", recordingInto: context.evidence)
        try logOut(context, session, idTokenHint: tokens.idToken)
        for (client, who) in [(session, "the logged-out browser"), (replay, "a copy of its old cookies")] {
            try requireNoSilentCode(context, client, level: lowest, who: who)
        }
        return .passed
    }

    public static let afterPasswordChange = ScriptedCase(
        CaseInfo(
            id: "stepup.stale_after_password_change",
            title: "Stale session after a password change",
            category: "stepup",
            sends:
                "the second user signed in twice (sessions A and B, A with a refresh token); the password "
                + "changed in B on the account page; then prompt=none and a refresh from A; then the "
                + "password changed back",
            expects:
                "A's single sign-on ends (no code without a new sign-in) and A's refresh token is refused",
            rationale:
                "NIST SP 800-63B §7.1 (session termination) and OWASP ASVS V3.3 (other sessions end after "
                + "a password change), OIDC Core §3.1.2.1 (prompt=none), RFC 6749 §10.4: a stolen session "
                + "or refresh token must not outlive the password that won it",
            needs: [.secondUser]
        )
    ) { context in
        let lowest = try context.lowestLevel()
        let oidc = try context.oidc()
        let user = try context.user(.second)
        let form = PasswordChangeForm(
            url: context.target.secondUser?.passwordChangeURL ?? context.target.issuer + "/account/password",
            isConfigured: context.target.secondUser?.passwordChangeURL != nil,
            authorizationPath: URLText.path(oidc.metadata.authorizationEndpoint)
        )
        let first = context.session("second user, session A")
        let tokens = try context.tokens(first, as: .second, oidc.parameters(acr: lowest))
        let second = context.session("second user, session B")
        _ = try context.tokens(second, as: .second, oidc.parameters(acr: lowest))

        // The account page may ask for a fresh step-up: wait for an unused TOTP step first, so
        // that the wait does not outlast the step-up's flow.
        try user.totp?.waitForFreshStep(maxWait: context.options.maxWait)
        let temporary = Secret("probe-" + context.random.token(byteCount: 18))
        context.redactor.register(temporary.revealed)
        let changed = try form.change(
            second,
            driver: context.driver(.second),
            from: user.password,
            to: temporary,
            note: "change the password to a temporary one"
        )
        guard PasswordChangeForm.isAccepted(changed) else {
            throw CaseFailed("the target refused the password change (\(changed.status))")
        }
        context.environment.forgetSharedSessions(.second)
        let failure = checkStale(context, first, tokens: tokens, level: lowest)
        try changeBack(context, form, second, user: user, temporary: temporary)
        if let failure { throw failure }
        return .passed
    }

    /// What session A still gets after the change; nil when it gets nothing.
    private static func checkStale(_ context: CaseContext, _ session: ClientSession, tokens: TokenSet, level: String)
        -> (any Error)?
    {
        do {
            try requireNoSilentCode(context, session, level: level, who: "the other session")
            guard let refresh = tokens.refreshToken else {
                context.note("no refresh token was issued; only single sign-on was checked")
                return nil
            }
            let refreshed = try context.oidc().refresh(session, refreshToken: refresh, note: "refresh from session A")
            try context.require(
                refreshed.tokens == nil,
                "the other session's refresh token still works after the password change"
            )
            return nil
        } catch {
            return error
        }
    }

    /// Sets the second user's password back, so later cases and runs use the target file's.
    private static func changeBack(
        _ context: CaseContext,
        _ form: PasswordChangeForm,
        _ session: ClientSession,
        user: ProbeUser,
        temporary: Secret
    ) throws {
        let driver = try context.driver(.second)
        let signedInWithTemporary = LoginDriver(
            user: ProbeUser(
                role: user.role,
                username: user.username,
                password: temporary,
                totp: user.totp,
                webAuthn: user.webAuthn
            ),
            issuer: driver.issuer,
            options: driver.options
        )
        let answer = try form.change(
            session,
            driver: signedInWithTemporary,
            from: temporary,
            to: user.password,
            note: "change the password back"
        )
        guard PasswordChangeForm.isAccepted(answer) else {
            throw CaseFailed(
                "the password could not be changed back (\(answer.status)): the second user's password on the "
                    + "target is now a temporary one; set it again (stepgate user password NAME)"
            )
        }
    }

    /// Fails the case when `session` gets a code for `level` with prompt=none or without.
    private static func requireNoSilentCode(
        _ context: CaseContext,
        _ session: ClientSession,
        level: String,
        who: String
    ) throws {
        let oidc = try context.oidc()
        for prompt in ["none", nil] as [String?] {
            var parameters = oidc.parameters(acr: level)
            parameters.prompt = prompt
            let step = try oidc.authorize(session, parameters, note: "\(who): prompt=\(prompt ?? "(none sent)")")
            if case .callback(let callback, _) = step, callback.code != nil {
                throw CaseFailed("\(who) got a code without a new sign-in (prompt=\(prompt ?? "(none sent)"))")
            }
            if case .redirect = step { throw CaseFailed("the request redirected off the provider") }
        }
    }

    /// Logs `session` out at the end_session_endpoint, else at the issuer's `/logout`, submitting
    /// the confirmation form a page shows; skips the case when the target has neither.
    private static func logOut(_ context: CaseContext, _ session: ClientSession, idTokenHint: String?) throws {
        let oidc = try context.oidc()
        let advertised = oidc.metadata.document["end_session_endpoint"]?.stringValue
        var fields = [("client_id", context.target.client.id)]
        if let idTokenHint { fields.append(("id_token_hint", idTokenHint)) }
        let url = advertised.map { URLText.appendingQuery($0, fields) } ?? context.target.issuer + "/logout"
        var answer = try session.get(url, note: "log out")
        if answer.status == 200,
            let form = answer.forms.first(where: { ($0.action ?? "").contains("logout") && $0.method == "POST" })
        {
            answer = try LoginDriver.submit(session, form, page: answer, [:], note: "confirm the logout")
        }
        guard answer.status < 400 else {
            if advertised == nil {
                throw CaseSkipped(
                    "discovery names no end_session_endpoint and the issuer's /logout answered \(answer.status)"
                )
            }
            throw CaseFailed("the end_session_endpoint refused the logout (\(answer.status))")
        }
    }
}
