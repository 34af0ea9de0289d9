import StepgateCrypto

/// Where the `payload.*` cases send malformed requests, and the state they must leave alone:
/// the token endpoint with a fresh authorization code, a sign-in flow started in a new session
/// (its HTML form, and Stepgate's JSON login API when the target has one), and the resources.
public struct PayloadTargets: Sendable {
    /// A sign-in flow waiting for its first answer.
    public struct Flow: Sendable {
        public let session: ClientSession
        /// Where the provider sent the browser to sign in.
        public let location: String
        /// The POST form of the first sign-in page: its absolute action, and its hidden fields
        /// (flow ID, CSRF token); nil when the page has none.
        public let formAction: String?
        public let hiddenFields: [(String, String)]
        /// `/api/login` and the flow ID, when the JSON login API answers for this flow.
        public let api: String?
        public let flowID: String?
    }

    public let tokenEndpoint: String
    /// A code issued at once to the shared session, not redeemed yet.
    public let code: IssuedCode
    public let flow: Flow?
    /// The other endpoints that take a form, by name: discovery's `revocation_endpoint` and
    /// `end_session_endpoint` (OIDC RP-Initiated Logout §2, which may be POSTed a form).
    public let formEndpoints: [(String, String)]

    /// Issues a code and starts a flow at the lowest level. The flow is nil when the
    /// authorization request does not lead to a sign-in page on the provider.
    public static func prepare(_ context: CaseContext) throws -> PayloadTargets {
        let oidc = try context.oidc()
        let code = try context.issueCode()
        let session = context.session()
        let parameters = oidc.parameters(acr: try context.lowestLevel())
        guard case .login(let location) = try oidc.authorize(session, parameters) else {
            context.note("the authorization request led to no sign-in page: no flow was tried")
            return PayloadTargets(
                tokenEndpoint: oidc.metadata.tokenEndpoint,
                code: code,
                flow: nil,
                formEndpoints: formEndpoints(oidc.metadata)
            )
        }
        let page = try session.get(location, note: "the sign-in page")
        let form = page.forms.first { $0.method == "POST" }
        let action = form.map { URLText.resolve($0.action ?? page.url, against: page.url) }
        let hidden = form?.fields.filter { $0.type == "hidden" }.map { ($0.name, $0.value) } ?? []
        var api: String?
        let flowID = URLText.query(location, "flow")
        if let flowID, context.target.ui != .html, let origin = URLText.origin(location) {
            let state = try session.get(
                URLText.appendingQuery(origin + "/api/login", [("flow", flowID)]),
                accept: .json,
                note: "the JSON login API"
            )
            if state.status == 200, state.json?["next"] != nil { api = origin + "/api/login" }
        }
        let flow = Flow(
            session: session,
            location: location,
            formAction: action,
            hiddenFields: hidden,
            api: api,
            flowID: flowID
        )
        return PayloadTargets(
            tokenEndpoint: oidc.metadata.tokenEndpoint,
            code: code,
            flow: flow,
            formEndpoints: formEndpoints(oidc.metadata)
        )
    }

    private static func formEndpoints(_ metadata: ProviderMetadata) -> [(String, String)] {
        var endpoints: [(String, String)] = []
        if let revocation = metadata.revocationEndpoint {
            endpoints.append(("revocation endpoint", revocation))
        }
        if let endSession = metadata.document["end_session_endpoint"]?.stringValue {
            endpoints.append(("end-session endpoint", endSession))
        }
        return endpoints
    }

    /// The token request fields that redeem `code` (the client's own fields included).
    public func redeemFields(_ context: CaseContext, code: String? = nil, verifier: String? = nil)
        -> [(String, String)]
    {
        var fields = [
            ("grant_type", "authorization_code"), ("code", code ?? self.code.code),
            ("redirect_uri", context.target.client.redirectURI),
            ("code_verifier", verifier ?? self.code.parameters.codeVerifier),
        ]
        if context.target.client.secret == nil { fields.append(("client_id", context.target.client.id)) }
        return fields
    }

    /// Sends one malformed request in `session` (a new one when nil) and fails the case
    /// unless it is clearly refused (see `PayloadAnswer.problem`).
    public func expectRefused(
        _ context: CaseContext,
        _ what: String,
        url: String,
        contentType: String?,
        body: [UInt8],
        headers: [(String, String)] = [],
        in session: ClientSession? = nil,
        closeAllowed: Bool = false
    ) throws {
        var all = headers
        // An empty value sends no Content-Type at all: libcurl would otherwise add its default
        // (application/x-www-form-urlencoded) to every POST with a body.
        all.append(("Content-Type", contentType ?? ""))
        let answer = try Self.send(
            session ?? context.session("client"),
            url: url,
            headers: all,
            body: body,
            note: what
        )
        if let problem = answer.problem(closeAllowed: closeAllowed) {
            throw CaseFailed("\(what): \(problem)")
        }
    }

    /// POSTs `body` and says what came back; a transport failure becomes `.closed` or
    /// `.timedOut` instead of an error.
    static func send(
        _ session: ClientSession,
        url: String,
        headers: [(String, String)],
        body: [UInt8],
        note: String
    ) throws -> PayloadAnswer {
        do throws(ProbeError) {
            let response = try session.send(
                "POST",
                url,
                headers: headers,
                body: body,
                accept: .json,
                note: note
            )
            return .response(response)
        } catch {
            guard error.code == .transport else { throw error }
            return error.message.hasSuffix("timedOut") ? .timedOut : .closed
        }
    }

    /// Fails the case unless the code issued at the start still redeems: the refused
    /// requests must have changed nothing.
    public func expectCodeStillRedeems(_ context: CaseContext) throws {
        let response = try context.oidc().redeem(
            code.session,
            code: code.code,
            verifier: code.parameters.codeVerifier,
            note: "redeem the code after the malformed requests"
        )
        try context.require(
            response.tokens != nil,
            "the code no longer redeems after refused malformed requests (\(response.status))"
        )
    }

    /// Fails the case unless the flow still completes with a code after the malformed
    /// answers: a refused request must leave it as it was.
    public func expectFlowStillCompletes(_ context: CaseContext) throws {
        guard let flow else { return }
        let redirectURI = context.target.client.redirectURI
        let back = try context.driver().complete(flow.session, from: flow.location) {
            OIDCClient.isCallback($0, redirectURI: redirectURI)
        }
        try context.require(
            AuthorizationCallback(location: back).code != nil,
            "the sign-in flow gave no code after refused malformed answers"
        )
    }
}
