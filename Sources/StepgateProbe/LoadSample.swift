/// What one iteration of a load operation did.
///
/// The operation reports success or a failure kind, optionally its own latency, and any
/// security invariant it saw broken (a token at a lower level, a replay that went through).
/// Kinds and notes end up in reports: they must never hold a token, code, cookie or other secret.
public struct LoadSample: Sendable, Equatable {
    /// Success, or a failure of a named kind.
    public enum Outcome: Sendable, Equatable {
        /// The flow completed as it should.
        case success
        /// A short, stable name for the kind of failure (`http_503`, `timeout`,
        /// `refused_step_up`), counted per kind.
        case failure(kind: String)
    }

    /// Success or failure.
    public var outcome: Outcome
    /// The latency the operation measured itself; nil lets the driver time the whole call.
    public var latency: Duration?
    /// The invariant this iteration saw broken, in a sentence; nil when every invariant held.
    /// A broken invariant is counted whatever the outcome.
    public var invariantBroken: String?

    /// A sample of `outcome`.
    public init(outcome: Outcome, latency: Duration? = nil, invariantBroken: String? = nil) {
        self.outcome = outcome
        self.latency = latency
        self.invariantBroken = invariantBroken
    }

    /// A success, timed by the driver unless `latency` is given.
    public static func success(latency: Duration? = nil) -> LoadSample {
        LoadSample(outcome: .success, latency: latency)
    }

    /// A failure of `kind`, timed by the driver unless `latency` is given.
    public static func failure(_ kind: String, latency: Duration? = nil) -> LoadSample {
        LoadSample(outcome: .failure(kind: kind), latency: latency)
    }

    /// Whether the outcome is a success.
    public var succeeded: Bool {
        outcome == .success
    }
}
