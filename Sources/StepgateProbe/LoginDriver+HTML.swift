import StepgateCrypto

/// HTML sign-in pages: the password form (`autocomplete="current-password"`), the code form
/// (`one-time-code`), the WebAuthn form (`data-webauthn="get"` with its options in `data-`
/// attributes), and buttons that pick another way (a hidden `choice`).
extension LoginDriver {
    /// Answers pages from `page` on and returns the first redirect location that `isDone`
    /// accepts or that the JSON API should take over.
    func completeHTML(_ session: ClientSession, page: ProbeResponse, isDone: (String) -> Bool)
        throws(ProbeError)
        -> String
    {
        var response = page
        var answered = false
        for _ in 0..<options.maxSteps {
            if response.isRedirect, let location = response.location {
                if isDone(location) || usesJSON(location) { return location }
                guard URLText.origin(location) == URLText.origin(issuer) else {
                    throw ProbeError(.login, "the sign-in pages redirect to another origin")
                }
                response = try session.get(location, note: "follow the sign-in redirect")
                answered = false
                continue
            }
            if answered, response.status >= 400 {
                throw ProbeError(
                    .login,
                    "the target refused the answer (status \(response.status))"
                )
            }
            guard [200, 400, 401].contains(response.status) else {
                throw ProbeError(.login, "a sign-in page answered \(response.status)")
            }
            response = try answerPage(session, response)
            answered = true
        }
        throw ProbeError(.login, "the sign-in did not finish within \(options.maxSteps) pages")
    }

    /// Submits the form of the step `page` shows.
    func answerPage(_ session: ClientSession, _ page: ProbeResponse) throws(ProbeError)
        -> ProbeResponse
    {
        let forms = page.forms
        if let form = forms.first(where: { $0.field(autocomplete: "current-password") != nil }),
            let passwordField = form.field(autocomplete: "current-password")
        {
            var values = [passwordField.name: user.password.revealed]
            if let name = form.field(autocomplete: "username") { values[name.name] = user.username }
            return try Self.submit(
                session,
                form,
                page: page,
                values,
                note: "answer the password step"
            )
        }
        let webAuthnForm = forms.first { $0.attributes["data-webauthn"] == "get" }
        let codeForm = forms.first { $0.field(autocomplete: "one-time-code") != nil }
        var offered = Set(forms.compactMap { $0.field(named: "choice")?.value })
        if webAuthnForm != nil { offered.insert(FactorKind.webAuthn.rawValue) }
        if codeForm != nil { offered.insert(FactorKind.totp.rawValue) }
        switch pick(offered) {
        case .totp:
            guard let form = codeForm, let field = form.field(autocomplete: "one-time-code") else {
                return try choose(session, forms, FactorKind.totp.rawValue, page: page)
            }
            let response = try answerTOTP(session, form, field, page: page)
            // Another client (an earlier run, say) may have used this time-step first: one more
            // answer with the next step, as a person would after "wrong code".
            guard response.status >= 400,
                let again = response.forms.first(where: { $0.field(autocomplete: "one-time-code") != nil }),
                let retryField = again.field(autocomplete: "one-time-code")
            else { return response }
            return try answerTOTP(session, again, retryField, page: response)
        case .webAuthn:
            guard let form = webAuthnForm else {
                return try choose(session, forms, FactorKind.webAuthn.rawValue, page: page)
            }
            return try answerWebAuthn(session, form, page: page)
        case nil:
            throw ProbeError(.login, "the page has no form the probe can answer")
        }
    }

    private func answerTOTP(
        _ session: ClientSession,
        _ form: HTMLForm,
        _ field: HTMLForm.Field,
        page: ProbeResponse
    ) throws(ProbeError) -> ProbeResponse {
        let code = try totpCode()
        let response = try Self.submit(
            session,
            form,
            page: page,
            [field.name: code.value],
            note: "answer the TOTP step"
        )
        if response.status < 400 { user.totp?.accepted(code) }
        return response
    }

    private func choose(
        _ session: ClientSession,
        _ forms: [HTMLForm],
        _ choice: String,
        page: ProbeResponse
    )
        throws(ProbeError) -> ProbeResponse
    {
        guard let form = forms.first(where: { $0.field(named: "choice")?.value == choice }) else {
            throw ProbeError(.login, "no button picks the \(choice) way")
        }
        return try Self.submit(session, form, page: page, [:], note: "pick the \(choice) way")
    }

    private func answerWebAuthn(_ session: ClientSession, _ form: HTMLForm, page: ProbeResponse)
        throws(ProbeError)
        -> ProbeResponse
    {
        guard let webAuthn = user.webAuthn,
            let challenge = form.attributes["data-challenge"].flatMap(Base64URL.decode),
            let rpID = form.attributes["data-rp-id"]
        else { throw ProbeError(.login, "a WebAuthn form without data-challenge or data-rp-id") }
        let allowed = (form.attributes["data-allow"] ?? "").split(separator: " ").compactMap {
            Base64URL.decode($0)
        }
        return try webAuthn.oneAtATime { () throws(ProbeError) in
            let assertion = try webAuthn.assert(
                challenge: challenge,
                relyingPartyID: rpID,
                allowCredentials: allowed,
                options: options.assertion
            )
            let values = Self.webAuthnFields(assertion)
            return try Self.submit(session, form, page: page, values, note: "answer the WebAuthn step")
        }
    }

    /// The form fields of an answer to a WebAuthn step carrying `assertion`.
    static func webAuthnFields(_ assertion: WebAuthnAnswerer.Assertion) -> [String: String] {
        [
            "credential_id": Base64URL.encode(assertion.credentialID),
            "client_data": Base64URL.encode(assertion.clientDataJSON),
            "authenticator_data": Base64URL.encode(assertion.authenticatorData),
            "signature": Base64URL.encode(assertion.signature),
            "user_handle": assertion.userHandle.map(Base64URL.encode) ?? "",
        ]
    }

    /// Sends `form` as a browser would, with `values` replacing (or adding) fields.
    public static func submit(
        _ session: ClientSession,
        _ form: HTMLForm,
        page: ProbeResponse,
        _ values: [String: String],
        note: String
    ) throws(ProbeError) -> ProbeResponse {
        var fields = form.submission.map { name, value in (name, values[name] ?? value) }
        for (name, value) in values.sorted(by: { $0.key < $1.key })
        where !fields.contains(where: { $0.0 == name }) {
            fields.append((name, value))
        }
        let action = URLText.resolve(form.action ?? page.url, against: page.url)
        if form.method == "POST" { return try session.postForm(action, fields, note: note) }
        return try session.get(URLText.appendingQuery(action, fields), note: note)
    }
}
