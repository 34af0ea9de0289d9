import StepgateCrypto

/// Factors counted once: a factor answered twice is still one factor (NIST SP 800-63B §4).
public enum FactorCases {
    public static let all: [any ProbeCase] = [sameTwice]

    public static let sameTwice = ScriptedCase(
        CaseInfo(
            id: "factor.same_twice",
            title: "The same factor answered twice",
            category: "factor",
            sends:
                "in a flow for the second level: the password step answered, then the password posted "
                + "again (the old form or the JSON API, as the next step and as the password step); then, "
                + "from a session at the second level by TOTP, a flow for the third level answered with "
                + "a fresh TOTP code; prompt=none after each",
            expects:
                "no code for the second level from two passwords, nor for the third from a second TOTP "
                + "code; a level that needs a factor the session has not used is not reached",
            rationale:
                "NIST SP 800-63B §4.2-§4.3: multi-factor means two different factors, and AAL3 a "
                + "multi-factor cryptographic authenticator; one factor proved twice is one factor",
            needs: [.secondFactor]
        )
    ) { context in
        try passwordTwice(context)
        try sameFactorForHigherLevel(context)
        return .passed
    }

    /// The password posted again after it was accepted: no code, and the session stays below
    /// the second level.
    static func passwordTwice(_ context: CaseContext) throws {
        let second = try context.secondLevel()
        let session = context.session()
        let flow = try PendingFlow.start(context, session, try context.oidc().parameters(acr: second))
        let answers: [ProbeResponse]
        if let api = flow.api {
            _ = try flow.answerPassword()
            answers = try [nil, "password"].map { step in
                try postPassword(flow, api: api, step: step)
            }
        } else {
            answers = try passwordFormsAgain(flow)
        }
        for answer in answers {
            try context.require(
                !flow.issuedCode(answer),
                "the password answered twice completed a flow for \(second)"
            )
        }
        try requireNoCode(context, session, level: second, "after the password answered twice")
    }

    /// The password through the JSON API, as the current step (no `step`) or named `step`.
    private static func postPassword(_ flow: PendingFlow, api: (url: String, flow: String), step: String?)
        throws(ProbeError) -> ProbeResponse
    {
        var body: [String: JSONValue] = [
            "flow": .string(api.flow), "username": .string(flow.driver.user.username),
            "password": .string(flow.driver.user.password.revealed),
        ]
        if let step { body["step"] = .string(step) }
        return try flow.session.postJSON(api.url, .object(body), note: "answer the password step again")
    }

    /// HTML: the password page's form answered, then sent again as it was (the back button),
    /// and the next page's form sent with the password in it.
    private static func passwordFormsAgain(_ flow: PendingFlow) throws -> [ProbeResponse] {
        let session = flow.session
        let user = flow.driver.user
        let page = try session.get(flow.location, note: "sign-in page")
        guard let form = page.forms.first(where: { $0.field(autocomplete: "current-password") != nil }),
            let field = form.field(autocomplete: "current-password")
        else { throw CaseFailed("the sign-in page has no password form") }
        var values = [field.name: user.password.revealed]
        if let name = form.field(autocomplete: "username") { values[name.name] = user.username }
        let first = try flow.driver.answerPage(session, page)
        guard !flow.issuedCode(first) else {
            throw CaseFailed("the flow finished after the password alone")
        }
        let again = try LoginDriver.submit(session, form, page: page, values, note: "the password form again")
        let next = try session.get(flow.location, note: "sign-in page")
        guard let current = next.forms.first(where: { $0.method == "POST" }) else { return [again] }
        var inCurrent = values
        inCurrent["step"] = "password"
        let posted = try LoginDriver.submit(
            session,
            current,
            page: next,
            inCurrent,
            note: "the next step's form with the password"
        )
        return [again, posted]
    }

    /// Fails the case when `session` gets a code for `level` at once (prompt=none).
    static func requireNoCode(_ context: CaseContext, _ session: ClientSession, level: String, _ when: String)
        throws
    {
        var parameters = try context.oidc().parameters(acr: level)
        parameters.prompt = "none"
        let step = try context.oidc().authorize(session, parameters, note: "prompt=none for \(level)")
        if case .callback(let callback, _) = step, callback.code != nil {
            throw CaseFailed("the session got a code for \(level) with prompt=none \(when)")
        }
    }
}
