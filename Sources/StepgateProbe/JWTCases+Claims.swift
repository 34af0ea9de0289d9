import StepgateCrypto

/// The claim cases: audience, issuer, expiry and not-before. The probe cannot sign with the
/// provider's key, so each checks two things: (a) the genuine token with the claim changed and
/// the genuine signature, which a resource that checks signatures refuses whatever it thinks of
/// the claim, and (b) a genuinely signed token with the property, where the probe can get one.
extension JWTCases {
    public static let wrongAudience = ScriptedCase(
        CaseInfo(
            id: "jwt.wrong_audience",
            title: "Token for another audience",
            category: "jwt",
            sends:
                "(a) the genuine access token with aud changed to another API and to the client ID, under "
                + "the genuine signature; (b) the genuine ID token, whose aud is the client, as a bearer token",
            expects:
                "all refused with 401 or 403. (a) shows that the signature covers aud, not that aud is "
                + "checked; (b) is a genuinely signed token for another audience, so it shows the audience "
                + "(or the token type) is checked",
            rationale:
                "RFC 7519 §4.1.3 and RFC 9068 §4 (the resource checks aud), OIDC Core §3.1.3.7: an ID "
                + "token is for the client, never a bearer token for an API",
            needs: [.apiResource]
        )
    ) { context in
        let access = try GenuineAccess.obtain(context)
        let parts = try access.parts()
        let client = context.target.client.id
        for (audience, label) in [(nowhere + "/other-api", "another API"), (client, "the client ID")] {
            var claims = parts.claims
            claims["aud"] = .string(audience)
            let forged = JWTForgery.replacingClaims(parts, with: claims)
            try access.expectRefused(context, forged, "aud changed to \(label)")
        }
        guard let idToken = access.tokens.idToken else {
            context.note("the token response held no ID token: (b) was not tried")
            return .passed
        }
        try access.expectRefused(context, idToken, "the genuine ID token")
        return .passed
    }

    public static let wrongIssuer = ScriptedCase(
        CaseInfo(
            id: "jwt.wrong_issuer",
            title: "Token from another issuer",
            category: "jwt",
            sends:
                "the genuine access token with iss changed to another host and to the issuer with a trailing "
                + "slash, under the genuine signature",
            expects:
                "both refused with 401 or 403. This shows that the signature covers iss; a genuinely signed "
                + "token from another issuer is out of the probe's reach, so whether iss itself is compared "
                + "is not checked",
            rationale: "RFC 7519 §4.1.1, RFC 9068 §4 and RFC 8725 §3.8: a resource takes tokens of its own issuer only",
            needs: [.apiResource]
        )
    ) { context in
        let access = try GenuineAccess.obtain(context)
        let parts = try access.parts()
        for (issuer, label) in [(nowhere, "another host"), (context.target.issuer + "/", "a trailing slash")] {
            var claims = parts.claims
            claims["iss"] = .string(issuer)
            try access.expectRefused(
                context,
                JWTForgery.replacingClaims(parts, with: claims),
                "iss changed to \(label)"
            )
        }
        context.note("no genuinely signed token from another issuer was tried (the probe cannot get one)")
        return .passed
    }

    /// The leeway a resource may allow for clock skew when it checks `exp`, in seconds.
    static let expiryLeeway: Double = 60

    public static let expired = ScriptedCase(
        CaseInfo(
            id: "jwt.expired",
            title: "Expired token",
            category: "jwt",
            sends:
                "(a) the genuine access token with exp an hour ago, under the genuine signature; (b) the genuine "
                + "token itself once its exp and a minute of leeway have passed, when that is within --max-wait",
            expects:
                "both refused with 401 or 403. (a) shows that the signature covers exp; (b), a genuinely expired "
                + "token, shows that exp is checked; when the token lives longer than the probe may wait, (b) "
                + "is left out with a note",
            rationale: "RFC 7519 §4.1.4 and RFC 9068 §4: the resource MUST refuse a token after exp",
            needs: [.apiResource]
        )
    ) { context in
        let access = try GenuineAccess.obtain(context)
        let parts = try access.parts()
        let now = context.clock.now.timeIntervalSince1970
        var claims = parts.claims
        claims["exp"] = .integer(Int64(now) - 3600)
        claims["iat"] = .integer(Int64(now) - 7200)
        try access.expectRefused(
            context,
            JWTForgery.replacingClaims(parts, with: claims),
            "exp an hour ago"
        )
        guard let expiry = parts.claims["exp"]?.integerValue else {
            throw CaseFailed("the genuine access token has no exp (RFC 9068 §2.2 requires one)")
        }
        let wait = Double(expiry) - now + expiryLeeway + 1
        guard wait <= context.options.maxWait else {
            context.note(
                "the access token lives \(Int(Double(expiry) - now)) s more, over the wait limit "
                    + "(\(Int(context.options.maxWait)) s): no genuinely expired token was tried"
            )
            return .passed
        }
        context.sleep(seconds: max(wait, 0))
        try access.expectRefused(context, access.token, "the genuine token after its exp")
        return .passed
    }

    public static let notYetValid = ScriptedCase(
        CaseInfo(
            id: "jwt.not_yet_valid",
            title: "Token not valid yet",
            category: "jwt",
            sends:
                "the genuine access token with nbf an hour ahead, and with iat and nbf an hour ahead, under "
                + "the genuine signature",
            expects:
                "both refused with 401 or 403. This shows that the signature covers nbf and iat; a genuinely "
                + "signed token that is not valid yet is out of the probe's reach, so whether nbf itself is "
                + "compared is not checked",
            rationale: "RFC 7519 §4.1.5-§4.1.6 and RFC 8725 §3.10: a token is not accepted before nbf",
            needs: [.apiResource]
        )
    ) { context in
        let access = try GenuineAccess.obtain(context)
        let parts = try access.parts()
        let ahead = Int64(context.clock.now.timeIntervalSince1970) + 3600
        var claims = parts.claims
        claims["nbf"] = .integer(ahead)
        try access.expectRefused(context, JWTForgery.replacingClaims(parts, with: claims), "nbf an hour ahead")
        claims["iat"] = .integer(ahead)
        try access.expectRefused(
            context,
            JWTForgery.replacingClaims(parts, with: claims),
            "iat and nbf an hour ahead"
        )
        context.note("no genuinely signed token that is not valid yet was tried (the probe cannot get one)")
        return .passed
    }
}
