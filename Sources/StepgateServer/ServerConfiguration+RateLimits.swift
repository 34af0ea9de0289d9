public import Foundation

/// The edge rate limits (`rate_limit.*`): fixed-window request counts per client address and
/// per account, kept in the store so that every node shares them (docs/security.md).
///
/// | key | type | default |
/// | --- | --- | --- |
/// | `rate_limit.enabled` | true/false | `true` |
/// | `rate_limit.ip.requests` | integer 1–1,000,000: requests per address per window | 300 |
/// | `rate_limit.ip.window` | duration, 1 s to 1 d | `1m` |
/// | `rate_limit.account.requests` | integer 1–1,000,000: answers and code sends per account per window | 30 |
/// | `rate_limit.account.window` | duration, 1 s to 1 d | `5m` |
/// | `rate_limit.decide.requests` | integer 0–1,000,000: `/decide` requests per client address; 0 is off | 0 |
/// | `rate_limit.decide.window` | duration, 1 s to 1 d | `1m` |
public struct RateLimitConfiguration: Sendable, Equatable {
    /// A number of requests per fixed window.
    public struct Limit: Sendable, Equatable {
        public var requests: Int
        /// Whole seconds; windows start at multiples of it since 1970, so every node agrees.
        public var window: TimeInterval

        public init(requests: Int, window: TimeInterval) {
            self.requests = requests
            self.window = window
        }
    }

    /// When false nothing is counted or refused.
    public var enabled = true
    /// Sign-in, token, authorization and account-change requests per client address.
    public var ip = Limit(requests: 300, window: 60)
    /// Sign-in answers and one-time code sends per account (attempts, not only failures).
    public var account = Limit(requests: 30, window: 300)
    /// `/decide` requests per client address; nil (the default) leaves `/decide` unlimited.
    public var decide: Limit?

    public init() {}
}

extension ConfigReader {
    /// The `rate_limit.*` keys; every problem names its key.
    mutating func readRateLimits(into limits: inout RateLimitConfiguration) {
        boolean("rate_limit.enabled", into: &limits.enabled)
        rateLimit("rate_limit.ip", into: &limits.ip)
        rateLimit("rate_limit.account", into: &limits.account)
        var decide = limits.decide ?? RateLimitConfiguration.Limit(requests: 0, window: 60)
        integer("rate_limit.decide.requests", range: 0...1_000_000, into: &decide.requests)
        window("rate_limit.decide.window", into: &decide.window)
        limits.decide = decide.requests == 0 ? nil : decide
    }

    private mutating func rateLimit(_ prefix: String, into limit: inout RateLimitConfiguration.Limit) {
        integer(prefix + ".requests", range: 1...1_000_000, into: &limit.requests)
        window(prefix + ".window", into: &limit.window)
    }

    /// A window: a duration of whole seconds (`DurationText` has no fractions), at most 1 day.
    private mutating func window(_ key: String, into target: inout TimeInterval) {
        duration(key, maximum: 86_400, into: &target)
    }
}
