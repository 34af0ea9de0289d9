import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore

/// The access-token claim that binds a token to one transaction: `{"action": NAME, "hash": H}`,
/// where `H` is the transaction's hash (docs/policies.md). Issued with `authorization_details`.
enum TransactionClaim {
    static let name = "stepgate_transaction"
}

extension Provider {
    /// The response for a decision, with its audit record, log line and metric.
    func respond(
        _ outcome: DecisionOutcome,
        _ context: DecisionContext,
        requirement: PolicyRequirement?,
        assessment: RiskAssessment?
    ) throws -> HTTPResponse {
        var fields: [String: String?] = [
            AuditKey.subject: context.credential.userID,
            AuditKey.action: requirement?.action,
            AuditKey.requestedACR: requirement?.level,
            AuditKey.maxAge: requirement?.maxAge.map { String(Int($0)) },
            AuditKey.transaction: requirement?.transaction?.hash,
            AuditKey.riskScore: assessment.map { String($0.score) },
            AuditKey.riskReasons: assessment.map { $0.reasonCodes.map(\.rawValue).joined(separator: " ") },
        ]
        if case .token(let claims) = context.credential { fields[AuditKey.clientID] = claims.clientID }
        var response: HTTPResponse
        switch outcome {
        case .allow(let proof):
            response = try allowedResponse(proof, context, requirement: requirement, assessment: assessment)
            fields[AuditKey.acr] = proof?.acr
            fields[AuditKey.decision] = "allow"
            audit(.decisionAllowed, requestID: context.requestID, fields)
            metrics.increment("stepgate_decisions_total", [("decision", "allow")])
        case .stepUp(let required, let risk):
            guard let challenged = try stepUpResponse(required, risk, context) else {
                return try respond(
                    .deny(reason: "transaction_too_large"),
                    context,
                    requirement: required,
                    assessment: risk
                )
            }
            response = challenged
            fields[AuditKey.decision] = "step_up"
            audit(.decisionChallenged, requestID: context.requestID, fields)
            metrics.increment("stepgate_decisions_total", [("decision", "step_up")])
            logger.info(
                "step-up required",
                [
                    LogKey.requestID: context.requestID, LogKey.action: required.action ?? "-",
                    LogKey.acr: required.level,
                ]
            )
        case .deny(let reason):
            response = .json(403, JSONValue.object(["error": "access_denied"]).serialized())
            response.headers.set("X-Stepgate-Reason", reason)
            fields[AuditKey.decision] = "deny"
            fields[AuditKey.reason] = reason
            audit(.decisionDenied, requestID: context.requestID, fields)
            metrics.increment("stepgate_decisions_total", [("decision", "deny")])
            logger.notice(
                "request denied",
                [LogKey.requestID: context.requestID, LogKey.action: requirement?.action ?? "-", LogKey.reason: reason]
            )
        }
        response.headers.set("X-Stepgate-Decision", fields[AuditKey.decision].flatMap { $0 } ?? "deny")
        if let action = requirement?.action { response.headers.set("X-Stepgate-Action", action) }
        response.headers.set("Cache-Control", "no-store")
        return response
    }

    /// 200 with who the user is and how strongly and recently they proved it, for the proxy to
    /// hand to the application. Without a proof (an unmatched request under `decide.unmatched =
    /// allow`) there are no identity headers.
    private func allowedResponse(
        _ proof: AuthenticationProof?,
        _ context: DecisionContext,
        requirement: PolicyRequirement?,
        assessment: RiskAssessment?
    ) throws -> HTTPResponse {
        var response = HTTPResponse(status: 200)
        if let proof, let userID = context.credential.userID {
            response.headers.set("X-Stepgate-User", userID)
            // The user as the decision's snapshot read it, when the request began.
            if let user = context.snapshot.user, user.id == userID {
                response.headers.set("X-Stepgate-User-Name", user.name)
            }
            response.headers.set("X-Stepgate-Acr", proof.acr)
            response.headers.set("X-Stepgate-Amr", proof.amr.joined(separator: " "))
            response.headers.set("X-Stepgate-Auth-Time", String(Int64(proof.authTime.timeIntervalSince1970)))
        }
        if let assessment { response.headers.set("X-Stepgate-Risk", String(assessment.score)) }
        if let hash = requirement?.transaction?.hash { response.headers.set("X-Stepgate-Transaction", hash) }
        return response
    }

