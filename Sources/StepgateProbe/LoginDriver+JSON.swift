import StepgateCrypto

/// Stepgate's JSON login API (docs/openapi.yaml): `GET /api/login?flow=ID` says what is next,
/// `POST /api/login` answers it, until `status: complete` with `redirect_to`.
extension LoginDriver {
    func completeJSON(_ session: ClientSession, location: String) throws(ProbeError) -> String {
        guard let flow = URLText.query(location, "flow"), let origin = URLText.origin(location)
        else {
            throw ProbeError(.login, "the sign-in page names no flow")
        }
        let api = origin + "/api/login"
        var response = try session.get(
            URLText.appendingQuery(api, [("flow", flow)]),
            accept: .json,
            note: "flow state"
        )
        for _ in 0..<options.maxSteps {
            let state = try Self.state(response)
            if state["status"]?.stringValue == "complete" {
                guard let target = state["redirect_to"]?.stringValue else {
                    throw ProbeError(.login, "a complete flow without redirect_to")
                }
                return URLText.resolve(target, against: location)
            }
            response = try answerJSON(session, api: api, flow: flow, state: state)
        }
        throw ProbeError(.login, "the sign-in did not finish within \(options.maxSteps) answers")
    }

    /// The flow state in `response`, or the reason the flow cannot go on.
    static func state(_ response: ProbeResponse) throws(ProbeError) -> JSONValue {
        guard let json = response.json else {
            throw ProbeError(.login, "the login API answered \(response.status) without JSON")
        }
        if json["error"]?.stringValue == "authentication_failed" {
            throw ProbeError(.login, "the target refused the answer (authentication_failed)")
        }
        guard response.status == 200 else {
            let error = json["error"]?.stringValue ?? "no error code"
            throw ProbeError(.login, "the login API answered \(response.status) \(error)")
        }
        return json
    }

    /// Answers the step `state` asks for (or, for a second factor, the preferred one offered).
    func answerJSON(_ session: ClientSession, api: String, flow: String, state: JSONValue)
        throws(ProbeError)
        -> ProbeResponse
    {
        let next = state["next"]?.stringValue ?? ""
        if next == "password" {
            return try session.postJSON(
                api,
                [
                    "flow": .string(flow), "username": .string(user.username),
                    "password": .string(user.password.revealed),
                ],
                note: "answer the password step"
            )
        }
        let offered = Set(
            [next] + (state["options"]?.arrayValue ?? []).compactMap { $0["next"]?.stringValue }
        )
        switch pick(offered) {
        case .totp:
            var response = try answerTOTPJSON(session, api: api, flow: flow)
            if response.status == 400, response.json?["error"]?.stringValue == "authentication_failed" {
                // Another client (an earlier run, say) may have used this time-step first: one
                // more answer with the next step, as a person would after "wrong code".
                response = try answerTOTPJSON(session, api: api, flow: flow)
            }
            return response
        case .webAuthn:
            var current = state
            if next != "webauthn" {
                let choice = Self.choice(in: state, next: "webauthn") ?? "webauthn"
                let url = URLText.appendingQuery(api, [("flow", flow), ("choice", choice)])
                current = try Self.state(
                    try session.get(url, accept: .json, note: "pick the WebAuthn way")
                )
            }
            return try answerWebAuthnJSON(session, api: api, flow: flow, state: current)
        case nil:
            throw ProbeError(
                .login,
                "the flow asks for \(Self.printable(next)), which the probe cannot answer"
            )
        }
    }

    private func answerTOTPJSON(_ session: ClientSession, api: String, flow: String) throws(ProbeError)
        -> ProbeResponse
    {
        let code = try totpCode()
        let response = try session.postJSON(
            api,
            ["flow": .string(flow), "step": "otp", "otp": .string(code.value)],
            note: "answer the TOTP step"
        )
        if response.status == 200 { user.totp?.accepted(code) }
        return response
    }

    private func answerWebAuthnJSON(
        _ session: ClientSession,
        api: String,
        flow: String,
        state: JSONValue
    )
        throws(ProbeError) -> ProbeResponse
    {
        guard let webAuthn = user.webAuthn, let options = state["public_key"],
            let ceremony = state["ceremony"]?.stringValue,
            let challenge = options["challenge"]?.stringValue.flatMap(Base64URL.decode),
            let rpID = options["rpId"]?.stringValue
        else { throw ProbeError(.login, "a WebAuthn step without public_key or ceremony") }
        let allowed = (options["allowCredentials"]?.arrayValue ?? []).compactMap {
            $0["id"]?.stringValue.flatMap(Base64URL.decode)
        }
        return try webAuthn.oneAtATime { () throws(ProbeError) in
            let assertion = try webAuthn.assert(
                challenge: challenge,
                relyingPartyID: rpID,
                allowCredentials: allowed,
                options: self.options.assertion
            )
            let body = Self.webAuthnBody(assertion, flow: flow, ceremony: ceremony)
            return try session.postJSON(api, body, note: "answer the WebAuthn step")
        }
    }

    /// The JSON API's answer to a WebAuthn step carrying `assertion`.
    static func webAuthnBody(_ assertion: WebAuthnAnswerer.Assertion, flow: String, ceremony: String)
        -> JSONValue
    {
        var body: [String: JSONValue] = [
            "flow": .string(flow), "step": "webauthn", "ceremony": .string(ceremony),
            "credential_id": .string(Base64URL.encode(assertion.credentialID)),
            "client_data": .string(Base64URL.encode(assertion.clientDataJSON)),
            "authenticator_data": .string(Base64URL.encode(assertion.authenticatorData)),
            "signature": .string(Base64URL.encode(assertion.signature)),
        ]
        if let handle = assertion.userHandle {
            body["user_handle"] = .string(Base64URL.encode(handle))
        }
        return .object(body)
    }

    /// The `choice` of the option whose `next` is `next`.
    static func choice(in state: JSONValue, next: String) -> String? {
        state["options"]?.arrayValue?.first { $0["next"]?.stringValue == next }?["choice"]?
            .stringValue
    }

    /// A step name from the target, shortened and stripped, for a message.
    static func printable(_ text: String) -> String {
        let kept = text.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }
            .prefix(32)
        return kept.isEmpty ? "an unnamed step" : String(String.UnicodeScalarView(kept))
    }
}
