import StepgateCore

/// A forwarded request as the policy reads it, and the action it matches.
///
/// Worked out before the store is read, so that the decision's snapshot reads the risk history
/// only for a request that a policy action covers.
struct DecisionTarget: Sendable {
    let request: PolicyRequest
    /// What the policy matched; nil when no policy is configured.
    let match: PolicyMatch?

    init(_ forwarded: ForwardedRequest, policy: Policy?) {
        request = PolicyRequest(
            method: forwarded.method,
            target: forwarded.query.isEmpty ? forwarded.path : forwarded.path + "?" + forwarded.query,
            host: forwarded.host,
            body: forwarded.body
        )
        match = policy?.match(request)
    }
}
