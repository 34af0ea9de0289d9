import StepgateCrypto

/// Deeply nested JSON: valid, small, and fatal to a recursive parser without a depth limit.
extension PayloadCases {
    public static let deepNesting = ScriptedCase(
        CaseInfo(
            id: "payload.deep_nesting",
            title: "Deeply nested JSON",
            category: "payload",
            sends:
                "JSON nested 10,000 arrays deep and 10,000 objects deep (about 20 and 50 KiB) to the JSON "
                + "login API, the token endpoint and each API resource",
            expects:
                "a 4xx for each (never a 5xx, a token or a code, never silence past the timeout); afterwards "
                + "the code issued before still redeems and the sign-in flow still completes",
            rationale:
                "RFC 8259 §9 (a parser may limit nesting) and RFC 9110 §15.5.1: a recursive parser without a "
                + "depth limit overflows its stack and takes the whole server down with one request",
            needs: []
        )
    ) { context in
        let targets = try PayloadTargets.prepare(context)
        var urls = [("token endpoint", targets.tokenEndpoint)]
        if let api = targets.flow?.api { urls.append(("JSON login API", api)) }
        urls += context.target.resources.filter { !$0.browser }.map { ($0.name, $0.url) }
        for (name, url) in urls {
            for objects in [false, true] {
                try targets.expectRefused(
                    context,
                    "\(name): JSON nested 10,000 \(objects ? "objects" : "arrays") deep",
                    url: url,
                    contentType: json,
                    body: MalformedBody.deeplyNestedJSON(objects: objects),
                    in: name == "JSON login API" ? targets.flow?.session : nil
                )
            }
        }
        try targets.expectCodeStillRedeems(context)
        try targets.expectFlowStillCompletes(context)
        return .passed
    }
}
