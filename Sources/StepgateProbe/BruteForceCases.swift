/// Guessing second-factor codes: a per-account limit, not only a per-flow one.
public enum BruteForceCases {
    public static let all: [any ProbeCase] = [acrossChallenges]

    /// Most wrong guesses the case sends before it calls the account unlimited (NIST SP
    /// 800-63B §5.2.2: no more than 100 consecutive failed attempts on one account).
    public static let guessLimit = 100
    /// Wrong guesses per flow, below any sensible per-flow limit, so only an account-wide one
    /// can stop them.
    public static let guessesPerFlow = 2

    public static let acrossChallenges = ScriptedCase(
        CaseInfo(
            id: "bruteforce.across_challenges",
            title: "Second-factor codes guessed across many flows",
            category: "bruteforce",
            sends:
                "as the lockout_user: fresh flows for the second level, each answered with the password "
                + "and \(guessesPerFlow) wrong TOTP codes, until the target throttles (429, Retry-After, or "
                + "the right password refused) or \(guessLimit) guesses; then the right code",
            expects:
                "throttled after a bounded number of wrong codes, and the right code refused while "
                + "throttled",
            rationale:
                "NIST SP 800-63B §5.2.2 (rate limiting per account, at most 100 consecutive failures) and "
                + "RFC 6238 §5.2 (throttle after failed attempts): a per-flow limit alone lets an attacker "
                + "open new flows and try a million codes",
            needs: [.lockoutUser]
        )
    ) { context in
        let user = try context.user(.lockout)
        guard let totp = user.totp else { throw CaseSkipped("the lockout_user has no totp_secret") }
        var run = BruteForceRun(context: context, level: try context.secondLevel())
        let throttled = try run.guessUntilThrottled(totp)
        if let flow = run.open {
            let code = try totp.freshCode(maxWait: context.options.maxWait)
            let response = try flow.answerTOTP(code.value)
            try context.require(
                !flow.accepted(response) && !flow.issuedCode(response),
                throttled
                    ? "the right code was accepted while the account was throttled"
                    : "after \(run.guesses) wrong codes in \(run.flows) flows the right code still worked: "
                        + "no per-account limit"
            )
            if flow.accepted(response) { totp.accepted(code) }
        }
        context.note(
            throttled
                ? "throttled after \(run.guesses) wrong codes in \(run.flows) flows"
                : "no throttle signal after \(run.guesses) wrong codes, but the right code was refused"
        )
        return .passed
    }
}
