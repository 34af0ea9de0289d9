/// A genuine access token at the level an API resource needs, shown to work there: what the
/// `jwt.*` and `token.*` cases start from before they forge, revoke or replay.
public struct GenuineAccess: Sendable {
    /// The API resource the token is for (one that is not bound to a single transaction, so
    /// the genuine call does not use up what the forgeries are compared against).
    public let resource: TargetDescription.Resource
    /// The token response the access token came in.
    public let tokens: TokenSet
    /// The session the tokens were redeemed in (for refresh and revocation).
    public let session: ClientSession
    /// The authorization request that gave the tokens.
    public let parameters: AuthorizationParameters

    /// The access token.
    public var token: String { tokens.accessToken }

    /// Signs in for `resource` (or the first API resource that is not bound) as its challenge
    /// asks, redeems the code and checks that the resource accepts the token.
    ///
    /// A copy of the shared session at the resource's level answers at once when it can; when
    /// it cannot (its sign-in is older than the challenge's `max_age`, say), a fresh session
    /// signs in. Skips the case when no resource fits; fails it when the genuine token is not
    /// accepted, since no refusal of a forgery would then mean anything.
    public static func obtain(_ context: CaseContext) throws -> GenuineAccess {
        guard let resource = context.target.resources.first(where: { !$0.browser && !$0.expects.bound })
        else {
            throw CaseSkipped("no API resource (browser: false) that is not bound to a transaction")
        }
        let client = context.session("api client")
        var parameters = try context.oidc().parameters(
            acr: resource.expects.acr,
            maxAge: resource.expects.maxAge
        )
        let first = try context.request(resource, in: client, note: "call without a token")
        switch first {
        case .challenged(let requirement, let response):
            parameters = try context.parameters(answering: requirement, response, for: resource)
        case .allowed:
            throw CaseFailed("\(resource.name) let a request without a token through")
        default:
            break
        }
        if let access = try fromSharedSession(context, resource, parameters, client) {
            return access
        }
        let session = context.session()
        let tokens = try context.tokens(session, parameters)
        let access = GenuineAccess(
            resource: resource,
            tokens: tokens,
            session: session,
            parameters: parameters
        )
        let outcome = try context.request(
            resource,
            in: client,
            bearer: access.token,
            note: "call with the genuine token"
        )
        try context.require(
            outcome.isAllowed,
            "\(resource.name) refused the genuine token after a fresh sign-in: \(outcome.summary)"
        )
        return access
    }

    /// The tokens of a copy of the shared session at the resource's level, when it answers at
    /// once and the resource accepts them; nil otherwise.
    private static func fromSharedSession(
        _ context: CaseContext,
        _ resource: TargetDescription.Resource,
        _ parameters: AuthorizationParameters,
        _ client: ClientSession
    ) throws -> GenuineAccess? {
        let session = try context.sharedSession(level: resource.expects.acr)
        let step = try context.oidc().authorize(session, parameters, note: "ask for a code at once")
        guard case .callback(let callback, _) = step, let code = callback.code else { return nil }
        let tokens = try context.redeem(session, code: code, parameters)
        let outcome = try context.request(
            resource,
            in: client,
            bearer: tokens.accessToken,
            note: "call with the genuine token"
        )
        guard outcome.isAllowed else {
            context.note("the shared session's token was \(outcome.summary); signing in afresh")
            return nil
        }
        return GenuineAccess(
            resource: resource,
            tokens: tokens,
            session: session,
            parameters: parameters
        )
    }

    /// The genuine access token's parts; skips the case when the token is opaque.
    public func parts() throws -> JWTForgery.Parts {
        guard let parts = JWTForgery.parts(token) else {
            throw CaseSkipped("the access token is not a JWT, so there is nothing to forge")
        }
        return parts
    }

    /// Sends `forged` to the resource as a bearer token; fails the case unless it is refused
    /// with 401 or 403 (a 2xx lets the forgery through; a 5xx or anything else is no clear
    /// refusal). `what` names the forgery in the evidence and in the reason.
    public func expectRefused(_ context: CaseContext, _ forged: String, _ what: String) throws {
        let response = try context.call(
            resource,
            in: context.session("attacker"),
            bearer: forged,
            note: "forged: \(what)"
        )
        let outcome = try context.classify(response, of: resource)
        try context.require(!outcome.isAllowed, "\(resource.name) accepted \(what)")
        try context.require(
            [401, 403].contains(response.status),
            "\(resource.name) answered \(what) with \(response.status), not 401 or 403"
        )
    }
}
