import StepgateCrypto

/// Browser sessions: state, flows and forms stay bound to the session that started them.
public enum SessionCases {
    public static let all: [any ProbeCase] = [stateSwap, flowHijack, csrf]

    public static let stateSwap = ScriptedCase(
        CaseInfo(
            id: "session.state_swap",
            title: "state and codes swapped between two sessions",
            category: "session",
            sends:
                "two users' authorization requests with their own state; then one user's code redeemed with "
                + "the other session's PKCE verifier (a code injected into another session)",
            expects:
                "each callback returns its own state unchanged (and iss = issuer), and the injected code "
                + "is refused",
            rationale:
                "RFC 6749 §4.1.2 and §10.12 (state binds the response to the session), RFC 9207 (iss), "
                + "RFC 9700 §4.5 (PKCE stops code injection)",
            needs: [.secondUser]
        )
    ) { context in
        let lowest = try context.lowestLevel()
        let first = try context.issueCode(level: lowest, as: .primary)
        let second = try context.issueCode(level: lowest, as: .second)
        for (issued, who) in [(first, "user"), (second, "second user")] {
            try context.require(
                issued.callback.state == issued.parameters.state,
                "the \(who)'s state came back changed"
            )
            if let issuer = issued.callback.issuer {
                try context.require(
                    issuer == context.target.issuer,
                    "the \(who)'s callback names another iss"
                )
            }
        }
        let oidc = try context.oidc()
        // A third code for the injection: a provider may spend a code on a refused redemption,
        // and the user's own code is redeemed below.
        let stolen = try context.issueCode(level: lowest, as: .primary)
        let injected = try oidc.redeem(
            second.session,
            code: stolen.code,
            verifier: second.parameters.codeVerifier,
            note: "the user's code with the second user's verifier"
        )
        try context.require(
            injected.tokens == nil,
            "a code was redeemed with another session's PKCE verifier"
        )
        let mine = try context.redeem(second.session, code: second.code, second.parameters)
        let theirs = try context.redeem(first.session, code: first.code, first.parameters)
        let subjects = try [mine, theirs].map {
            try oidc.verifyIDToken($0, nonce: nil, session: first.session).subject
        }
        try context.require(
            subjects[0] != subjects[1],
            "both users' codes gave tokens for the same subject"
        )
        return .passed
    }

    public static let flowHijack = ScriptedCase(
        CaseInfo(
            id: "session.flow_hijack",
            title: "A sign-in flow taken to another session",
            category: "session",
            sends:
                "a flow started in one browser, opened and answered (with the right password) from another",
            expects: "the other browser can neither read nor answer the flow, and gets no code",
            rationale:
                "OWASP session fixation, OIDC Core §3.1.2.5: a flow ID that leaks (logs, Referer, shoulder) "
                + "must be useless without the browser that started it",
            needs: []
        )
    ) { context in
        let parameters = try context.oidc().parameters(acr: try context.lowestLevel())
        let flow = try PendingFlow.start(context, context.session("user"), parameters)
        let attacker = context.session("attacker")
        if let api = flow.api {
            let state = try attacker.get(
                URLText.appendingQuery(api.url, [("flow", api.flow)]),
                accept: .json,
                note: "read the flow"
            )
            try context.require(
                state.status >= 400,
                "another session read the flow (\(state.status))"
            )
        }
        let answer = try flow.answerPassword(
            in: attacker,
            note: "answer the flow from another session"
        )
        try context.require(
            !flow.issuedCode(answer),
            "another session completed the flow and got a code"
        )
        if flow.usesJSON {
            try context.require(
                answer.status >= 400,
                "another session's answer was accepted (\(answer.status))"
            )
        }
        let own = try context.driver().complete(flow.session, from: flow.location) {
            OIDCClient.isCallback($0, redirectURI: context.target.client.redirectURI)
        }
        try context.require(
            AuthorizationCallback(location: own).code != nil,
            "the flow's own browser could not finish it"
        )
        return .passed
    }

