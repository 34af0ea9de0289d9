import StepgateCrypto

/// The resource side: calling a protected resource as a browser or an API client, reading its
/// answer, and answering its step-up (RFC 9470 for API clients, redirects for browsers).
extension CaseContext {
    /// Calls `resource` (or the same action at `url` with `body`) in `session`, with `bearer`
    /// as its access token when given.
    public func call(
        _ resource: TargetDescription.Resource,
        in session: ClientSession,
        bearer: String? = nil,
        url: String? = nil,
        body: String? = nil,
        note: String? = nil
    ) throws(ProbeError) -> ProbeResponse {
        var headers: [(String, String)] = []
        if let bearer { headers.append(("Authorization", "Bearer \(bearer)")) }
        let content = body ?? resource.body
        if content != nil {
            headers.append(
                ("Content-Type", resource.contentType ?? "application/x-www-form-urlencoded")
            )
        }
        return try session.send(
            resource.method,
            url ?? resource.url,
            headers: headers,
            body: Array((content ?? "").utf8),
            accept: resource.browser ? .html : .json,
            note: note ?? "call \(resource.name)"
        )
    }

    /// Calls `resource` (see `call`) and says what its answer means.
    public func request(
        _ resource: TargetDescription.Resource,
        in session: ClientSession,
        bearer: String? = nil,
        url: String? = nil,
        body: String? = nil,
        note: String? = nil
    ) throws(ProbeError) -> ResourceOutcome {
        let response = try call(
            resource,
            in: session,
            bearer: bearer,
            url: url,
            body: body,
            note: note
        )
        return try classify(response, of: resource)
    }

    /// What `response` of `resource` means.
    public func classify(_ response: ProbeResponse, of resource: TargetDescription.Resource)
        throws(ProbeError)
        -> ResourceOutcome
    {
        if resource.isAllowed(status: response.status) { return .allowed(response) }
        if response.status == 401,
            let requirement = response.challenges.lazy.compactMap(StepUpRequirement.init).first
        {
            return .challenged(requirement, response)
        }
        if response.isRedirect, let location = response.location {
            let path = URLText.path(try oidc().metadata.authorizationEndpoint)
            if !LoginDriver.leavesSignIn(location, issuer: target.issuer, authorizationPath: path) {
                return .stepUpRedirect(location, response)
            }
        }
        return .refused(response)
    }

    /// Answers a browser's step-up: every sign-in page from `location` on, as `role`; returns
    /// where the provider sends the browser back.
    public func answerRedirect(
        _ location: String,
        in session: ClientSession,
        as role: ProbeUser.Role = .primary,
        preference: [FactorKind]? = nil
    ) throws -> String {
        let issuer = target.issuer
        let path = URLText.path(try oidc().metadata.authorizationEndpoint)
        return try driver(role, preference: preference).complete(session, from: location) {
            LoginDriver.leavesSignIn($0, issuer: issuer, authorizationPath: path)
        }
    }

    /// The authorization request an API client sends to answer `requirement`: its levels and
    /// `max_age`, and the `authorization_details` the challenge's JSON body names (Stepgate
    /// puts the transaction to approve there), else those the resource's description gives.
    public func parameters(
        answering requirement: StepUpRequirement,
        _ response: ProbeResponse,
        for resource: TargetDescription.Resource? = nil
    ) throws(ProbeError) -> AuthorizationParameters {
        var parameters = try oidc().parameters(
            acr: requirement.acrValues.isEmpty ? nil : requirement.acrValues.joined(separator: " "),
            maxAge: requirement.maxAge
        )
        if let details = response.json?["authorization_details"], details.arrayValue != nil {
            parameters.authorizationDetails = details.serializedString
        } else {
            parameters.authorizationDetails = resource?.authorizationDetails
        }
        return parameters
    }

    /// Tokens answering an API resource's challenge: sign in as `role` in `session` with what
    /// the challenge asks for, and redeem the code.
    public func answerChallenge(
        _ requirement: StepUpRequirement,
        _ response: ProbeResponse,
        for resource: TargetDescription.Resource,
        in session: ClientSession,
        as role: ProbeUser.Role = .primary,
        preference: [FactorKind]? = nil
    ) throws -> TokenSet {
        let parameters = try parameters(answering: requirement, response, for: resource)
        return try tokens(session, as: role, parameters, preference: preference)
    }

    /// A resource that should ask for more than the lowest level, for cases that need one;
    /// skips the case when none does. `browser` picks the kind when given.
    public func resourceAboveLowest(browser: Bool? = nil, bound: Bool? = nil) throws
        -> TargetDescription.Resource
    {
        let lowest = try lowestLevel()
        let found = target.resources.first { resource in
            resource.expects.acr != lowest && (browser.map { resource.browser == $0 } ?? true)
                && (bound.map { resource.expects.bound == $0 } ?? true)
        }
        guard let found else {
            throw CaseSkipped("no resource that asks for more than \(lowest) fits this case")
        }
        return found
    }
}
