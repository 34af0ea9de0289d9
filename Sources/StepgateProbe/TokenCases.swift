/// Tokens after revocation: what the provider revoked, no resource and no refresh may accept.
public enum TokenCases {
    public static let all: [any ProbeCase] = [replayAfterRevoke]

    public static let replayAfterRevoke = ScriptedCase(
        CaseInfo(
            id: "token.replay_after_revoke",
            title: "Revoked access and refresh tokens replayed",
            category: "token",
            sends:
                "a genuine access token accepted by the API resource, revoked at the revocation endpoint "
                + "(token_type_hint access_token) and sent again; then its refresh token revoked and used",
            expects:
                "both revocations answer 200; the revoked access token is refused with 401 or 403, and the "
                + "revoked refresh token gives no tokens",
            rationale:
                "RFC 7009 §2.1-§2.2: once revoked, a token must not be usable; a resource that only checks "
                + "the signature keeps a stolen token alive until exp (RFC 9068 §4, RFC 8725 §3)",
            needs: [.apiResource]
        )
    ) { context in
        let oidc = try context.oidc()
        guard oidc.metadata.revocationEndpoint != nil else {
            throw CaseSkipped("discovery names no revocation_endpoint")
        }
        let access = try GenuineAccess.obtain(context)
        let revoked = try oidc.revoke(
            access.session,
            token: access.token,
            hint: "access_token",
            note: "revoke the access token"
        )
        try context.require(
            revoked?.status == 200,
            "revoking the access token answered \(revoked?.status ?? 0)"
        )
        try access.expectRefused(context, access.token, "the revoked access token")
        guard let refresh = access.tokens.refreshToken else {
            context.note("the token response held no refresh token: its revocation was not tried")
            return .passed
        }
        let second = try oidc.revoke(
            access.session,
            token: refresh,
            hint: "refresh_token",
            note: "revoke the refresh token"
        )
        try context.require(
            second?.status == 200,
            "revoking the refresh token answered \(second?.status ?? 0)"
        )
        let after = try oidc.refresh(access.session, refreshToken: refresh, note: "use the revoked token")
        try context.require(after.tokens == nil, "the revoked refresh token still works")
        return .passed
    }
}
