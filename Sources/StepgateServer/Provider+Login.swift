import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore

/// The login and step-up flow as HTML pages (`/login`) and as JSON (`/api/login`).
///
/// Both call the same state machine (`Provider+Flow.swift`). HTML forms carry a CSRF token; the
/// JSON API requires `Content-Type: application/json`, which a cross-site form cannot send without
/// a CORS preflight that this server never grants.
extension Provider {
    func loginPage(_ request: HTTPRequest) throws -> HTTPResponse {
        let flowID = try? request.parseQuery().single("flow")
        switch try loadFlow(flowID ?? nil, request: request) {
        case .failure(let rejection):
            return rejectionPage(rejection)
        case .success(let context):
            return try render(try nextOutcome(context, requestID: request.requestID), context)
        }
    }

    func loginSubmit(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let form = try? request.formBody() else { return rejectionPage(.invalid) }
        let flowID = try? form.single("flow")
        let context: FlowContext
        switch try loadFlow(flowID ?? nil, request: request) {
        case .failure(let rejection): return rejectionPage(rejection)
        case .success(let loaded): context = loaded
        }
        guard isValidCSRF(try? form.single("csrf"), session: context.session, scope: "flow:\(context.flow.id)") else {
            logger.notice("csrf token rejected", [LogKey.requestID: request.requestID])
            return rejectionPage(.invalid)
        }
        // A form without the expected fields is shown again; nothing is counted or stored.
        let answered = try answer(
            context,
            step: (try? form.single("step")) ?? nil,
            fields: { name in (try? form.single(name)) ?? nil },
            requestID: request.requestID
        )
        var response = try render(answered.outcome, answered.context ?? context)
        try setCookies(answered, request, &response)
        return response
    }

    func loginState(_ request: HTTPRequest) throws -> HTTPResponse {
        let flowID = try? request.parseQuery().single("flow")
        switch try loadFlow(flowID ?? nil, request: request) {
        case .failure(let rejection): return rejectionJSON(rejection)
        case .success(let context):
            return try renderJSON(try nextOutcome(context, requestID: request.requestID), context)
        }
    }

    func loginAnswer(_ request: HTTPRequest) throws -> HTTPResponse {
        guard request.headers["Content-Type"]?.lowercased().hasPrefix("application/json") == true,
            let body = try? JSONValue.parse(request.body), body.objectValue != nil
        else {
            return .json(400, JSONValue.object(["error": "invalid_request"]).serialized())
        }
        let context: FlowContext
        switch try loadFlow(body["flow"]?.stringValue, request: request) {
        case .failure(let rejection): return rejectionJSON(rejection)
        case .success(let loaded): context = loaded
        }
        let answered = try answer(
            context,
            step: body["step"]?.stringValue,
            fields: { body[$0]?.stringValue },
            requestID: request.requestID
        )
        var response = try renderJSON(answered.outcome, answered.context ?? context)
        try setCookies(answered, request, &response)
        return response
    }

    /// The rotated session cookie of an accepted answer and, once a factor beyond the password
    /// was accepted, the device cookie: only a device that passed a second factor becomes known
    /// to the risk engine, so a stolen password alone cannot make the thief's device familiar.
    private func setCookies(_ answered: FlowAnswer, _ request: HTTPRequest, _ response: inout HTTPResponse) throws {
        if let cookie = answered.cookie { response.setCookie(cookie) }
        guard let method = answered.accepted, method != .pwd,
            let userID = answered.context?.session.record.userID
        else { return }
        if let device = try rememberDevice(request, userID: userID) { response.setCookie(device) }
    }

    /// Routes an answer to the step the flow is on; an answer for another step is ignored.
    private func answer(
        _ context: FlowContext,
        step: String?,
        fields: (String) -> String?,
        requestID: String
    ) throws -> FlowAnswer {
        let current = try nextOutcome(context, requestID: requestID)
        guard case .prompt(let expected, _) = current else { return FlowAnswer(outcome: current) }
        switch expected {
        case .password:
            guard step == nil || step == "password", let username = fields("username"),
                let password = fields("password"), !username.isEmpty, username.utf8.count <= 256,
                password.utf8.count <= 1024
            else { return .prompt(expected, failed: true) }
            return try answerPassword(context, username: username, password: password, requestID: requestID)
        case .otp:
            guard step == nil || step == "otp", let code = fields("otp"), code.utf8.count <= 32 else {
                return .prompt(expected, failed: true)
            }
            return try answerOTP(context, code: code.trimmingWhitespace(), requestID: requestID)
        }
    }

    // MARK: HTML

