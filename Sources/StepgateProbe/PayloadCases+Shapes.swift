import StepgateCrypto

/// Wrong types, oversized requests and wrong content types.
extension PayloadCases {
    public static let wrongTypes = ScriptedCase(
        CaseInfo(
            id: "payload.wrong_types",
            title: "Wrong JSON types and repeated form fields",
            category: "payload",
            sends:
                "to the token endpoint every field twice (with a fresh code, the second value made up); to the "
                + "revocation and end-session endpoints a form with every field twice; to the sign-in form its "
                + "hidden fields twice; to the JSON login API a number, an array, an object "
                + "and null where strings are expected",
            expects:
                "a 4xx for each (never a 5xx, a token or a code); the sign-in flow still completes afterwards",
            rationale:
                "RFC 6749 §3.1-§3.2 (parameters MUST NOT be repeated), RFC 8259 and the API's documented "
                + "types: a server that coerces or crashes on the wrong shape",
            needs: []
        )
    ) { context in
        let targets = try PayloadTargets.prepare(context)
        let fresh = try context.issueCode()
        try targets.expectRefused(
            context,
            "token endpoint: every field twice",
            url: targets.tokenEndpoint,
            contentType: form,
            body: MalformedBody.duplicatedForm(
                targets.redeemFields(context, code: fresh.code, verifier: fresh.parameters.codeVerifier),
                other: context.random.token()
            )
        )
        for (name, url) in targets.formEndpoints {
            try targets.expectRefused(
                context,
                "\(name): every field twice",
                url: url,
                contentType: form,
                body: MalformedBody.duplicatedForm([("token", context.random.token()), ("csrf", "x")])
            )
        }
        if let flow = targets.flow, let action = flow.formAction, !flow.hiddenFields.isEmpty {
            try targets.expectRefused(
                context,
                "sign-in form: hidden fields twice",
                url: action,
                contentType: form,
                body: MalformedBody.duplicatedForm(flow.hiddenFields, other: context.random.token()),
                in: flow.session
            )
        }
        if let flow = targets.flow, let api = flow.api, let id = flow.flowID {
            let shapes: [(String, JSONValue)] = [
                ("flow as a number", ["flow": 12345, "username": "probe-nobody", "password": "x"]),
                ("flow as an array", ["flow": [.string(id)], "username": "probe-nobody", "password": "x"]),
                ("username as an object", ["flow": .string(id), "username": ["a": 1], "password": "x"]),
                ("password as null", ["flow": .string(id), "username": "probe-nobody", "password": nil]),
                ("the body an array", [.string(id)]),
            ]
            for (label, body) in shapes {
                try targets.expectRefused(
                    context,
                    "JSON login API: \(label)",
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

    public static let oversized = ScriptedCase(
        CaseInfo(
            id: "payload.oversized",
            title: "Oversized body and header",
            category: "payload",
            sends:
                "a 2 MiB body to the token endpoint, the sign-in form, the JSON login API and each resource; "
                + "a header over 64 KiB to the token endpoint and each resource",
            expects:
                "413, 431 or another 4xx, or a closed connection; never a 5xx, never silence past the timeout; "
                + "the code issued before still redeems afterwards",
            rationale:
                "RFC 9110 §15.5.14 (413), RFC 6585 §5 (431): limits are the client's fault and must not take "
                + "the server down or hold a worker",
            needs: []
        )
    ) { context in
        let targets = try PayloadTargets.prepare(context)
        var bodies: [(String, String, String, [UInt8])] = [
            ("token endpoint", targets.tokenEndpoint, form, MalformedBody.oversizedForm())
        ]
        if let flow = targets.flow, let action = flow.formAction {
            bodies.append(("sign-in form", action, form, MalformedBody.oversizedForm()))
        }
        if let api = targets.flow?.api {
            bodies.append(("JSON login API", api, json, MalformedBody.oversizedJSON()))
        }
        for resource in context.target.resources {
            bodies.append((resource.name, resource.url, form, MalformedBody.oversizedForm()))
        }
        for (name, url, type, body) in bodies {
            try targets.expectRefused(
                context,
                "\(name): a 2 MiB body",
                url: url,
                contentType: type,
                body: body,
                closeAllowed: true
            )
        }
        let padding = String(repeating: "a", count: MalformedBody.oversizedHeaderLength)
        let headerTargets =
            [("token endpoint", targets.tokenEndpoint)]
            + context.target.resources.map { ($0.name, $0.url) }
        for (name, url) in headerTargets {
            try targets.expectRefused(
                context,
                "\(name): a header over 64 KiB",
                url: url,
                contentType: form,
                body: Array("grant_type=authorization_code".utf8),
                headers: [("X-Probe-Padding", padding)],
                closeAllowed: true
            )
        }
        try targets.expectCodeStillRedeems(context)
        return .passed
    }

    public static let wrongContentType = ScriptedCase(
        CaseInfo(
            id: "payload.wrong_content_type",
            title: "Wrong or missing content type",
            category: "payload",
            sends:
                "the token request for a real code as a form labelled application/json and text/plain, with no "
                + "content type, and as JSON; the sign-in form's fields labelled application/json; JSON to the "
                + "JSON login API labelled text/plain, as a form, and with no content type",
            expects:
                "a 4xx for each, never a token or a code; afterwards the code still redeems and the sign-in "
                + "flow still completes (a refused request changed nothing)",
            rationale:
                "RFC 6749 §3.2 and §4.1.3 (the token request is application/x-www-form-urlencoded), RFC 9110 "
                + "§15.5.16 (415); a JSON API that takes text/plain can be posted to from any site without a "
                + "preflight (CORS simple requests)",
            needs: []
        )
    ) { context in
        let targets = try PayloadTargets.prepare(context)
        let fields = targets.redeemFields(context)
        let encoded = Array(URLText.formEncode(fields).utf8)
        let asJSON = JSONValue.object(Dictionary(uniqueKeysWithValues: fields.map { ($0.0, .string($0.1)) }))
        let tokenRequests: [(String, String?, [UInt8])] = [
            ("a form labelled application/json", json, encoded),
            ("a form labelled text/plain", "text/plain", encoded),
            ("a form without a content type", nil, encoded),
            ("a JSON body", json, asJSON.serialized()),
        ]
        for (label, type, body) in tokenRequests {
            try targets.expectRefused(
                context,
                "token endpoint: \(label)",
                url: targets.tokenEndpoint,
                contentType: type,
                body: body
            )
        }
        if let flow = targets.flow, let action = flow.formAction {
            try targets.expectRefused(
                context,
                "sign-in form: fields labelled application/json",
                url: action,
                contentType: json,
                body: Array(URLText.formEncode(flow.hiddenFields).utf8),
                in: flow.session
            )
        }
        if let flow = targets.flow, let api = flow.api, let id = flow.flowID {
            let body: JSONValue = ["flow": .string(id), "username": "probe-nobody", "password": "x"]
            let requests: [(String, String?, [UInt8])] = [
                ("JSON labelled text/plain", "text/plain", body.serialized()),
                ("JSON without a content type", nil, body.serialized()),
                ("a form", form, Array(URLText.formEncode([("flow", id), ("username", "probe-nobody")]).utf8)),
            ]
            for (label, type, bytes) in requests {
                try targets.expectRefused(
                    context,
                    "JSON login API: \(label)",
                    url: api,
                    contentType: type,
                    body: bytes,
                    in: flow.session
                )
            }
        }
        try targets.expectCodeStillRedeems(context)
        try targets.expectFlowStillCompletes(context)
        return .passed
    }
}
