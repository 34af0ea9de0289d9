import StepgateCrypto
import StepgateStore

/// The HTML of one flow prompt: the form for its step, and a button for each other way.
///
/// Every form posts to `/login` with the hidden `flow`, `csrf` and `step` fields; fields carry
/// the standard `autocomplete` tokens so browsers, password managers and test tools find them.
/// Only the WebAuthn step needs JavaScript (`/static/webauthn.js`); every other step works
/// without it.
struct FlowPage {
    /// What the page knows about the step beyond the prompt.
    struct Details {
        /// The user's name, when the session already knows the user.
        var knownName: String?
        /// The name the client suggested (`login_hint`).
        var loginHint: String?
        /// Labels of the user's factors by ID, for code steps and the list of other ways.
        var labels: [String: String] = [:]
        /// Whether a code was sent for the shown code step and can still be answered.
        var codeSent = false
        /// The ceremony and options of the shown WebAuthn step.
        var webAuthn: WebAuthnRequestOptions?
        /// The approval box (what a bound transaction approves), already HTML.
        var approval = ""
    }

    let flowID: String
    let csrf: String
    let prompt: FlowPrompt
    let details: Details

    /// The page's title.
    var title: String {
        switch prompt.step {
        case .password: details.knownName == nil ? "Sign in" : "Confirm it is you"
        case .totp, .code: "Enter your one-time code"
        case .webauthn: "Use your security key or passkey"
        case .recovery: "Use a recovery code"
        }
    }

    /// The page body (without the surrounding page).
    var body: String {
        let error = prompt.failed ? "<p class=\"error\" role=\"alert\">\(Provider.uniformFailure)</p>\n" : ""
        let notice = prompt.notice.map { "<p class=\"notice\" role=\"status\">\(HTML.escape($0))</p>\n" } ?? ""
        return details.approval + error + notice + form(prompt.step) + others()
    }

    private func hidden(_ step: FlowStep, extra: [(String, String)] = []) -> String {
        var fields = [("flow", flowID), ("csrf", csrf), ("step", step.name)]
        if case .code(let factorID, _) = step { fields.append(("factor", factorID)) }
        fields += extra
        return fields.map { "<input type=\"hidden\" name=\"\($0.0)\" value=\"\(HTML.escape($0.1))\">" }
            .joined(separator: "\n")
    }

    private func form(_ step: FlowStep) -> String {
        switch step {
        case .password:
            let name = HTML.escape(details.knownName ?? details.loginHint ?? "")
            let known = details.knownName != nil
            return """
                <form method="post" action="/login">
                \(hidden(step))
                <label for="username">Username</label>
                <input type="text" id="username" name="username" autocomplete="username" value="\(name)" \
                autocapitalize="none" spellcheck="false" required\(known ? " readonly" : " autofocus")>
                <label for="password">Password</label>
                <input type="password" id="password" name="password" autocomplete="current-password" required\
                \(known ? " autofocus" : "")>
                <button type="submit">Continue</button>
                </form>
                """
        case .totp:
            return """
                <p>Enter the 6-digit code from your authenticator app.</p>
                \(codeForm(step))
                """
        case .code(let factorID, let channel):
            let label = HTML.escape(details.labels[factorID] ?? "")
            let noun = channel == .sms ? "a text message" : "an e-mail"
            guard details.codeSent else {
                return """
                    <p>We will send a one-time code in \(noun) to <strong>\(label)</strong>.</p>
                    <form method="post" action="/login">
                    \(hidden(step, extra: [("send", "1")]))
                    <button type="submit">Send the code</button>
                    </form>
                    """
            }
            return """
                <p>We sent a code in \(noun) to <strong>\(label)</strong>. It works once, for a few minutes.</p>
                \(codeForm(step))
                <form method="post" action="/login" class="secondary">
                \(hidden(step, extra: [("send", "1")]))
                <button type="submit" class="link">Send a new code</button>
                </form>
                """
        case .recovery:
            return """
                <p>Enter one of the recovery codes you saved when you set up your account. Each code works once.</p>
                <form method="post" action="/login">
                \(hidden(step))
                <label for="recovery_code">Recovery code</label>
                <input type="text" id="recovery_code" name="recovery_code" autocomplete="off" \
                autocapitalize="characters" spellcheck="false" maxlength="32" required autofocus>
                <button type="submit">Verify</button>
                </form>
                """
        case .webauthn:
            return webAuthnForm(step)
        }
    }

