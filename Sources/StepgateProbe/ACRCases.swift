/// Levels (`acr`): a token says what was proved, and a resource refuses less than it needs.
public enum ACRCases {
    public static let all: [any ProbeCase] = [tampered, severalUnknown]

    public static let tampered = ScriptedCase(
        CaseInfo(
            id: "acr.tampered",
            title: "acr_values lowered in the authorization URL",
            category: "acr",
            sends:
                "the authorization request an API resource's challenge calls for, with acr_values changed to the "
                + "lowest level (as an attacker between client and provider would), a password-only sign-in, and "
                + "the resulting token to the resource",
            expects:
                "a token whose acr says the lowest level (never the level first asked for), and the resource "
                + "refusing it with a new challenge",
            rationale:
                "RFC 9470 §4-§5 and OIDC Core §2 (acr): the request is not integrity-protected, so the "
                + "token must carry what was proved and the resource must check it",
            needs: [.apiResource]
        )
    ) { context in
        let resource = try context.resourceAboveLowest(browser: false)
        let lowest = try context.lowestLevel()
        let session = context.session()
        var parameters = try context.oidc().parameters(acr: resource.expects.acr)
        let first = try context.request(resource, in: session, note: "call without a token")
        if case .challenged(let requirement, let response) = first {
            parameters = try context.parameters(answering: requirement, response, for: resource)
        }
        let asked = parameters.acrValues ?? resource.expects.acr
        parameters.acrValues = lowest
        let tokens = try context.tokens(session, parameters)
        let oidc = try context.oidc()
        let identity = try oidc.verifyIDToken(tokens, nonce: parameters.nonce, session: session)
        try context.require(
            identity.acr == lowest,
            "after a password alone the ID token claims acr \(identity.acr ?? "none")"
        )
        if let access = try oidc.readAccessToken(tokens, session: session), let acr = access.acr {
            try context.require(
                acr == lowest,
                "after a password alone the access token claims acr \(acr)"
            )
        }
        let outcome = try context.request(
            resource,
            in: session,
            bearer: tokens.accessToken,
            note: "the tampered token"
        )
        try context.require(
            !outcome.isAllowed,
            "\(resource.name) (which asks for \(asked)) accepted a \(lowest) token"
        )
        return .passed
    }

    public static let severalUnknown = ScriptedCase(
        CaseInfo(
            id: "acr.several_unknown",
            title: "Several and unknown acr_values",
            category: "acr",
            sends:
                "from a session signed in at the lowest level: acr_values with an unknown value and a known one, "
                + "the unknown value alone, and (with prompt=none) a higher level before the lowest",
            expects:
                "tokens only ever claim a supported level that was proved: never the unknown value, never the "
                + "higher level without its factor",
            rationale:
                "OIDC Core §3.1.2.1 and §5.5.1.1 (acr_values in order of preference), RFC 9470 §4: a "
                + "provider must not echo a level it did not check",
            needs: []
        )
    ) { context in
        let levels = try context.levels()
        let lowest = levels[0]
        let unknown = "urn:stepgate:probe:unknown"
        try claimsAtMost(context, acr: "\(unknown) \(lowest)", prompt: nil, allowed: [lowest])
        try claimsAtMost(context, acr: unknown, prompt: nil, allowed: [lowest])
        if levels.count > 1 {
            try claimsAtMost(
                context,
                acr: "\(levels[1]) \(lowest)",
                prompt: "none",
                allowed: [lowest]
            )
        }
        return .passed
    }

    /// Sends `acr` (and `prompt`) from the shared lowest-level session; a code that comes back
    /// must give tokens whose acr is in `allowed`. An error answer passes.
    private static func claimsAtMost(
        _ context: CaseContext,
        acr: String,
        prompt: String?,
        allowed: Set<String>
    ) throws {
        let session = try context.sharedSession(level: try context.lowestLevel())
        let oidc = try context.oidc()
        var parameters = oidc.parameters(acr: acr)
        parameters.prompt = prompt
        let step = try oidc.authorize(session, parameters, note: "acr_values=\(acr)")
        guard case .callback(let callback, _) = step, let code = callback.code else {
            context.note("acr_values=\(acr): no code (\(describe(step)))")
            return
        }
        let tokens = try context.redeem(session, code: code, parameters)
        let claims = try oidc.verifyIDToken(tokens, nonce: parameters.nonce, session: session)
        try context.require(
            claims.acr.map(allowed.contains) ?? false,
            "acr_values=\(acr) gave a token claiming acr \(claims.acr ?? "none"), which the session did not prove"
        )
    }

    static func describe(_ step: AuthorizationStep) -> String {
        switch step {
        case .callback(let callback, _): callback.error ?? "a callback"
        case .login: "a sign-in page"
        case .redirect: "a redirect off the provider"
        case .page(let response): "status \(response.status)"
        }
    }
}