    /// 401 with the RFC 9470 challenge, a JSON body saying what to prove (and, for a bound
    /// action, the `authorization_details` to ask for), and, for a browser with a session, a
    /// `Location` to the step-up page carrying a signed ticket. Nil when the ticket would be too
    /// long to carry (a bound field of many kilobytes).
    private func stepUpResponse(
        _ requirement: PolicyRequirement,
        _ assessment: RiskAssessment?,
        _ context: DecisionContext
    ) throws -> HTTPResponse? {
        let maxAge = requirement.maxAge.map { Int($0) }
        var body: [String: JSONValue] = [
            "error": "insufficient_user_authentication",
            "acr_values": .string(requirement.level),
        ]
        if let maxAge { body["max_age"] = .integer(Int64(maxAge)) }
        let reasons = assessment?.reasons ?? []
        body["reasons"] = .array(
            reasons.map { .object(["code": .string($0.code.rawValue), "text": .string($0.sentence)]) }
        )
        let fields = Self.displayFields(requirement.transaction)
        if let action = requirement.action, requirement.transaction != nil {
            var detail = fields.mapValues(JSONValue.string)
            detail["type"] = .string(action)
            body["authorization_details"] = .array([.object(detail)])
        }
        var response = HTTPResponse.json(401, JSONValue.object(body).serialized())
        var scheme = "Bearer"
        if case .token(let claims) = context.credential, Self.dpopThumbprint(claims.claims) != nil { scheme = "DPoP" }
        response.headers.set(
            "WWW-Authenticate",
            StepUpChallenge.header(
                acr: requirement.level,
                maxAge: maxAge,
                description: "A stronger or more recent authentication is required",
                scheme: scheme
            )
        )
        var isToken = false
        if case .token = context.credential { isToken = true }
        if context.forwarded.wantsHTML, !isToken, let action = requirement.action {
            let ticket = StepUpTicket(
                action: action,
                acr: requirement.level,
                maxAge: maxAge,
                transactionHash: requirement.transaction?.hash,
                details: .object([
                    "fields": .object(fields.mapValues(JSONValue.string)),
                    "reasons": body["reasons"] ?? .array([]),
                ]),
                returnTo: returnPath(context.forwarded),
                expiresAt: Int64(context.now.addingTimeInterval(configuration.flowLifetime).timeIntervalSince1970)
            )
            let sealed = ticket.sealed(key: stepUpKey)
            guard sealed.utf8.count <= StepUpTicket.maximumLength else { return nil }
            response.headers.set("Location", configuration.issuer + "/stepup?ticket=" + sealed)
        }
        return response
    }

    /// The bound fields as the user reads them: by their last name (`amount`), or by the whole
    /// reference when two fields share a last name.
    static func displayFields(_ transaction: Transaction?) -> [String: String] {
        guard let transaction else { return [:] }
        let lastNames = transaction.fields.map { String($0.name.split(separator: ".").last ?? "") }
        let unique = Set(lastNames).count == lastNames.count
        var out: [String: String] = [:]
        for (field, last) in zip(transaction.fields, lastNames) { out[unique ? last : field.name] = field.value }
        return out
    }

    /// Where the browser returns after the step-up: the original URI for a `GET` or `HEAD`; for
    /// another method (which a redirect cannot repeat) the page that sent it, when the `Referer`
    /// names this host; else `/`.
    func returnPath(_ forwarded: ForwardedRequest) -> String {
        if forwarded.method == "GET" || forwarded.method == "HEAD" {
            let target = forwarded.query.isEmpty ? forwarded.path : forwarded.path + "?" + forwarded.query
            return StepUpTicket.isLocalPath(target) ? target : "/"
        }
        guard let referer = forwarded.referer, let url = URLComponents(string: referer), let host = url.host,
            ForwardedRequest.hostName(host) == forwarded.host
        else { return "/" }
        var target = url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath
        if let query = url.percentEncodedQuery { target += "?" + query }
        return StepUpTicket.isLocalPath(target) ? target : "/"
    }

    /// `GET /denied?reason=CODE`: where a proxy sends a browser whose request was refused. The
    /// reason is one of the decision's fixed codes; anything else shows the general sentence.
    func deniedPage(_ request: HTTPRequest) -> HTTPResponse {
        let reason = (try? request.parseQuery().single("reason")) ?? nil
        let sentence =
            switch reason {
            case "rule": "The risk of this request is too high for it to go through, whatever you prove."
            case "network_denied": "Requests from this network are not allowed."
            case "unsafe_path": "The address of this request is written in a way that is not accepted."
            case "unbindable": "This request does not say clearly enough what it would do."
            case "transaction_too_large": "This request carries more than can be approved at once."
            case "no_action", "no_policy": "This page is not open to anyone."
            default: "This request was refused."
            }
        let body = """
            <p class="error" role="alert">\(HTML.escape(sentence))</p>
            <p>Nothing was done. If you think this is wrong, contact the service's support.</p>
            <p><a href="/">Back</a></p>
            """
        return .html(403, HTML.page(title: "Request refused", body: body))
    }
}
