/// The load run of a probe report (`load` in the JSON): what ran, what it measured, and every
/// security invariant it saw broken. Made from the driver's `LoadResult`; holds no secret
/// (failure kinds and violation sentences are fixed text with level and resource names).
public struct LoadReport: Codable, Sendable, Equatable {
    /// Latency statistics, in milliseconds.
    public struct Latency: Codable, Sendable, Equatable {
        public var min = 0.0
        public var mean = 0.0
        public var p50 = 0.0
        public var p90 = 0.0
        public var p99 = 0.0
        public var max = 0.0
    }

    /// One iteration that saw an invariant broken.
    public struct Violation: Codable, Sendable, Equatable {
        /// The virtual user, from 0.
        public var user: Int
        /// The user's iteration, from 0, warm-up included.
        public var iteration: Int
        /// When the iteration began, in seconds since the run started.
        public var atSeconds: Double
        /// What broke, in a sentence.
        public var note: String

        enum CodingKeys: String, CodingKey {
            case user, iteration, note
            case atSeconds = "at_seconds"
        }
    }

    /// `ran`, or `skipped` with `reason`.
    public var status: String
    /// Why the run was skipped; nil when it ran.
    public var reason: String?
    /// Virtual users.
    public var users: Int
    /// The plan's limit: seconds after the warm-up, or iterations per user.
    public var durationSeconds: Double?
    public var iterationsPerUser: Int?
    public var warmUpSeconds: Double
    /// The resource every iteration steps up for; nil when skipped before one was chosen.
    public var resource: String?
    /// Whether the run went through the `network:` section's fault proxy.
    public var throughFaultProxy: Bool
    /// Measured iterations (each a complete step-up), after the warm-up.
    public var samples = 0
    public var successes = 0
    public var warmUpSamples = 0
    /// From the start of the first measured iteration to the end of the last.
    public var seconds = 0.0
    /// Measured iterations per second.
    public var throughput = 0.0
    /// Failed share of the measured iterations, from 0 to 1.
    public var errorRate = 0.0
    public var latencyMS = Latency()
    /// Failures by kind (`transport`, `login`, `token_400`, `refused_after_step_up`, ...).
    public var errors: [String: Int] = [:]
    /// Every broken invariant, warm-up included.
    public var violationCount = 0
    /// The first of them (at most `LoadResult.keptViolations`).
    public var violations: [Violation] = []
    /// Iterations per `LoadHistogram` bucket.
    public var histogram: [Int] = []

    /// A report of a run that did not happen, and why.
    public static func skipped(_ plan: LoadPlan, reason: String, network: Bool) -> LoadReport {
        LoadReport(status: "skipped", reason: reason, plan: plan, resource: nil, network: network)
    }

    /// The report of a run of `plan` on `resource` that measured `result`.
    public init(plan: LoadPlan, resource: String, network: Bool, result: LoadResult) {
        self.init(status: "ran", reason: nil, plan: plan, resource: resource, network: network)
        samples = result.samples
        successes = result.successes
        warmUpSamples = result.warmUpSamples
        seconds = Self.seconds(result.elapsed)
        throughput = result.throughput.isFinite ? result.throughput : 0
        errorRate = result.errorRate
        let figures = result.latency
        latencyMS = Latency(
            min: Self.seconds(figures.min) * 1000,
            mean: Self.seconds(figures.mean) * 1000,
            p50: Self.seconds(figures.p50) * 1000,
            p90: Self.seconds(figures.p90) * 1000,
            p99: Self.seconds(figures.p99) * 1000,
            max: Self.seconds(figures.max) * 1000
        )
        errors = result.errors
        violationCount = result.violationCount
        violations = result.violations.map {
            Violation(user: $0.user, iteration: $0.iteration, atSeconds: Self.seconds($0.time), note: $0.note)
        }
        histogram = result.histogram.counts
    }

    private init(status: String, reason: String?, plan: LoadPlan, resource: String?, network: Bool) {
        self.status = status
        self.reason = reason
        users = plan.users
        switch plan.limit {
        case .duration(let duration): durationSeconds = Self.seconds(duration)
        case .iterations(let count): iterationsPerUser = count
        }
        warmUpSeconds = Self.seconds(plan.warmUp)
        self.resource = resource
        throughFaultProxy = network
    }

    static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    enum CodingKeys: String, CodingKey {
        case status, reason, users, resource, samples, successes, seconds, throughput, errors
        case violations, histogram
        case durationSeconds = "duration_seconds"
        case iterationsPerUser = "iterations_per_user"
        case warmUpSeconds = "warm_up_seconds"
        case throughFaultProxy = "through_fault_proxy"
        case warmUpSamples = "warm_up_samples"
        case errorRate = "error_rate"
        case latencyMS = "latency_ms"
        case violationCount = "violation_count"
    }
}
