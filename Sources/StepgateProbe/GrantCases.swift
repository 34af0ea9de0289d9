/// Transaction grants: an approval moves exactly the transaction approved, once.
public enum GrantCases {
    public static let all: [any ProbeCase] = [boundReuse]

    public static let boundReuse = ScriptedCase(
        CaseInfo(
            id: "grant.bound_reuse",
            title: "Bound grant reused for another transaction and twice",
            category: "grant",
            sends:
                "for each bound resource: the step-up it asks for, then the same action for another amount or "
                + "payee (other_url, other_body) with that grant, then the approved one, then the approved one again",
            expects:
                "the other transaction refused, the approved one allowed once, the repeat refused",
            rationale:
                "RFC 9396 (authorization_details), PSD2 RTS Art. 5 (dynamic linking): an approval for "
                + "10 EUR to A must not move 10,000 EUR, pay B, or move twice",
            needs: [.boundResource]
        )
    ) { context in
        for resource in context.target.resources where resource.expects.bound {
            let session = context.session()
            let first = try context.request(resource, in: session, note: "call without approval")
            var bearer: String?
            switch first {
            case .challenged(let requirement, let response) where !resource.browser:
                bearer = try context.answerChallenge(
                    requirement,
                    response,
                    for: resource,
                    in: session
                ).accessToken
            case .stepUpRedirect(let location, _) where resource.browser:
                _ = try context.answerRedirect(location, in: session)
            default:
                throw CaseFailed(
                    "\(resource.name): without approval the resource was \(first.summary)"
                )
            }
            let expects = resource.expects
            if expects.otherURL != nil || expects.otherBody != nil {
                let other = try context.request(
                    resource,
                    in: session,
                    bearer: bearer,
                    url: expects.otherURL,
                    body: expects.otherBody,
                    note: "another transaction with the grant"
                )
                try context.require(
                    !other.isAllowed,
                    "\(resource.name): the grant moved another transaction"
                )
            } else {
                context.note(
                    "\(resource.name): no other_url or other_body, so only the repeat is tried"
                )
            }
            let approved = try context.request(
                resource,
                in: session,
                bearer: bearer,
                note: "the approved transaction"
            )
            try context.require(
                approved.isAllowed,
                "\(resource.name): the approved transaction was \(approved.summary)"
            )
            let again = try context.request(
                resource,
                in: session,
                bearer: bearer,
                note: "the approved transaction again"
            )
            try context.require(!again.isAllowed, "\(resource.name): the grant worked twice")
        }
        return .passed
    }
}
