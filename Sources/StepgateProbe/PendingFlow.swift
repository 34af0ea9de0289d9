import StepgateCrypto

/// A sign-in flow started in its own session and answered up to its second factor: what the
/// TOTP and session cases attack. Works through Stepgate's JSON API or HTML forms, as the
/// login driver would.
public struct PendingFlow: Sendable {
    public let session: ClientSession
    /// The sign-in page's URL (with the flow ID).
    public let location: String
    let driver: LoginDriver
    let redirectURI: String

    /// Starts a flow for `parameters` in a new session of `context` and answers its password
    /// step as `role`, leaving it at the second factor.
    public static func atSecondFactor(
        _ context: CaseContext,
        _ parameters: AuthorizationParameters,
        as role: ProbeUser.Role = .primary,
        label: String = "user"
    ) throws -> PendingFlow {
        let session = context.session(label)
        let flow = try start(context, session, parameters, as: role)
        let answered = try flow.answerPassword()
        try context.require(!answered.isRedirect, "the flow finished after the password alone")
        return flow
    }

    /// Starts a flow for `parameters` in `session`, answering nothing.
    public static func start(
        _ context: CaseContext,
        _ session: ClientSession,
        _ parameters: AuthorizationParameters,
        as role: ProbeUser.Role = .primary
    ) throws -> PendingFlow {
        guard case .login(let location) = try context.oidc().authorize(session, parameters) else {
            throw CaseFailed("the authorization request did not lead to a sign-in page")
        }
        return PendingFlow(
            session: session,
            location: location,
            driver: try context.driver(role, preference: [.totp]),
            redirectURI: parameters.redirectURI ?? context.target.client.redirectURI
        )
    }

    /// Whether the flow is answered through the JSON API.
    public var usesJSON: Bool { driver.usesJSON(location) }

    /// The JSON API's URL and the flow ID; nil for HTML flows.
    var api: (url: String, flow: String)? {
        guard usesJSON, let flow = URLText.query(location, "flow"),
            let origin = URLText.origin(location)
        else {
            return nil
        }
        return (origin + "/api/login", flow)
    }

    /// Answers the password step in `session` (this flow's own unless another is given).
    public func answerPassword(
        in other: ClientSession? = nil,
        note: String = "answer the password step"
    )
        throws(ProbeError) -> ProbeResponse
    {
        let client = other ?? session
        if let api {
            let user = driver.user
            return try client.postJSON(
                api.url,
                [
                    "flow": .string(api.flow), "username": .string(user.username),
                    "password": .string(user.password.revealed),
                ],
                note: note
            )
        }
        let page = try client.get(location, note: "sign-in page")
        guard page.forms.contains(where: { $0.field(autocomplete: "current-password") != nil })
        else { return page }
        return try driver.answerPage(client, page)
    }

    /// Sends `code` as the answer to the TOTP step (in `session` unless another is given).
    public func answerTOTP(_ code: String, in other: ClientSession? = nil) throws(ProbeError)
        -> ProbeResponse
    {
        try prepareTOTP(in: other).send(code)
    }

    /// Everything up to sending a TOTP code (for HTML, the page with the code form), so that
    /// raced answers leave at the same instant.
    public func prepareTOTP(in other: ClientSession? = nil) throws(ProbeError) -> PreparedTOTPAnswer {
        let client = other ?? session
        if let api { return PreparedTOTPAnswer(client: client, target: .json(url: api.url, flow: api.flow)) }
        var page = try client.get(location, note: "sign-in page")
        if page.forms.first(where: { $0.field(autocomplete: "one-time-code") != nil }) == nil,
            let choose = page.forms.first(where: {
                $0.field(named: "choice")?.value == FactorKind.totp.rawValue
            })
        {
            page = try LoginDriver.submit(client, choose, page: page, [:], note: "pick the TOTP way")
        }
        guard
            let form = page.forms.first(where: { $0.field(autocomplete: "one-time-code") != nil }),
            let field = form.field(autocomplete: "one-time-code")
        else { throw ProbeError(.login, "the flow shows no one-time-code field") }
        return PreparedTOTPAnswer(client: client, target: .form(form, page: page, field: field.name))
    }

    /// Whether `response` to an answer was accepted: for JSON a 200 state, for HTML a redirect
    /// or a page below 400.
    public func accepted(_ response: ProbeResponse) -> Bool {
        if usesJSON { return response.status == 200 && response.json?["error"] == nil }
        return response.isRedirect || response.status < 400
    }

    /// Whether `response` ends the flow with a code at the client's redirect URI (HTML
    /// redirect or JSON `redirect_to`).
    public func issuedCode(_ response: ProbeResponse) -> Bool {
        let target = response.location ?? response.json?["redirect_to"]?.stringValue
        guard let target, OIDCClient.isCallback(target, redirectURI: redirectURI) else {
            return false
        }
        return AuthorizationCallback(location: target).code != nil
    }
}
