/// Refresh tokens: a refresh renews access, never the proof of authentication; reuse revokes.
public enum RefreshCases {
    public static let all: [any ProbeCase] = [keepsACR, replayFamily, revoked]

    public static let keepsACR = ScriptedCase(
        CaseInfo(
            id: "refresh.keeps_acr",
            title: "Refresh keeps the original acr and auth_time",
            category: "refresh",
            sends:
                "tokens from a code at the second level (the lowest without a second factor), then a refresh",
            expects:
                "the refreshed ID token (and JWT access token) carry the same acr and auth_time as the first",
            rationale:
                "OIDC Core §12.2 (refreshed ID tokens keep auth_time and acr), RFC 9470 §5: a refresh "
                + "must not make old proof look fresh or strong",
            needs: []
        )
    ) { context in
        let levels = try context.levels()
        let user = try context.user()
        let level = levels.count > 1 && user.canReachSecondFactor ? levels[1] : levels[0]
        let issued = try context.issueCode(level: level)
        let oidc = try context.oidc()
        let first = try context.redeem(issued.session, code: issued.code, issued.parameters)
        guard let refresh = first.refreshToken else {
            throw CaseSkipped("the target issued no refresh token")
        }
        let original = try oidc.verifyIDToken(
            first,
            nonce: issued.parameters.nonce,
            session: issued.session
        )
        context.sleep(seconds: 1.1)
        let response = try oidc.refresh(issued.session, refreshToken: refresh)
        guard let renewed = response.tokens else {
            throw CaseFailed("the refresh was refused: \(response.status) \(response.error ?? "")")
        }
        var compared = 0
        if renewed.idToken != nil {
            let claims = try oidc.verifyIDToken(renewed, nonce: nil, session: issued.session)
            try context.require(claims.acr == original.acr, "the refreshed ID token's acr changed")
            try context.require(
                claims.authTime == original.authTime,
                "the refreshed ID token's auth_time changed"
            )
            compared += 1
        }
        if let access = try oidc.readAccessToken(renewed, session: issued.session),
            access.acr != nil
        {
            try context.require(
                access.acr == original.acr,
                "the refreshed access token's acr changed"
            )
            try context.require(
                access.authTime == original.authTime,
                "the refreshed access token's auth_time changed"
            )
            compared += 1
        }
        guard compared > 0 else {
            throw CaseSkipped("the refreshed tokens carry no acr to compare")
        }
        return .passed
    }

    public static let replayFamily = ScriptedCase(
        CaseInfo(
            id: "refresh.replay_family",
            title: "Replayed refresh token revokes its family",
            category: "refresh",
            sends: "refresh token R1 used once (giving R2), then R1 again, then R2",
            expects: "the replay of R1 refused, and R2 refused after it: the whole family revoked",
            rationale:
                "RFC 9700 §4.14.2 and OAuth 2.1 §4.3.1: rotation with reuse detection; a replay means "
                + "theft, so both the thief's and the victim's tokens must stop working",
            needs: []
        )
    ) { context in
        let issued = try context.issueCode()
        let oidc = try context.oidc()
        let tokens = try context.redeem(issued.session, code: issued.code, issued.parameters)
        guard let first = tokens.refreshToken else {
            throw CaseSkipped("the target issued no refresh token")
        }
        let rotated = try oidc.refresh(issued.session, refreshToken: first, note: "use R1")
        guard let renewed = rotated.tokens else {
            throw CaseFailed("the first refresh was refused (\(rotated.status))")
        }
        guard let second = renewed.refreshToken, second != first else {
            throw CaseSkipped("the target does not rotate refresh tokens")
        }
        let replay = try oidc.refresh(issued.session, refreshToken: first, note: "replay R1")
        try context.require(replay.tokens == nil, "the used refresh token R1 worked again")
        let after = try oidc.refresh(
            issued.session,
            refreshToken: second,
            note: "R2 after the replay"
        )
        try context.require(
            after.tokens == nil,
            "R2 still works after R1 was replayed: the family was not revoked"
        )
        return .passed
    }

    public static let revoked = ScriptedCase(
        CaseInfo(
            id: "refresh.revoked",
            title: "Revoked refresh token",
            category: "refresh",
            sends: "a refresh token revoked at the revocation endpoint, then used",
            expects: "revocation answers 200 and the refresh is refused",
            rationale: "RFC 7009 §2.1-§2.2: after revocation the token must not be usable",
            needs: []
        )
    ) { context in
        let issued = try context.issueCode()
        let oidc = try context.oidc()
        let tokens = try context.redeem(issued.session, code: issued.code, issued.parameters)
        guard let refresh = tokens.refreshToken else {
            throw CaseSkipped("the target issued no refresh token")
        }
        guard
            let revocation = try oidc.revoke(issued.session, token: refresh, hint: "refresh_token")
        else {
            throw CaseSkipped("discovery names no revocation_endpoint")
        }
        try context.require(revocation.status == 200, "revocation answered \(revocation.status)")
        let after = try oidc.refresh(
            issued.session,
            refreshToken: refresh,
            note: "use the revoked token"
        )
        try context.require(after.tokens == nil, "the revoked refresh token still works")
        return .passed
    }
}
