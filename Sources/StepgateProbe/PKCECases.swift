/// PKCE (RFC 7636): a code is bound to the verifier of the client that asked for it.
public enum PKCECases {
    public static let all: [any ProbeCase] = [missing, plain, wrongVerifier]

    public static let missing = ScriptedCase(
        CaseInfo(
            id: "pkce.missing",
            title: "Authorization request without PKCE",
            category: "pkce",
            sends:
                "an authorization request without code_challenge, then (if a code comes) a token request "
                + "without code_verifier",
            expects:
                "the request refused (invalid_request), or at least no tokens for a code without PKCE",
            rationale:
                "RFC 9700 §2.1.1 and OAuth 2.1 §4.1.1: public clients must use PKCE; without it an "
                + "intercepted code can be redeemed by anyone",
            needs: []
        )
    ) { context in
        try attempt(context, "without PKCE") { parameters in
            parameters.omitCodeChallenge = true
            parameters.codeChallengeMethod = nil
        } redeemWith: { _ in
            nil
        }
    }

    public static let plain = ScriptedCase(
        CaseInfo(
            id: "pkce.plain",
            title: "PKCE with the plain method",
            category: "pkce",
            sends: "code_challenge_method=plain with the verifier itself as the challenge",
            expects: "the request refused, or no tokens for the plain verifier",
            rationale:
                "RFC 9700 §2.1.1 (use S256), RFC 7636 §7.2: a plain challenge leaked with the request is "
                + "the verifier, so it protects nothing",
            needs: []
        )
    ) { context in
        try attempt(context, "with PKCE plain") { parameters in
            parameters.codeChallengeMethod = "plain"
            parameters.codeChallenge = parameters.codeVerifier
        } redeemWith: {
            $0.codeVerifier
        }
    }

    public static let wrongVerifier = ScriptedCase(
        CaseInfo(
            id: "pkce.wrong_verifier",
            title: "Token request with a wrong or missing verifier",
            category: "pkce",
            sends:
                "a code issued for an S256 challenge redeemed with another valid verifier, and a second "
                + "such code redeemed with none",
            expects: "both token requests refused (invalid_grant or invalid_request)",
            rationale:
                "RFC 7636 §4.6: the server MUST compare the verifier with the challenge; otherwise a "
                + "stolen code is as good as the real client's",
            needs: []
        )
    ) { context in
        let issued = try context.issueCode()
        let oidc = try context.oidc()
        let other = context.random.token(byteCount: 32)
        let wrong = try oidc.redeem(
            issued.session,
            code: issued.code,
            verifier: other,
            note: "a wrong verifier"
        )
        try context.require(wrong.tokens == nil, "the code was redeemed with a wrong verifier")
        // A code of its own: a provider may spend a code on any redemption, refused ones too,
        // and then the first code would be refused without its verifier ever being checked.
        let fresh = try context.issueCode()
        let none = try oidc.redeem(
            fresh.session,
            code: fresh.code,
            verifier: nil,
            note: "no verifier"
        )
        try context.require(none.tokens == nil, "the code was redeemed without a verifier")
        return .passed
    }

    /// Sends the authorization request `adjust` makes; a code that comes back must not be
    /// redeemable with the verifier `redeemWith` picks.
    private static func attempt(
        _ context: CaseContext,
        _ what: String,
        _ adjust: (inout AuthorizationParameters) -> Void,
        redeemWith verifier: (AuthorizationParameters) -> String?
    ) throws -> Verdict {
        let lowest = try context.lowestLevel()
        let session = try context.sharedSession(level: lowest)
        let oidc = try context.oidc()
        var parameters = oidc.parameters(acr: lowest)
        adjust(&parameters)
        switch try oidc.authorize(session, parameters, note: "authorization request \(what)") {
        case .callback(let callback, _):
            guard let code = callback.code else {
                context.note("refused with \(callback.error ?? "an error")")
                return .passed
            }
            let response = try oidc.redeem(
                session,
                code: code,
                verifier: verifier(parameters),
                note: "redeem \(what)"
            )
            try context.require(
                response.tokens == nil,
                "a code requested \(what) was redeemed for tokens"
            )
            context.note("a code was issued \(what), but the token endpoint refused it")
            return .passed
        case .redirect:
            throw CaseFailed("the request \(what) redirected off the provider")
        case .login, .page:
            return .passed
        }
    }
}
