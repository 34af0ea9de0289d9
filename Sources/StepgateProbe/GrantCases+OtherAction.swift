/// `grant.other_action`: an approval moves its own action only.
extension GrantCases {
    public static let otherAction = ScriptedCase(
        CaseInfo(
            id: "grant.other_action",
            title: "Grant approved for one action used for another",
            category: "grant",
            sends:
                "for each bound API resource: the step-up it asks for, then that token on every other API "
                + "resource above the lowest level (adding a payee with a transfer's approval); and the "
                + "reverse: a token stepped up for the other resource on the bound one",
            expects:
                "each other action refused with the grant (its own step-up asked instead), the bound "
                + "action refused with the other action's token",
            rationale:
                "RFC 9396 §2 and §7 (authorization_details name what the token may do), PSD2 RTS Art. 5 "
                + "(dynamic linking): approving a 10 EUR transfer must not also add a payee",
            needs: [.boundResource, .apiResource]
        )
    ) { context in
        let lowest = try context.lowestLevel()
        let bound = context.target.resources.filter { $0.expects.bound && !$0.browser }
        guard !bound.isEmpty else { throw CaseSkipped("no bound resource with browser: false") }
        for resource in bound {
            let others = context.target.resources.filter {
                !$0.browser && $0.name != resource.name && $0.expects.acr != lowest
            }
            guard !others.isEmpty else {
                throw CaseSkipped("no other API resource above \(lowest) to try \(resource.name)'s grant on")
            }
            let grant = try steppedUpToken(context, for: resource)
            for other in others {
                let misused = try context.request(
                    other,
                    in: context.session(),
                    bearer: grant,
                    note: "\(other.name) with \(resource.name)'s grant"
                )
                try context.require(
                    !misused.isAllowed,
                    "\(resource.name)'s grant went through on \(other.name)"
                )
                let token = try steppedUpToken(context, for: other)
                let reverse = try context.request(
                    resource,
                    in: context.session(),
                    bearer: token,
                    note: "\(resource.name) with \(other.name)'s token"
                )
                try context.require(
                    !reverse.isAllowed,
                    "\(other.name)'s token moved \(resource.name)"
                )
            }
            let approved = try context.request(
                resource,
                in: context.session(),
                bearer: grant,
                note: "the approved transaction"
            )
            if !approved.isAllowed {
                context.note("\(resource.name): the approved transaction was then \(approved.summary)")
            }
        }
        return .passed
    }

    /// An access token from answering `resource`'s own challenge in a new session.
    private static func steppedUpToken(_ context: CaseContext, for resource: TargetDescription.Resource)
        throws -> String
    {
        let session = context.session()
        let first = try context.request(resource, in: session, note: "call \(resource.name) without a token")
        guard case .challenged(let requirement, let response) = first else {
            throw CaseFailed("\(resource.name): without a token the resource was \(first.summary)")
        }
        return try context.answerChallenge(requirement, response, for: resource, in: session).accessToken
    }
}
