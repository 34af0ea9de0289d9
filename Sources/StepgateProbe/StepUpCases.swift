/// The step-up itself: a resource challenges, the user proves more, the resource lets the
/// request through; and the shape of the challenge (RFC 9470).
public enum StepUpCases {
    public static let all: [any ProbeCase] = [happy, challengeShape]

    public static let happy = ScriptedCase(
        CaseInfo(
            id: "stepup.happy",
            title: "Happy step-up: challenged, stepped up, allowed",
            category: "stepup",
            sends:
                "each resource without credentials, then the step-up it asks for, then the resource again",
            expects:
                "a challenge (401 RFC 9470 or a redirect to the step-up page), a completed step-up with "
                + "verified tokens at the level asked for, and then the request allowed",
            rationale:
                "RFC 9470 §3-§5: the whole point; every negative case assumes this path works",
            needs: [.resource]
        )
    ) { context in
        for resource in context.target.resources {
            let session = context.session()
            let first = try context.request(resource, in: session, note: "call without credentials")
            switch first {
            case .stepUpRedirect(let location, _) where resource.browser:
                _ = try context.answerRedirect(location, in: session)
                let again = try context.request(resource, in: session, note: "call after step-up")
                try context.require(
                    again.isAllowed,
                    "\(resource.name): after the step-up the resource was \(again.summary)"
                )
            case .challenged(let requirement, let response) where !resource.browser:
                let parameters = try context.parameters(
                    answering: requirement,
                    response,
                    for: resource
                )
                let tokens = try context.tokens(session, parameters)
                let oidc = try context.oidc()
                let identity = try oidc.verifyIDToken(
                    tokens,
                    nonce: parameters.nonce,
                    session: session
                )
                guard let rank = try context.rank(identity.acr),
                    let expected = try context.rank(resource.expects.acr),
                    rank >= expected
                else {
                    throw CaseFailed(
                        "\(resource.name): the ID token's acr is below \(resource.expects.acr)"
                    )
                }
                let bearer = tokens.accessToken
                let again = try context.request(
                    resource,
                    in: session,
                    bearer: bearer,
                    note: "call with the token"
                )
                try context.require(
                    again.isAllowed,
                    "\(resource.name): with the stepped-up token the resource was \(again.summary)"
                )
                if let info = try oidc.userinfo(session, accessToken: bearer) {
                    try context.require(
                        info.status == 200 && info.json?["sub"]?.stringValue == identity.subject,
                        "userinfo did not answer the ID token's subject (\(info.status))"
                    )
                }
            default:
                throw CaseFailed(
                    "\(resource.name): without credentials the resource was \(first.summary)"
                )
            }
        }
        return .passed
    }

    public static let challengeShape = ScriptedCase(
        CaseInfo(
            id: "stepup.challenge_shape",
            title: "RFC 9470 challenge shape",
            category: "stepup",
            sends: "each API resource without a token and with a token at the lowest level",
            expects:
                "401 with one Bearer challenge, error=\"insufficient_user_authentication\", acr_values naming "
                + "known levels no lower than the resource needs, and max_age no longer than it allows",
            rationale:
                "RFC 9470 §3 (the challenge), RFC 9110 §11.6.1 (syntax), RFC 6750 §3: clients can only step "
                + "up when the challenge says exactly what is missing",
            needs: [.apiResource]
        )
    ) { context in
        let lowest = try context.lowestLevel()
        var lowToken: String?
        for resource in context.target.resources where !resource.browser {
            let anonymous = try context.call(
                resource,
                in: context.session("api client"),
                note: "call without a token"
            )
            try context.require(
                anonymous.status == 401,
                "\(resource.name): without a token the answer was \(anonymous.status)"
            )
            if let requirement = try checkShape(anonymous, resource, context) {
                context.note(
                    "\(resource.name): without a token: acr_values \(requirement.acrValues)"
                )
            }
            guard resource.expects.acr != lowest else { continue }
            if lowToken == nil {
                let session = try context.sharedSession(level: lowest)
                lowToken = try context.tokens(session, try context.oidc().parameters(acr: lowest))
                    .accessToken
            }
            let low = try context.call(
                resource,
                in: context.session("api client"),
                bearer: lowToken,
                note: "call with a lowest-level token"
            )
            try context.require(
                low.status == 401,
                "\(resource.name): a \(lowest) token got \(low.status)"
            )
            guard try checkShape(low, resource, context) != nil else {
                throw CaseFailed(
                    "\(resource.name): a \(lowest) token got no insufficient_user_authentication challenge"
                )
            }
        }
        return .passed
    }

    /// Checks the step-up challenge of `response`, if it has one; nil when it has none.
    static func checkShape(
        _ response: ProbeResponse,
        _ resource: TargetDescription.Resource,
        _ context: CaseContext
    )
        throws -> StepUpRequirement?
    {
        let headers = response.headers.values("WWW-Authenticate")
        try context.require(
            !headers.isEmpty,
            "\(resource.name): 401 without WWW-Authenticate (RFC 9110 §15.5.2)"
        )
        var challenges: [AuthChallenge] = []
        for header in headers {
            do {
                challenges += try AuthChallengeParser.parseStrictly(header)
            } catch {
                throw CaseFailed("\(resource.name): WWW-Authenticate is malformed: \(error.detail)")
            }
        }
        let stepUps = challenges.filter { StepUpRequirement($0) != nil }
        guard let challenge = stepUps.first, let requirement = StepUpRequirement(challenge) else {
            try context.require(
                challenges.contains { $0.isBearer },
                "\(resource.name): no Bearer challenge"
            )
            return nil
        }
        try context.require(stepUps.count == 1, "\(resource.name): more than one step-up challenge")
        try context.require(
            !challenge.hasRepeatedParameter,
            "\(resource.name): a challenge parameter is repeated"
        )
        try context.require(
            !requirement.acrValues.isEmpty,
            "\(resource.name): the challenge names no acr_values"
        )
        let needed = try context.rank(resource.expects.acr) ?? 0
        for value in requirement.acrValues {
            guard let rank = try context.rank(value) else {
                throw CaseFailed(
                    "\(resource.name): the challenge names acr \(value), which is not a level"
                )
            }
            try context.require(
                rank >= needed,
                "\(resource.name): the challenge accepts \(value), below \(resource.expects.acr)"
            )
        }
        if let allowed = resource.expects.maxAge {
            guard let maxAge = requirement.maxAge else {
                throw CaseFailed(
                    "\(resource.name): the challenge has no max_age (expected at most \(allowed))"
                )
            }
            try context.require(
                maxAge <= allowed,
                "\(resource.name): max_age \(maxAge) is longer than \(allowed)"
            )
        }
        return requirement
    }
}
