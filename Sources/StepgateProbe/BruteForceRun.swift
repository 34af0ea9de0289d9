/// One run of `bruteforce.across_challenges`: flows opened one after another for the lockout
/// user, each answered with the password and a few wrong TOTP codes, until the target throttles.
struct BruteForceRun {
    let context: CaseContext
    let level: String
    /// Wrong codes the target answered as wrong (not as throttled).
    private(set) var guesses = 0
    /// Flows opened.
    private(set) var flows = 0
    /// The newest flow waiting at its TOTP step, for the right code at the end.
    private(set) var open: PendingFlow?

    init(context: CaseContext, level: String) {
        self.context = context
        self.level = level
    }

    /// Whether `response` says the account (or client) must wait: 429, or a `Retry-After`.
    static func isThrottle(_ response: ProbeResponse) -> Bool {
        response.status == 429 || response.headers["Retry-After"] != nil
    }

    /// Guesses until the target throttles (true) or `BruteForceCases.guessLimit` wrong codes
    /// went by without it (false); in both cases `open` is a flow at its TOTP step when one is.
    mutating func guessUntilThrottled(_ totp: TOTPAnswerer) throws -> Bool {
        while guesses < BruteForceCases.guessLimit {
            let session = context.session("lockout_user")
            let flow = try PendingFlow.start(
                context,
                session,
                try context.oidc().parameters(acr: level),
                as: .lockout
            )
            flows += 1
            let password = try flow.answerPassword()
            try context.require(!flow.issuedCode(password), "the flow finished after the password alone")
            // A throttled account refuses even the right password.
            if Self.isThrottle(password) || !flow.accepted(password) { return true }
            open = flow
            for _ in 0..<BruteForceCases.guessesPerFlow {
                let response = try flow.answerTOTP(totp.wrongCode())
                try context.require(
                    !flow.accepted(response) && !flow.issuedCode(response),
                    "a wrong TOTP code was accepted"
                )
                if Self.isThrottle(response) { return true }
                guesses += 1
            }
        }
        let session = context.session("lockout_user")
        let flow = try PendingFlow.start(context, session, try context.oidc().parameters(acr: level), as: .lockout)
        let password = try flow.answerPassword()
        if Self.isThrottle(password) || !flow.accepted(password) { return true }
        open = flow
        return false
    }
}
