/// What a protected resource answered, as the probe reads it.
public enum ResourceOutcome: Sendable {
    /// 2xx: the request went through.
    case allowed(ProbeResponse)
    /// 401 with an RFC 9470 `insufficient_user_authentication` challenge.
    case challenged(StepUpRequirement, ProbeResponse)
    /// A redirect into the provider's sign-in or step-up pages (a browser's step-up).
    case stepUpRedirect(String, ProbeResponse)
    /// Anything else: 401 without a step-up challenge, 403, a redirect to a refusal page, 5xx.
    case refused(ProbeResponse)

    /// The response, whatever the outcome.
    public var response: ProbeResponse {
        switch self {
        case .allowed(let response), .challenged(_, let response), .stepUpRedirect(_, let response),
            .refused(let response):
            response
        }
    }

    /// Whether the request went through.
    public var isAllowed: Bool {
        if case .allowed = self { return true }
        return false
    }

    /// A short phrase for messages: `allowed (200)`, `challenged (401)`, ...
    public var summary: String {
        switch self {
        case .allowed(let response): "allowed (\(response.status))"
        case .challenged(_, let response): "challenged (\(response.status))"
        case .stepUpRedirect(_, let response): "sent to step-up (\(response.status))"
        case .refused(let response): "refused (\(response.status))"
        }
    }
}
