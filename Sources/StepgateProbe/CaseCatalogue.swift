/// Every case `stepgate probe` knows, in the order a run takes them.
///
/// The order matters for time: cases that need a fresh TOTP step or wait for a flow to expire
/// come late, so the steps used early have passed by then. To add cases, write a group
/// (an enum with `static let all: [any ProbeCase]`) in its own file and list it in `groups`.
public enum CaseCatalogue {
    /// The groups in run order.
    public static let groups: [[any ProbeCase]] = [
        StepUpCases.all,
        CodeCases.all,
        PKCECases.all,
        RedirectCases.all,
        SessionCases.all,
        ACRCases.all,
        RefreshCases.all,
        JWTCases.all + TokenCases.all + PayloadCases.all,
        [FreshnessCases.ssoReentry, FreshnessCases.staleSession],
        GrantCases.all,
        [GrantCases.otherAction],
        WebAuthnCases.all,
        FactorCases.all,
        NetworkCases.all,
        [TOTPCases.replay, FreshnessCases.expiredChallenge, TOTPCases.race],
        HumanCases.all,
        StaleSessionCases.all,
        // Last: it locks its dedicated user out for a while.
        BruteForceCases.all,
    ]

    /// Every case in run order.
    public static var all: [any ProbeCase] { groups.flatMap { $0 } }
}
