/// How strong and how recent: an existing session never stands in for more or fresher proof,
/// and a challenge does not outlive its lifetime.
public enum FreshnessCases {
    public static let all: [any ProbeCase] = [ssoReentry, staleSession, expiredChallenge]

    public static let ssoReentry = ScriptedCase(
        CaseInfo(
            id: "stepup.sso_reentry",
            title: "SSO cookie re-entry while a higher level is required",
            category: "stepup",
            sends:
                "from a session signed in with a password alone: a request for the second level with "
                + "prompt=none, and one without prompt",
            expects:
                "prompt=none ends in an error (login_required or similar) and the other asks for a second "
                + "factor; never a code for a token at the lower level",
            rationale:
                "OIDC Core §3.1.2.1 (prompt=none, acr_values), RFC 9470 §4: single sign-on must not "
                + "satisfy a step-up the session has not earned",
            needs: [.secondFactor]
        )
    ) { context in
        let lowest = try context.lowestLevel()
        let second = try context.secondLevel()
        let session = try context.sharedSession(level: lowest)
        let oidc = try context.oidc()
        for prompt in ["none", nil] as [String?] {
            var parameters = oidc.parameters(acr: second)
            parameters.prompt = prompt
            let step = try oidc.authorize(
                session,
                parameters,
                note: "ask for \(second), prompt=\(prompt ?? "(none sent)")"
            )
            switch step {
            case .callback(let callback, _):
                guard let code = callback.code else { continue }
                let tokens = try context.redeem(session, code: code, parameters)
                let claims = try oidc.verifyIDToken(
                    tokens,
                    nonce: parameters.nonce,
                    session: session
                )
                throw CaseFailed(
                    "the \(lowest) session got a code for \(second) at once; its token claims \(claims.acr ?? "no acr")"
                )
            case .login:
                try context.require(
                    prompt == nil,
                    "prompt=none showed a sign-in page instead of an error"
                )
            case .redirect:
                throw CaseFailed("the request redirected off the provider")
            case .page(let response):
                try context.require(
                    prompt == nil,
                    "prompt=none answered \(response.status) instead of an error redirect"
                )
            }
        }
        return .passed
    }

    public static let staleSession = ScriptedCase(
        CaseInfo(
            id: "stepup.stale_session",
            title: "Stale session: auth_time older than max_age",
            category: "stepup",
            sends:
                "a fresh password sign-in, a wait of two seconds, then max_age=1 (with prompt=none, then "
                + "without), answered again",
            expects:
                "prompt=none refused, re-authentication asked, and the new token's auth_time within max_age",
            rationale:
                "OIDC Core §3.1.2.1 (max_age: MUST actively re-authenticate) and §2 (auth_time); "
                + "RFC 9470 §4: freshness is what a step-up for payees and phone numbers asks for",
            needs: []
        )
    ) { context in
        let lowest = try context.lowestLevel()
        let oidc = try context.oidc()
        let session = context.session()
        let first = try context.tokens(session, oidc.parameters(acr: lowest))
        let earlier = try oidc.verifyIDToken(first, nonce: nil, session: session).authTime ?? 0
        context.sleep(seconds: 2.2)
        var parameters = oidc.parameters(acr: lowest, maxAge: 1)
        parameters.prompt = "none"
        if case .callback(let callback, _) = try oidc.authorize(
            session,
            parameters,
            note: "max_age=1, prompt=none"
        ),
            callback.code != nil
        {
            throw CaseFailed(
                "prompt=none with max_age=1 got a code from a session authenticated 2 s before"
            )
        }
        parameters = oidc.parameters(acr: lowest, maxAge: 1)
        let asked = context.clock.now.timeIntervalSince1970
        guard case .login(let location) = try oidc.authorize(session, parameters, note: "max_age=1")
        else {
            throw CaseFailed("max_age=1 did not ask to authenticate again")
        }
        let back = try context.driver().complete(session, from: location) {
            OIDCClient.isCallback($0, redirectURI: context.target.client.redirectURI)
        }
        let tokens = try context.redeem(
            session,
            code: try context.code(AuthorizationCallback(location: back)),
            parameters
        )
        let authTime =
            try oidc.verifyIDToken(tokens, nonce: parameters.nonce, session: session).authTime ?? 0
        try context.require(authTime > earlier, "the new token kept the old auth_time")
        try context.require(
            Double(authTime) >= asked - 2,
            "the new token's auth_time is older than max_age allows"
        )
        return .passed
    }

    public static let expiredChallenge = ScriptedCase(
        CaseInfo(
            id: "stepup.expired_challenge",
            title: "Expired challenge",
            category: "stepup",
            sends:
                "a sign-in flow left open for its whole lifetime (flow_lifetime) and a second more, then "
                + "answered with the right password",
            expects: "the answer refused (expired); no code",
            rationale:
                "NIST SP 800-63B §4 (authentication intents expire), RFC 6749 §10.5: a challenge that "
                + "outlives its lifetime can be answered by whoever finds it later",
            needs: [.flowLifetime]
        )
    ) { context in
        guard let lifetime = context.target.flowLifetime else {
            throw CaseSkipped("no flow_lifetime")
        }
        let parameters = try context.oidc().parameters(acr: try context.lowestLevel())
        let flow = try PendingFlow.start(context, context.session(), parameters)
        context.note("waiting \(Int(lifetime) + 2) s for the flow to expire")
        context.sleep(seconds: lifetime + 1.5)
        let answer = try flow.answerPassword(note: "answer the expired flow")
        try context.require(
            !flow.issuedCode(answer),
            "the expired flow accepted the answer and issued a code"
        )
        if flow.usesJSON {
            try context.require(
                answer.status >= 400,
                "the expired flow took the answer (\(answer.status))"
            )
        }
        return .passed
    }
}
