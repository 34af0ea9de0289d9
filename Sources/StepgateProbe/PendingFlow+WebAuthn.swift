/// Answering a pending flow's WebAuthn step with an assertion that departs from a correct one.
extension PendingFlow {
    /// Picks the WebAuthn way (when the flow offers another first) and answers it with an
    /// assertion made as `options` say, by `user`'s authenticator (this flow's user unless
    /// another is given, such as a copy holding a second credential).
    ///
    /// - Throws: `ProbeError.login` when the flow offers no WebAuthn step the user can answer.
    public func answerWebAuthn(
        _ options: WebAuthnAssertionOptions,
        as user: ProbeUser? = nil
    ) throws(ProbeError) -> ProbeResponse {
        var settings = driver.options
        settings.preference = [.webAuthn]
        settings.assertion = options
        let answering = LoginDriver(user: user ?? driver.user, issuer: driver.issuer, options: settings)
        guard answering.user.webAuthn?.isRegistered == true else {
            throw ProbeError(.login, "the user has no registered WebAuthn credential")
        }
        if let api {
            let state = try LoginDriver.state(
                try session.get(
                    URLText.appendingQuery(api.url, [("flow", api.flow)]),
                    accept: .json,
                    note: "flow state"
                )
            )
            return try answering.answerJSON(session, api: api.url, flow: api.flow, state: state)
        }
        return try answering.answerPage(session, try webAuthnPage(answering))
    }

    /// The `userVerification` the flow's WebAuthn step asks for (`required`, `preferred`,
    /// `discouraged`); nil when the flow offers no WebAuthn step or does not say.
    public func webAuthnUserVerification() throws(ProbeError) -> String? {
        if let api {
            var state = try LoginDriver.state(
                try session.get(
                    URLText.appendingQuery(api.url, [("flow", api.flow)]),
                    accept: .json,
                    note: "flow state"
                )
            )
            if state["next"]?.stringValue != FactorKind.webAuthn.rawValue {
                guard let choice = LoginDriver.choice(in: state, next: FactorKind.webAuthn.rawValue) else {
                    return nil
                }
                let url = URLText.appendingQuery(api.url, [("flow", api.flow), ("choice", choice)])
                state = try LoginDriver.state(
                    try session.get(url, accept: .json, note: "pick the WebAuthn way")
                )
            }
            return state["public_key"]?["userVerification"]?.stringValue
        }
        var settings = driver.options
        settings.preference = [.webAuthn]
        let page = try webAuthnPage(LoginDriver(user: driver.user, issuer: driver.issuer, options: settings))
        let form = page.forms.first { $0.attributes["data-webauthn"] == "get" }
        return form?.attributes["data-user-verification"]
    }

    /// The sign-in page with the WebAuthn form, picking that way first when another is shown.
    private func webAuthnPage(_ answering: LoginDriver) throws(ProbeError) -> ProbeResponse {
        var page = try session.get(location, note: "sign-in page")
        for _ in 0..<2 where !page.forms.contains(where: { $0.attributes["data-webauthn"] == "get" }) {
            if page.isRedirect, let next = page.location {
                page = try session.get(next, note: "follow the sign-in redirect")
            } else if page.forms.contains(where: {
                $0.field(named: "choice")?.value == FactorKind.webAuthn.rawValue
            }) {
                page = try answering.answerPage(session, page)
            } else {
                break
            }
        }
        return page
    }
}
