import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP

/// How a route answers a request refused by a rate limit.
enum RateLimitAnswer: Sendable {
    /// A plain HTML page: sign-in, authorization and account pages.
    case html
    /// The JSON login API: `{"error":"slow_down","retry_after":N}`.
    case json
    /// An OAuth error (RFC 6749 §5.2 shape) for `/token`, `/revoke` and `/introspect`.
    case oauth
}

extension Provider {
    /// Counts a request to a limited route against its client address; the refusal when the
    /// address is over `rate_limit.ip`. Requests whose address is unknown (no peer, as in
    /// in-process tests) are not counted.
    func addressRefusal(_ request: HTTPRequest) throws -> RateLimiter.Refusal? {
        let limits = configuration.rateLimits
        guard limits.enabled,
            let address = ForwardedRequest.clientIP(
                request.headers,
                peer: request.remoteAddress,
                trustedProxies: configuration.trustedProxies
            )
        else { return nil }
        return try rateLimiter.hit(
            .ip,
            limits.ip,
            subject: Self.rateLimitSubject(address),
            requestID: request.requestID
        )
    }

    /// Counts one sign-in answer or code send against the account `subject` (a user ID, or the
    /// keyed hash that stands for an unknown name); the refusal when it is over `rate_limit.account`.
    func accountRefusal(_ subject: String, requestID: String) throws -> RateLimiter.Refusal? {
        let limits = configuration.rateLimits
        guard limits.enabled else { return nil }
        return try rateLimiter.hit(.account, limits.account, subject: subject, requestID: requestID)
    }

    /// Counts a `/decide` request against its client address when `rate_limit.decide` is set.
    func decideRefusal(_ address: IPAddress, requestID: String) throws -> RateLimiter.Refusal? {
        let limits = configuration.rateLimits
        guard limits.enabled, let limit = limits.decide else { return nil }
        return try rateLimiter.hit(
            .decide,
            limit,
            subject: Self.rateLimitSubject(address.description),
            requestID: requestID
        )
    }

    /// What an address is counted as: an IPv4 address (IPv4-mapped IPv6 included) by itself, an
    /// IPv6 address by its /64 (one subscriber usually holds a whole /64, and could otherwise
    /// step through it), and anything that does not parse as its text.
    static func rateLimitSubject(_ text: String) -> String {
        guard let address = IPAddress(text)?.unmappingIPv4 else { return "text:" + text }
        guard address.family == .v6 else { return address.description }
        return IPAddress(ipv6: (address.value >> 64) << 64).description + "/64"
    }

    /// The 429 answer of `refusal`, with `Retry-After` in whole seconds until the window ends.
    func rateLimitedResponse(_ refusal: RateLimiter.Refusal, _ answer: RateLimitAnswer) -> HTTPResponse {
        var response: HTTPResponse
        switch answer {
        case .html:
            response = errorPage(429, "Too many requests. Wait a little, then try again.")
        case .json, .oauth:
            response = .json(
                429,
                JSONValue.object([
                    "error": "slow_down",
                    "error_description": "too many requests; retry after the Retry-After delay",
                    "retry_after": .integer(Int64(refusal.retryAfter)),
                ]).serialized()
            )
            response.headers.set("Cache-Control", "no-store")
        }
        response.headers.set("Retry-After", "\(refusal.retryAfter)")
        return response
    }
}
