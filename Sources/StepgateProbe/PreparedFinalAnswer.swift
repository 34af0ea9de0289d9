import StepgateCrypto

/// The last answer of a step-up (a passkey assertion or a TOTP code), made once so that it can
/// be sent again unchanged: what the network cases repeat after the first try's response was
/// lost. The TOTP code is a fresh one, marked handed out; sending it twice is the point.
public struct PreparedFinalAnswer: Sendable {
    enum Body: Sendable {
        case json(ClientSession, url: String, JSONValue)
        case form(ClientSession, HTMLForm, page: ProbeResponse, values: [String: String])
        case totp(PreparedTOTPAnswer, TOTPAnswerer.Code, TOTPAnswerer)
    }

    /// Which factor answers.
    public let factor: FactorKind
    let body: Body

    /// Sends the answer: the same bytes, in the same client, each time.
    public func send() throws(ProbeError) -> ProbeResponse {
        switch body {
        case .json(let client, let url, let value):
            return try client.postJSON(url, value, note: "answer the WebAuthn step")
        case .form(let client, let form, let page, let values):
            return try LoginDriver.submit(client, form, page: page, values, note: "answer the WebAuthn step")
        case .totp(let prepared, let code, _):
            return try prepared.send(code.value)
        }
    }

    /// Records that the target accepted the answer (a TOTP code then counts as used).
    public func markAccepted() {
        if case .totp(_, let code, let answerer) = body { answerer.accepted(code) }
    }
}

extension PendingFlow {
    /// The answer to this flow's second factor, ready to send: an assertion of the user's
    /// registered passkey when the flow offers WebAuthn, else a fresh TOTP code (waiting for a
    /// new step when needed).
    ///
    /// - Throws: `CaseSkipped` when the user can answer neither way.
    public func prepareFinalAnswer(maxWait: Double) throws -> PreparedFinalAnswer {
        if let webAuthn = driver.user.webAuthn, webAuthn.isRegistered {
            let prepared = try api.map { api throws(ProbeError) in try prepareWebAuthn(api: api, webAuthn) }
            if let answer = try prepared ?? prepareWebAuthnForm(webAuthn) { return answer }
        }
        guard let totp = driver.user.totp else {
            throw CaseSkipped("the flow needs a passkey through the JSON API or a TOTP seed")
        }
        let prepared = try prepareTOTP()
        let code = try totp.freshCode(maxWait: maxWait)
        return PreparedFinalAnswer(factor: .totp, body: .totp(prepared, code, totp))
    }

    private func prepareWebAuthnForm(_ webAuthn: WebAuthnAnswerer) throws(ProbeError) -> PreparedFinalAnswer? {
        guard api == nil else { return nil }
        var page = try session.get(location, note: "sign-in page")
        if !page.forms.contains(where: { $0.attributes["data-webauthn"] == "get" }),
            let choose = page.forms.first(where: { $0.field(named: "choice")?.value == FactorKind.webAuthn.rawValue })
        {
            page = try LoginDriver.submit(session, choose, page: page, [:], note: "pick the WebAuthn way")
        }
        guard let form = page.forms.first(where: { $0.attributes["data-webauthn"] == "get" }),
            let challenge = form.attributes["data-challenge"].flatMap(Base64URL.decode),
            let rpID = form.attributes["data-rp-id"]
        else { return nil }
        let allowed = (form.attributes["data-allow"] ?? "").split(separator: " ").compactMap {
            Base64URL.decode($0)
        }
        let assertion = try webAuthn.assert(challenge: challenge, relyingPartyID: rpID, allowCredentials: allowed)
        let values = LoginDriver.webAuthnFields(assertion)
        return PreparedFinalAnswer(factor: .webAuthn, body: .form(session, form, page: page, values: values))
    }

    private func prepareWebAuthn(api: (url: String, flow: String), _ webAuthn: WebAuthnAnswerer)
        throws(ProbeError) -> PreparedFinalAnswer?
    {
        let stateURL = URLText.appendingQuery(api.url, [("flow", api.flow)])
        var state = try LoginDriver.state(try session.get(stateURL, accept: .json, note: "flow state"))
        if state["next"]?.stringValue != FactorKind.webAuthn.rawValue {
            guard let choice = LoginDriver.choice(in: state, next: FactorKind.webAuthn.rawValue) else { return nil }
            let url = URLText.appendingQuery(api.url, [("flow", api.flow), ("choice", choice)])
            state = try LoginDriver.state(try session.get(url, accept: .json, note: "pick the WebAuthn way"))
        }
        guard let options = state["public_key"], let ceremony = state["ceremony"]?.stringValue,
            let challenge = options["challenge"]?.stringValue.flatMap(Base64URL.decode),
            let rpID = options["rpId"]?.stringValue
        else { throw ProbeError(.login, "a WebAuthn step without public_key or ceremony") }
        let allowed = (options["allowCredentials"]?.arrayValue ?? []).compactMap {
            $0["id"]?.stringValue.flatMap(Base64URL.decode)
        }
        let assertion = try webAuthn.assert(challenge: challenge, relyingPartyID: rpID, allowCredentials: allowed)
        let body = LoginDriver.webAuthnBody(assertion, flow: api.flow, ceremony: ceremony)
        return PreparedFinalAnswer(factor: .webAuthn, body: .json(session, url: api.url, body))
    }
}
