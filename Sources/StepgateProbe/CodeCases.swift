/// Authorization codes: used once, even when two redemptions race.
public enum CodeCases {
    public static let all: [any ProbeCase] = [replay, race]

    public static let replay = ScriptedCase(
        CaseInfo(
            id: "code.replay",
            title: "Replayed authorization code",
            category: "code",
            sends: "a code redeemed once, then the same code again",
            expects:
                "the second redemption refused (400 invalid_grant), and the refresh token of the first "
                + "redemption revoked",
            rationale:
                "RFC 6749 §4.1.2 (a code MUST NOT be used more than once; SHOULD revoke what it issued), "
                + "RFC 9700 §4.5: a stolen code is worth nothing once used",
            needs: []
        )
    ) { context in
        let issued = try context.issueCode()
        let oidc = try context.oidc()
        let first = try context.redeem(issued.session, code: issued.code, issued.parameters)
        let second = try oidc.redeem(
            issued.session,
            code: issued.code,
            verifier: issued.parameters.codeVerifier,
            note: "replay the code"
        )
        try context.require(
            second.tokens == nil,
            "the replayed code was redeemed again (\(second.status))"
        )
        if second.error != "invalid_grant" {
            context.note(
                "the replay was refused with \(second.status) \(second.error ?? "no error code"), not invalid_grant"
            )
        }
        if let refresh = first.refreshToken {
            let after = try oidc.refresh(
                issued.session,
                refreshToken: refresh,
                note: "the first redemption's refresh token"
            )
            try context.require(
                after.tokens == nil,
                "the refresh token from the first redemption still works after the replay "
                    + "(RFC 6749 §4.1.2: SHOULD revoke)"
            )
        }
        return .passed
    }

    public static let race = ScriptedCase(
        CaseInfo(
            id: "code.race",
            title: "Authorization code redeemed twice at once",
            category: "code",
            sends: "one code to the token endpoint from two threads released together",
            expects: "exactly one token response; the other refused",
            rationale:
                "RFC 6749 §4.1.2: single use must hold under concurrency (a check-then-update in the "
                + "store lets both through)",
            needs: []
        )
    ) { context in
        let issued = try context.issueCode()
        let oidc = try context.oidc()
        let results = context.race(2) { _ in
            try oidc.redeem(
                issued.session,
                code: issued.code,
                verifier: issued.parameters.codeVerifier,
                note: "raced redemption"
            )
        }
        let granted = results.filter { (try? $0.get())?.tokens != nil }.count
        try context.require(granted < 2, "both raced redemptions got tokens")
        try context.require(granted == 1, "neither raced redemption got tokens")
        return .passed
    }
}
