/// A degraded network between the probe and the target (`FaultProxy`): lost responses, resets,
/// latency and half-open stalls in the middle of a step-up. Each flow must complete correctly
/// or fail closed; never a token below the level asked for, never a single-use value accepted
/// twice. The cases use the run's proxies when the target file has a `network:` section (and
/// put its plan back), else proxies of their own.
public enum NetworkCases {
    public static let all: [any ProbeCase] = [
        dropTokenResponse, dropStepUpAnswer, resetMidRequest, latencyStepUp, stallHalfOpen,
    ]

    public static let dropTokenResponse = ScriptedCase(
        CaseInfo(
            id: "network.drop_token_response",
            title: "Token response lost after the server acted",
            category: "network",
            sends:
                "a stepped-up code to the token endpoint through the fault proxy, which lets the request "
                + "through and drops the whole response; then the same code again",
            expects: "the retry of the code refused: the lost redemption used it up",
            rationale:
                "RFC 6749 §4.1.2 (a code is used once) on a lossy network: a client that retries, or an "
                + "attacker who saw the lost response, must not get a second set of tokens",
            needs: [.secondFactor]
        )
    ) { context in
        try context.withNetwork { network in
            let clean = context.cleanPlan
            try network.update(clean)
            let issued = try steppedUpCode(context, network)
            let oidc = try context.oidc()
            let before = network.counters.droppedResponses
            let lost = try network.with(dropping(clean)) {
                try? oidc.redeem(
                    issued.session,
                    code: issued.code,
                    verifier: issued.parameters.codeVerifier,
                    note: "redeem the code; the proxy drops the response"
                )
            }
            try context.require(
                lost == nil && network.counters.droppedResponses > before,
                "the fault proxy did not drop the token response"
            )
            let retry = try oidc.redeem(
                issued.session,
                code: issued.code,
                verifier: issued.parameters.codeVerifier,
                note: "retry the same code"
            )
            try context.require(
                retry.tokens == nil,
                "the code was redeemed again after its token response was lost (\(retry.status))"
            )
            context.note(
                "the tokens of the lost response never reached the probe, so whether the retry revoked "
                    + "them cannot be seen from here; code.replay checks that with tokens in hand"
            )
            return .passed
        }
    }

    public static let dropStepUpAnswer = ScriptedCase(
        CaseInfo(
            id: "network.drop_stepup_answer",
            title: "Answer to the final factor lost after the server acted",
            category: "network",
            sends:
                "the final answer of a step-up (a passkey assertion, else a TOTP code) through the fault "
                + "proxy, which drops the response; the same answer again; then a new step-up from the start",
            expects:
                "the repeated answer refused, and the restarted step-up gives tokens at the level asked for",
            rationale:
                "RFC 6238 §5.2 and WebAuthn §7.2 (a code or challenge works once): a lost confirmation "
                + "must not leave an answer that works again, nor a flow that cannot be restarted",
            needs: [.secondFactor]
        )
    ) { context in
        try context.withNetwork { network in
            let clean = context.cleanPlan
            try network.update(clean)
            let pending = try flowAtFinalAnswer(context, network)
            let before = network.counters.droppedResponses
            let lost = try sendLost(pending.answer, network, dropping(clean))
            pending.answer.markAccepted()
            try context.require(
                lost && network.counters.droppedResponses > before,
                "the fault proxy did not drop the answer's response"
            )
            let again = try pending.answer.send()
            try requireRefusedRepeat(context, pending.flow, again, pending.answer.factor)
            _ = try restart(context, network)
            return .passed
        }
    }

    public static let resetMidRequest = ScriptedCase(
        CaseInfo(
            id: "network.reset_mid_request",
            title: "Connection reset in the middle of a factor answer and of a token response",
            category: "network",
            sends:
                "the final answer of a step-up with the connection reset after 64 bytes of the request, "
                + "then the same answer again; a stepped-up code whose token response is reset after 12 "
                + "bytes, then the same code again; then a new step-up from the start",
            expects:
                "the server did not act on the cut answer or acted completely: the answer again is refused, "
                + "or accepted once and leads to tokens at the level asked for; the code whose response "
                + "was cut gives nothing; the restarted step-up works",
            rationale:
                "RFC 6749 §4.1.2, RFC 6238 §5.2: a reset must not leave a half-consumed flow or code that "
                + "a retry can use again, nor a token at a lower level",
            needs: [.secondFactor]
        )
    ) { context in
        try context.withNetwork { network in
            let clean = context.cleanPlan
            try network.update(clean)
            var cutRequest = clean
            cutRequest.reset = FaultPlan.Reset(directions: [.request], afterBytes: 64)
            let pending = try flowAtFinalAnswer(context, network)
            try context.require(
                try sendLost(pending.answer, network, cutRequest),
                "an answer cut after 64 bytes got a response"
            )
            let again = try pending.answer.send()
            if pending.flow.accepted(again) {
                pending.answer.markAccepted()
                if let code = try code(after: again, of: pending.flow) {
                    let tokens = try context.redeem(pending.flow.session, code: code, pending.parameters)
                    let acr = try context.requireLevel(
                        tokens,
                        pending.parameters,
                        pending.flow.session,
                        level: try context.secondLevel()
                    )
                    context.note("the cut answer had not been acted on; sent again it gave tokens at \(acr)")
                }
            } else {
                context.note("the answer sent again after the reset was refused (\(again.status)): failed closed")
            }

            var cutResponse = clean
            cutResponse.reset = FaultPlan.Reset(directions: [.response], afterBytes: 12)
            let issued = try steppedUpCode(context, network)
            let oidc = try context.oidc()
            let cut = try network.with(cutResponse) {
                try? oidc.redeem(
                    issued.session,
                    code: issued.code,
                    verifier: issued.parameters.codeVerifier,
                    note: "redeem the code; the proxy resets the response after 12 bytes"
                )
            }
            try context.require(cut == nil, "a token response cut after 12 bytes was read whole")
            let retry = try oidc.redeem(
                issued.session,
                code: issued.code,
                verifier: issued.parameters.codeVerifier,
                note: "retry the code whose response was cut"
            )
            try context.require(
                retry.tokens == nil,
                "the code whose token response was cut was redeemed again (\(retry.status))"
            )
            _ = try restart(context, network)
            return .passed
        }
    }

