import StepgateCrypto

/// Malformed requests to the token endpoint, the sign-in form, Stepgate's JSON login API and
/// the resources: each must get a clear 4xx (never a 5xx, a token or a code), and what was
/// pending before (a code, a sign-in flow) must still work afterwards.
public enum PayloadCases {
    public static let all: [any ProbeCase] = [
        truncated, badBase64, wrongTypes, oversized, wrongContentType, deepNesting,
    ]

    static let form = "application/x-www-form-urlencoded"
    static let json = "application/json"

    public static let truncated = ScriptedCase(
        CaseInfo(
            id: "payload.truncated",
            title: "Truncated bodies",
            category: "payload",
            sends:
                "to the token endpoint a form cut inside a percent escape (with a made-up code) and a JSON body "
                + "cut mid-way (with the real code); a form cut inside a percent escape to the revocation and "
                + "end-session endpoints and the sign-in form; to the JSON login API a JSON body cut mid-way",
            expects:
                "a 4xx for each (never a 5xx, a token or a code); afterwards the code still redeems and the "
                + "sign-in flow still completes",
            rationale:
                "RFC 9110 §15.5.1 (400 for a malformed request), RFC 6749 §5.2 (invalid_request); a parser "
                + "that fails open or crashes on a short read is the usual source of both",
            needs: []
        )
    ) { context in
        let targets = try PayloadTargets.prepare(context)
        var fields = targets.redeemFields(context, code: context.random.token())
        fields.insert(("state", "a b"), at: 0)
        try targets.expectRefused(
            context,
            "token endpoint: a form cut inside a percent escape",
            url: targets.tokenEndpoint,
            contentType: form,
            body: MalformedBody.truncatedForm(fields)
        )
        let real = JSONValue.object(
            Dictionary(uniqueKeysWithValues: targets.redeemFields(context).map { ($0.0, .string($0.1)) })
        )
        try targets.expectRefused(
            context,
            "token endpoint: a JSON body cut mid-way",
            url: targets.tokenEndpoint,
            contentType: json,
            body: MalformedBody.truncatedJSON(real)
        )
        for (name, url) in targets.formEndpoints {
            try targets.expectRefused(
                context,
                "\(name): a form cut inside a percent escape",
                url: url,
                contentType: form,
                body: MalformedBody.truncatedForm([("token", context.random.token()), ("csrf", "a b")])
            )
        }
        if let flow = targets.flow, let action = flow.formAction {
            try targets.expectRefused(
                context,
                "sign-in form: a form cut inside a percent escape",
                url: action,
                contentType: form,
                body: MalformedBody.truncatedForm(flow.hiddenFields + [("username", "probe nobody")]),
                in: flow.session
            )
        }
        if let flow = targets.flow, let api = flow.api, let id = flow.flowID {
            try targets.expectRefused(
                context,
                "JSON login API: a body cut mid-way",
                url: api,
                contentType: json,
                body: MalformedBody.truncatedJSON(["flow": .string(id), "username": "probe-nobody"]),
                in: flow.session
            )
        }
        try targets.expectCodeStillRedeems(context)
        try targets.expectFlowStillCompletes(context)
        return .passed
    }

    public static let badBase64 = ScriptedCase(
        CaseInfo(
            id: "payload.bad_base64",
            title: "Invalid base64url fields",
            category: "payload",
            sends:
                "a PKCE verifier with characters outside the alphabet and one with padding (each with a fresh "
                + "code); bearer tokens whose header, payload or signature segment is not base64url, to each API "
                + "resource; WebAuthn answer fields that are not base64url, to the JSON login API when present",
            expects:
                "a 4xx for each (never a 5xx, a token or a code); the sign-in flow still completes afterwards",
            rationale:
                "RFC 7636 §4.1 (the verifier's alphabet), RFC 7515 §2 and §7.1 (base64url segments), WebAuthn "
                + "§5.1 (base64url fields in JSON): a decoder that fails open or crashes on bad input",
            needs: []
        )
    ) { context in
        let targets = try PayloadTargets.prepare(context)
        let bad = [String(repeating: "!", count: 43), String(repeating: "A", count: 42) + "=="]
        for (index, verifier) in bad.enumerated() {
            let fresh = try context.issueCode()
            try targets.expectRefused(
                context,
                "token endpoint: a verifier with " + (index == 0 ? "characters outside the alphabet" : "padding"),
                url: targets.tokenEndpoint,
                contentType: form,
                body: Array(
                    URLText.formEncode(targets.redeemFields(context, code: fresh.code, verifier: verifier)).utf8
                )
            )
        }
        for resource in context.target.resources where !resource.browser {
            for segment in 0..<3 {
                for (label, text) in MalformedBody.badBase64URL {
                    let token = MalformedBody.jwt(badSegment: segment, text)
                    let response = try context.call(
                        resource,
                        in: context.session("attacker"),
                        bearer: token,
                        note: "JWT segment \(segment + 1) with \(label)"
                    )
                    if let problem = PayloadAnswer.response(response).problem() {
                        throw CaseFailed("\(resource.name): a JWT segment with \(label): \(problem)")
                    }
                }
            }
        }
        if let flow = targets.flow, let api = flow.api, let id = flow.flowID {
            for (label, text) in MalformedBody.badBase64URL {
                let body: JSONValue = [
                    "flow": .string(id), "step": "webauthn", "ceremony": .string(text),
                    "credential_id": .string(text), "client_data": .string(text),
                    "authenticator_data": .string(text), "signature": .string(text),
                    "user_handle": .string(text),
                ]
                try targets.expectRefused(
                    context,
                    "JSON login API: WebAuthn fields with \(label)",
                    url: api,
                    contentType: json,
                    body: body.serialized(),
                    in: flow.session
                )
            }
        }
        try targets.expectFlowStillCompletes(context)
        return .passed
    }
}