    private func render(_ outcome: FlowOutcome, _ context: FlowContext) throws -> HTTPResponse {
        switch outcome {
        case .redirect(let location):
            return .redirect(to: location)
        case .rejected(let rejection):
            return rejectionPage(rejection)
        case .prompt(let step, let failed):
            let csrf = csrfToken(session: context.session, scope: "flow:\(context.flow.id)")
            let error = failed ? "<p class=\"error\" role=\"alert\">\(Self.uniformFailure)</p>" : ""
            let hidden = """
                <input type="hidden" name="flow" value="\(HTML.escape(context.flow.id))">
                <input type="hidden" name="csrf" value="\(csrf)">
                <input type="hidden" name="step" value="\(step.rawValue)">
                """
            var body: String
            let title: String
            switch step {
            case .password:
                title = context.session.record.userID == nil ? "Sign in" : "Confirm it is you"
                let known = try context.session.record.userID.flatMap { try store.user(id: $0)?.name }
                let name = HTML.escape(known ?? context.request.loginHint ?? "")
                body = """
                    \(error)
                    <form method="post" action="/login">
                    \(hidden)
                    <label for="username">Username</label>
                    <input type="text" id="username" name="username" autocomplete="username" value="\(name)" \
                    autocapitalize="none" spellcheck="false" required\(known == nil ? " autofocus" : " readonly")>
                    <label for="password">Password</label>
                    <input type="password" id="password" name="password" autocomplete="current-password" required\
                    \(known == nil ? "" : " autofocus")>
                    <button type="submit">Continue</button>
                    </form>
                    """
            case .otp:
                title = "Enter your one-time code"
                body = """
                    \(error)
                    <p>This action needs a second factor. Enter the 6-digit code from your authenticator app.</p>
                    <form method="post" action="/login">
                    \(hidden)
                    <label for="otp">One-time code</label>
                    <input type="text" id="otp" name="otp" autocomplete="one-time-code" inputmode="numeric" \
                    pattern="[0-9]*" maxlength="8" required autofocus>
                    <button type="submit">Verify</button>
                    </form>
                    """
            }
            if let challengeID = context.request.stepUpChallenge, let challenge = try store.challenge(id: challengeID) {
                body = HTML.approval(challenge) + body
            } else if let transaction = context.request.transaction {
                body = HTML.approval(action: transaction.action, fields: transaction.fields, reasons: []) + body
            }
            var response = HTTPResponse.html(failed ? 400 : 200, HTML.page(title: title, body: body))
            // The form's last answer redirects to the client; the browser checks that redirect
            // against form-action, so the client's origin is named here and nowhere else.
            let clientOrigin = ContentSecurityPolicy.source(forRedirectURI: context.request.redirectURI)
            response.headers.set(
                "Content-Security-Policy",
                ContentSecurityPolicy.policy(formActions: clientOrigin.map { [$0] } ?? [])
            )
            return response
        }
    }

    /// The one message every credential rejection shows, whichever part was wrong.
    static let uniformFailure = "The details you entered are not correct."

    private func rejectionPage(_ rejection: FlowRejection) -> HTTPResponse {
        switch rejection {
        case .invalid:
            return errorPage(
                400,
                "This sign-in request is not valid in this browser. Start again from the application."
            )
        case .expired:
            return errorPage(410, "This sign-in request has expired. Start again from the application.")
        case .completed:
            return errorPage(409, "This sign-in request is already finished.")
        case .throttled(let retryAfter):
            var response = errorPage(429, "Too many failed attempts for this account. Try again later.")
            response.headers.set("Retry-After", "\(retryAfter)")
            return response
        }
    }

    // MARK: JSON

    private func renderJSON(_ outcome: FlowOutcome, _ context: FlowContext) throws -> HTTPResponse {
        switch outcome {
        case .redirect(let location):
            return .json(200, JSONValue.object(["status": "complete", "redirect_to": .string(location)]).serialized())
        case .rejected(let rejection):
            return rejectionJSON(rejection)
        case .prompt(let step, let failed):
            var object: [String: JSONValue] = [
                "status": "pending",
                "flow": .string(context.flow.id),
                "next": .string(step.rawValue),
                "acr": .string(context.request.acr),
            ]
            if failed { object["error"] = "authentication_failed" }
            if let approval = try approvalJSON(context) { object["approval"] = approval }
            return .json(failed ? 400 : 200, JSONValue.object(object).serialized())
        }
    }

    /// What the flow approves, for the JSON API: the action and the bound fields the user is held
    /// to (the same as the page's approval box); nil for a plain sign-in.
    private func approvalJSON(_ context: FlowContext) throws -> JSONValue? {
        if let challengeID = context.request.stepUpChallenge, let challenge = try store.challenge(id: challengeID) {
            let details = (try? JSONValue.parse(Array(challenge.details.utf8))) ?? .object([:])
            return .object([
                "action": .string(challenge.action), "fields": details["fields"] ?? .object([:]),
                "reasons": details["reasons"] ?? .array([]),
            ])
        }
        guard let transaction = context.request.transaction else { return nil }
        return .object([
            "action": .string(transaction.action),
            "fields": .object(transaction.fields.mapValues(JSONValue.string)), "reasons": .array([]),
        ])
    }

    private func rejectionJSON(_ rejection: FlowRejection) -> HTTPResponse {
        switch rejection {
        case .invalid: return .json(400, JSONValue.object(["error": "invalid_flow"]).serialized())
        case .expired: return .json(410, JSONValue.object(["error": "expired_flow"]).serialized())
        case .completed: return .json(409, JSONValue.object(["error": "completed_flow"]).serialized())
        case .throttled(let retryAfter):
            var response = HTTPResponse.json(
                429,
                JSONValue.object(["error": "too_many_attempts", "retry_after": .integer(Int64(retryAfter))])
                    .serialized()
            )
            response.headers.set("Retry-After", "\(retryAfter)")
            return response
        }
    }
}