    public static let latencyStepUp = ScriptedCase(
        CaseInfo(
            id: "network.latency_stepup",
            title: "Complete step-up over a slow, jittery, narrow link",
            category: "network",
            sends:
                "an API resource's complete step-up (challenge, sign-in, token, the resource again) through "
                + "the fault proxy with the network section's latency, jitter and bandwidth (else 40 ms, "
                + "± 20 ms, 256 kbit/s)",
            expects:
                "the step-up completes with a token at the level the resource asks for and the request "
                + "allowed, or it fails closed (an error or a timeout, nothing granted)",
            rationale:
                "a slow link must change how long a step-up takes, never what it grants (RFC 9470 §4)",
            needs: [.apiResource, .secondFactor]
        )
    ) { context in
        let resource = try context.resourceAboveLowest(browser: false)
        return try context.withNetwork { network in
            var slow = context.cleanPlan
            if slow.latency == .zero && slow.jitter == .zero && slow.bandwidthBytesPerSecond == nil {
                slow.latency = .milliseconds(40)
                slow.jitter = .milliseconds(20)
                slow.bandwidthBytesPerSecond = 32_000
            }
            try network.update(slow)
            do {
                try slowStepUp(context, network, resource)
            } catch let error as ProbeError where error.code == .transport {
                context.note("the step-up failed closed on the slow link: \(error.message)")
            }
            return .passed
        }
    }

    public static let stallHalfOpen = ScriptedCase(
        CaseInfo(
            id: "network.stall_half_open",
            title: "Half-open stall during a step-up",
            category: "network",
            sends:
                "the final answer of a step-up through the fault proxy, which delivers the request and holds "
                + "the response back without closing (the probe gives up after 2 s); discovery; the same "
                + "answer again; then a new step-up from the start",
            expects:
                "the probe times out, the server still answers, the repeated answer is refused, and the "
                + "restarted step-up gives tokens at the level asked for",
            rationale:
                "a stalled client must neither take the server down nor leave an answer that works again "
                + "(RFC 6238 §5.2, WebAuthn §7.2)",
            needs: [.secondFactor]
        )
    ) { context in
        try context.withNetwork { network in
            let clean = context.cleanPlan
            try network.update(clean)
            var stalled = clean
            stalled.stall = FaultPlan.Stall(direction: .response, afterBytes: 0, duration: nil)
            let pending = try flowAtFinalAnswer(context, network, timeout: 2)
            let before = network.counters.stalls
            try context.require(
                try sendLost(pending.answer, network, stalled) && network.counters.stalls > before,
                "the stalled answer got a response"
            )
            pending.answer.markAccepted()
            let discovery = try context.session("health check", through: network).get(
                context.target.issuer + "/.well-known/openid-configuration",
                accept: .json,
                note: "is the server still answering?"
            )
            try context.require(discovery.status == 200, "after the stall, discovery answered \(discovery.status)")
            let again = try pending.answer.send()
            try requireRefusedRepeat(context, pending.flow, again, pending.answer.factor)
            _ = try restart(context, network)
            return .passed
        }
    }

    /// The step-up of `resource` through `network`: fails the case on a lower-level token or a
    /// grant without the step-up; a transport error is thrown on (it means the flow failed closed).
    private static func slowStepUp(
        _ context: CaseContext,
        _ network: ProbeNetwork,
        _ resource: TargetDescription.Resource
    ) throws {
        let session = context.session("api client", through: network)
        let first = try context.request(resource, in: session, note: "call without credentials")
        guard case .challenged(let requirement, let response) = first else {
            throw CaseFailed("\(resource.name): without credentials the resource was \(first.summary)")
        }
        let parameters = try context.parameters(answering: requirement, response, for: resource)
        let tokens = try context.tokens(session, parameters, preference: [.webAuthn, .totp])
        let acr = try context.requireLevel(
            tokens,
            parameters,
            session,
            level: resource.expects.acr
        )
        let again = try context.request(resource, in: session, bearer: tokens.accessToken, note: "call with the token")
        if again.isAllowed {
            context.note("the step-up completed over the slow link at \(acr)")
        } else {
            context.note("with the stepped-up token the resource was \(again.summary): failed closed")
        }
    }
}
