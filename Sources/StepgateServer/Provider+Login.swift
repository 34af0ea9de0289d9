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
        let query = try? request.parseQuery()
        let flowID = try? query?.single("flow")
        switch try loadFlow(flowID ?? nil, request: request) {
        case .failure(let rejection):
            return rejectionPage(rejection)
        case .success(let context):
            let choice = (try? query?.single("choice")) ?? nil
            return try render(try nextOutcome(context, choice: choice, requestID: request.requestID), context)
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
        let query = try? request.parseQuery()
        let flowID = try? query?.single("flow")
        switch try loadFlow(flowID ?? nil, request: request) {
        case .failure(let rejection): return rejectionJSON(rejection)
        case .success(let context):
            let choice = (try? query?.single("choice")) ?? nil
            return try renderJSON(try nextOutcome(context, choice: choice, requestID: request.requestID), context)
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
            fields: { body[$0]?.stringValue ?? (body[$0]?.boolValue == true ? "1" : nil) },
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

    /// Routes an answer to the way it names, when that way is one the flow offers now; anything
    /// else is shown the prompt again, with nothing counted or stored.
    ///
    /// `step` is `password`, `otp`, `sms`, `email`, `recovery`, `webauthn`, or `choose` (with a
    /// `choice` such as `sms:ID`, to pick another way: picking a code way sends its code).
    private func answer(
        _ context: FlowContext,
        step: String?,
        fields: (String) -> String?,
        requestID: String
    ) throws -> FlowAnswer {
        let named = step.map { name in fields("factor").map { "\(name):\($0)" } ?? name }
        let current = try nextOutcome(context, choice: fields("choice") ?? named, requestID: requestID)
        guard case .prompt(var prompt) = current else { return FlowAnswer(outcome: current) }
        prompt.failed = true
        let again = FlowAnswer(outcome: .prompt(prompt))
        if step == "choose" {
            guard let choice = fields("choice"), let picked = prompt.steps.first(where: { $0.choice == choice }) else {
                return again
            }
            if case .code(let factorID, let channel) = picked {
                return try sendCode(context, factorID: factorID, channel: channel, requestID: requestID)
            }
            return FlowAnswer(outcome: try nextOutcome(context, choice: choice, requestID: requestID))
        }
        let chosen = prompt.steps.first { candidate in
            guard candidate.name == (step ?? prompt.step.name) else { return false }
            if case .code(let factorID, _) = candidate { return factorID == fields("factor") }
            return true
        }
        guard let chosen else { return again }
        switch chosen {
        case .password:
            guard let username = fields("username"), let password = fields("password"), !username.isEmpty,
                username.utf8.count <= 256, password.utf8.count <= 1024
            else { return again }
            return try answerPassword(context, username: username, password: password, requestID: requestID)
        case .totp:
            guard let code = fields("otp"), code.utf8.count <= 32 else { return again }
            return try answerOTP(context, code: code.trimmingWhitespace(), requestID: requestID)
        case .code(let factorID, let channel):
            if fields("send") != nil {
                return try sendCode(context, factorID: factorID, channel: channel, requestID: requestID)
            }
            guard let code = fields("otp"), code.utf8.count <= 32 else { return again }
            return try answerCode(
                context,
                factorID: factorID,
                channel: channel,
                code: code.trimmingWhitespace(),
                requestID: requestID
            )
        case .recovery:
            guard let code = fields("recovery_code"), code.utf8.count <= 64 else { return again }
            return try answerRecoveryCode(context, code: code, requestID: requestID)
        case .webauthn:
            guard let ceremony = fields("ceremony"), let assertion = WebAuthnAssertionFields(fields) else {
                return again
            }
            return try answerWebAuthn(
                context,
                prompt: prompt,
                ceremonyID: ceremony,
                assertion: assertion,
                requestID: requestID
            )
        }
    }

    // MARK: HTML

    private func render(_ outcome: FlowOutcome, _ context: FlowContext) throws -> HTTPResponse {
        switch outcome {
        case .redirect(let location):
            return .redirect(to: location)
        case .rejected(let rejection):
            return rejectionPage(rejection)
        case .prompt(let prompt):
            let page = FlowPage(
                flowID: context.flow.id,
                csrf: csrfToken(session: context.session, scope: "flow:\(context.flow.id)"),
                prompt: prompt,
                details: try pageDetails(prompt, context)
            )
            var response = HTTPResponse.html(prompt.failed ? 400 : 200, HTML.page(title: page.title, body: page.body))
            // The form's last answer redirects to the client; the browser checks that redirect
            // against form-action, so the client's origin is named here and nowhere else.
            let clientOrigin = ContentSecurityPolicy.source(forRedirectURI: context.request.redirectURI)
            response.headers.set(
                "Content-Security-Policy",
                ContentSecurityPolicy.policy(
                    formActions: clientOrigin.map { [$0] } ?? [],
                    scripts: prompt.step.name == "webauthn"
                )
            )
            return response
        }
    }

    /// What the page of `prompt` shows beyond the prompt: names, labels, whether a code went
    /// out, a fresh WebAuthn ceremony, and the approval box.
    private func pageDetails(_ prompt: FlowPrompt, _ context: FlowContext) throws -> FlowPage.Details {
        var details = FlowPage.Details()
        let userID = context.session.record.userID
        details.knownName = try userID.flatMap { try store.user(id: $0)?.name }
        details.loginHint = context.request.loginHint
        if let userID {
            for factor in try store.factors(userID: userID) { details.labels[factor.id] = factor.label }
        }
        if case .code(let factorID, _) = prompt.step {
            details.codeSent = try isCodeOpen(context, factorID: factorID)
        }
        if case .webauthn = prompt.step {
            details.webAuthn = try startWebAuthnCeremony(context, prompt: prompt)
        }
        details.approval = try approvalHTML(context)
        return details
    }

    /// The approval box of a flow that approves something; empty for a plain sign-in.
    private func approvalHTML(_ context: FlowContext) throws -> String {
        if let challengeID = context.request.stepUpChallenge, let challenge = try store.challenge(id: challengeID) {
            return HTML.approval(challenge)
        }
        if let transaction = context.request.transaction {
            return HTML.approval(action: transaction.action, fields: transaction.fields, reasons: [])
        }
        return ""
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
        case .rateLimited(let retryAfter):
            return rateLimitedResponse(RateLimiter.Refusal(scope: .account, retryAfter: retryAfter), .html)
        }
    }

    // MARK: JSON

    private func renderJSON(_ outcome: FlowOutcome, _ context: FlowContext) throws -> HTTPResponse {
        switch outcome {
        case .redirect(let location):
            return .json(200, JSONValue.object(["status": "complete", "redirect_to": .string(location)]).serialized())
        case .rejected(let rejection):
            return rejectionJSON(rejection)
        case .prompt(let prompt):
            let details = try pageDetails(prompt, context)
            let page = FlowPage(flowID: context.flow.id, csrf: "", prompt: prompt, details: details)
            var object: [String: JSONValue] = [
                "status": "pending",
                "flow": .string(context.flow.id),
                "next": .string(prompt.step.name),
                "acr": .string(context.request.acr),
                "options": .array(
                    prompt.steps.map { step in
                        .object([
                            "choice": .string(step.choice), "next": .string(step.name),
                            "label": .string(page.label(of: step)),
                        ])
                    }
                ),
            ]
            if case .code(let factorID, _) = prompt.step {
                object["factor"] = .string(factorID)
                object["code_sent"] = .bool(details.codeSent)
            }
            if let options = details.webAuthn {
                object["ceremony"] = .string(options.ceremonyID)
                object["public_key"] = options.json
            }
            if prompt.failed { object["error"] = "authentication_failed" }
            if let notice = prompt.notice { object["notice"] = .string(notice) }
            if let approval = try approvalJSON(context) { object["approval"] = approval }
            return .json(prompt.failed ? 400 : 200, JSONValue.object(object).serialized())
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
        case .rateLimited(let retryAfter):
            return rateLimitedResponse(RateLimiter.Refusal(scope: .account, retryAfter: retryAfter), .json)
        }
    }
}