    public static let csrf = ScriptedCase(
        CaseInfo(
            id: "session.csrf_stepup_form",
            title: "CSRF on the step-up form",
            category: "session",
            sends:
                "the sign-in form posted with the right password but its CSRF token missing, forged, or taken "
                + "from another session; and (for a JSON API) the answer as text/plain",
            expects:
                "every forged post refused without advancing the flow; the genuine form still works",
            rationale:
                "OWASP CSRF, RFC 6749 §10.12: a cross-site post must not answer a step-up in the victim's "
                + "session (login CSRF, approval CSRF)",
            needs: []
        )
    ) { context in
        let parameters = try context.oidc().parameters(acr: try context.lowestLevel())
        let flow = try PendingFlow.start(context, context.session("user"), parameters)
        let page = try flow.session.get(flow.location, note: "the step-up form")
        guard
            let form = page.forms.first(where: { $0.field(autocomplete: "current-password") != nil }
            ),
            let token = form.fields.first(where: { $0.type == "hidden" && isCSRFName($0.name) })
        else { throw CaseSkipped("the sign-in form carries no recognisable CSRF token field") }
        let user = try context.user()
        var values: [String: String] = [:]
        if let name = form.field(autocomplete: "username") { values[name.name] = user.username }
        if let password = form.field(autocomplete: "current-password") {
            values[password.name] = user.password.revealed
        }

        let other = try PendingFlow.start(
            context,
            context.session("attacker"),
            try context.oidc().parameters()
        )
        let otherPage = try other.session.get(other.location, note: "the attacker's own form")
        let foreign = otherPage.forms.lazy.compactMap { $0.field(named: token.name)?.value }.first
        let forged = String(repeating: "A", count: max(token.value.count, 16))
        var attempts: [(String, HTMLForm)] = [
            ("without the token", removing(token.name, from: form))
        ]
        attempts.append(("with a forged token", setting(token.name, forged, in: form)))
        if let foreign {
            attempts.append(
                ("with another session's token", setting(token.name, foreign, in: form))
            )
        }
        for (label, attack) in attempts {
            let response = try LoginDriver.submit(
                flow.session,
                attack,
                page: page,
                values,
                note: "post \(label)"
            )
            try context.require(
                !flow.issuedCode(response),
                "the form posted \(label) issued a code"
            )
            try context.require(
                response.status >= 400 || !response.isRedirect,
                "the form posted \(label) was accepted"
            )
        }
        if let api = flow.api {
            let body: JSONValue = [
                "flow": .string(api.flow), "username": .string(user.username),
                "password": .string(user.password.revealed),
            ]
            let plain = try flow.session.send(
                "POST",
                api.url,
                headers: [("Content-Type", "text/plain")],
                body: body.serialized(),
                accept: .json,
                note: "answer as text/plain (a cross-site simple request)"
            )
            try context.require(
                plain.status >= 400,
                "the JSON API took an answer sent as text/plain (\(plain.status))"
            )
        }
        let genuine = try LoginDriver.submit(
            flow.session,
            form,
            page: page,
            values,
            note: "the genuine form"
        )
        try context.require(
            flow.issuedCode(genuine),
            "the genuine form did not finish the flow; the forged posts may have spent it"
        )
        return .passed
    }

    static func isCSRFName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.contains("csrf") || lower.contains("xsrf") || lower.hasSuffix("token")
    }

    static func removing(_ name: String, from form: HTMLForm) -> HTMLForm {
        var copy = form
        copy.fields.removeAll { $0.name == name }
        return copy
    }

    static func setting(_ name: String, _ value: String, in form: HTMLForm) -> HTMLForm {
        var copy = form
        for index in copy.fields.indices where copy.fields[index].name == name {
            copy.fields[index].value = value
        }
        return copy
    }
}