    private func codeForm(_ step: FlowStep) -> String {
        """
        <form method="post" action="/login">
        \(hidden(step))
        <label for="otp">One-time code</label>
        <input type="text" id="otp" name="otp" autocomplete="one-time-code" inputmode="numeric" \
        pattern="[0-9]*" maxlength="8" required autofocus>
        <button type="submit">Verify</button>
        </form>
        """
    }

    private func webAuthnForm(_ step: FlowStep) -> String {
        guard let options = details.webAuthn else { return "" }
        let allowed = options.allowCredentials.map(Base64URL.encode).joined(separator: " ")
        return """
            <p>Use the security key or passkey you added to your account. Your browser will ask you to \
            touch the key, or to unlock it with your fingerprint, face or PIN.</p>
            <form method="post" action="/login" id="webauthn-form" \
            data-webauthn="get" data-challenge="\(Base64URL.encode(options.challenge))" \
            data-rp-id="\(HTML.escape(options.relyingPartyID))" data-allow="\(allowed)" \
            data-user-verification="\(options.userVerification)" data-timeout="\(options.timeoutMilliseconds)">
            \(hidden(step, extra: [("ceremony", options.ceremonyID)]))
            <input type="hidden" name="credential_id" value="">
            <input type="hidden" name="client_data" value="">
            <input type="hidden" name="authenticator_data" value="">
            <input type="hidden" name="signature" value="">
            <input type="hidden" name="user_handle" value="">
            <button type="submit" id="webauthn-start">Use security key or passkey</button>
            <p class="note" id="webauthn-status" role="status"></p>
            </form>
            <noscript><p class="error">This step needs JavaScript: your browser's security key and passkey \
            support is reached through it.</p></noscript>
            <script src="/static/webauthn.js"></script>
            """
    }

    /// A button per other way to answer: picking a code way sends its code at once.
    private func others() -> String {
        guard !prompt.alternatives.isEmpty else { return "" }
        var html = "<section class=\"others\"><h2>Other ways to confirm</h2>"
        for step in prompt.alternatives {
            html += """
                <form method="post" action="/login">
                <input type="hidden" name="flow" value="\(HTML.escape(flowID))">
                <input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
                <input type="hidden" name="step" value="choose">
                <input type="hidden" name="choice" value="\(HTML.escape(step.choice))">
                <button type="submit" class="secondary">\(HTML.escape(label(of: step)))</button>
                </form>
                """
        }
        return html + "</section>"
    }

    /// What a button offering `step` says.
    func label(of step: FlowStep) -> String {
        switch step {
        case .password: "Use your password"
        case .totp: "Enter a code from your authenticator app"
        case .code(let factorID, .sms): "Text a code to \(details.labels[factorID] ?? "your phone")"
        case .code(let factorID, .email): "E-mail a code to \(details.labels[factorID] ?? "your address")"
        case .webauthn: "Use a security key or passkey"
        case .recovery: "Use a recovery code"
        }
    }
}

/// What a WebAuthn authentication page hands the browser (WebAuthn §5.5
/// `PublicKeyCredentialRequestOptions`), and the ceremony that holds its challenge.
struct WebAuthnRequestOptions: Sendable {
    let ceremonyID: String
    let challenge: [UInt8]
    let relyingPartyID: String
    /// Credential IDs the user may answer with.
    let allowCredentials: [[UInt8]]
    /// `required` or `preferred`.
    let userVerification: String
    let timeoutMilliseconds: Int
}
