/// TOTP codes (RFC 6238): each time-step accepted once, also when two answers race.
public enum TOTPCases {
    public static let all: [any ProbeCase] = [replay, race]

    public static let replay = ScriptedCase(
        CaseInfo(
            id: "totp.replay",
            title: "Replayed TOTP code",
            category: "totp",
            sends:
                "a TOTP code the target just accepted, answered again in another flow while its time-step is "
                + "still inside the verifier's window",
            expects: "the second answer refused",
            rationale:
                "RFC 6238 §5.2: the verifier MUST NOT accept the second attempt of the same OTP; a code "
                + "seen over a shoulder or phished in real time must work once",
            needs: [.totp]
        )
    ) { context in
        let (user, totp) = try soonest(context, preferReplayable: true)
        let level = try context.secondLevel()
        for _ in 0..<2 {
            let code = try totp.replayableCode ?? acceptedCode(context, user, level: level)
            let flow = try PendingFlow.atSecondFactor(
                context,
                try context.oidc().parameters(acr: level),
                as: user.role
            )
            guard code.step >= totp.currentStep - 1 else {
                context.note(
                    "the accepted code left the verifier's window; trying again with a fresh one"
                )
                continue
            }
            let again = try flow.answerTOTP(code.value)
            try context.require(!flow.accepted(again), "a TOTP code was accepted a second time")
            return .passed
        }
        throw CaseFailed("could not replay a code within its time-step window")
    }

    public static let race = ScriptedCase(
        CaseInfo(
            id: "totp.race",
            title: "One TOTP code answered in two flows at once",
            category: "totp",
            sends:
                "a fresh TOTP code sent to two flows of the same user from two threads released together",
            expects: "exactly one answer accepted",
            rationale:
                "RFC 6238 §5.2 under concurrency: the time-step must be consumed atomically, or a phished "
                + "code works twice",
            needs: [.totp]
        )
    ) { context in
        let (user, totp) = try soonest(context, preferReplayable: false)
        let level = try context.secondLevel()
        try totp.waitForFreshStep(maxWait: context.options.maxWait)
        let flows = try (0..<2).map { index in
            try PendingFlow.atSecondFactor(
                context,
                try context.oidc().parameters(acr: level),
                as: user.role,
                label: "\(user.role.rawValue) \(index + 1)"
            )
        }
        let answers = try flows.map { try $0.prepareTOTP() }
        let code = try totp.freshCode(maxWait: context.options.maxWait)
        let results = context.race(2) { index in try answers[index].send(code.value) }
        let accepted = results.enumerated().filter { index, result in
            (try? result.get()).map(flows[index].accepted) ?? false
        }.count
        if accepted > 0 { totp.accepted(code) }
        try context.require(accepted < 2, "one TOTP code was accepted by both raced answers")
        try context.require(accepted == 1, "neither raced answer was accepted")
        return .passed
    }

    /// The user with a TOTP seed whose next unused step comes soonest (with `preferReplayable`,
    /// one holding a code it may replay now comes first), so the cases wait as little as possible.
    private static func soonest(_ context: CaseContext, preferReplayable: Bool) throws -> (
        ProbeUser, TOTPAnswerer
    ) {
        let candidates = ProbeUser.Role.everyday.compactMap { role -> (ProbeUser, TOTPAnswerer)? in
            guard let user = try? context.user(role), let totp = user.totp else { return nil }
            return (user, totp)
        }
        if preferReplayable, let ready = candidates.first(where: { $0.1.replayableCode != nil }) {
            return ready
        }
        guard
            let best = candidates.min(by: {
                $0.1.secondsUntilFreshStep < $1.1.secondsUntilFreshStep
            })
        else {
            throw CaseSkipped("no user has a TOTP seed")
        }
        return best
    }

    /// A code the target accepts now, in a flow of `user`'s own.
    private static func acceptedCode(_ context: CaseContext, _ user: ProbeUser, level: String)
        throws
        -> TOTPAnswerer.Code
    {
        guard let totp = user.totp else { throw CaseSkipped("the user has no TOTP seed") }
        let flow = try PendingFlow.atSecondFactor(
            context,
            try context.oidc().parameters(acr: level),
            as: user.role
        )
        let code = try totp.freshCode(maxWait: context.options.maxWait)
        let answer = try flow.answerTOTP(code.value)
        try context.require(
            flow.accepted(answer),
            "a fresh TOTP code was refused (\(answer.status))"
        )
        totp.accepted(code)
        return code
    }
}
