/// What a load run measured, for the report.
///
/// Latency statistics are exact: the driver keeps every measured sample's latency (8 bytes
/// each, so ten million samples take about 80 MB) and sorts them once at the end; percentiles
/// use the nearest-rank method over successes and failures alike. Warm-up samples are counted
/// in `warmUpSamples` and nowhere else.
public struct LoadResult: Sendable, Equatable {
    /// Latency statistics of the measured samples; all zero when there were none.
    public struct Latencies: Sendable, Equatable {
        /// The fastest sample.
        public var min: Duration = .zero
        /// The arithmetic mean.
        public var mean: Duration = .zero
        /// The median: half the samples took at most this long.
        public var p50: Duration = .zero
        /// 90% of the samples took at most this long.
        public var p90: Duration = .zero
        /// 99% of the samples took at most this long.
        public var p99: Duration = .zero
        /// The slowest sample.
        public var max: Duration = .zero

        /// All zero.
        public init() {}
    }

    /// One iteration that saw a security invariant broken.
    public struct Violation: Sendable, Equatable {
        /// The virtual user, from 0.
        public var user: Int
        /// The user's iteration, from 0, warm-up included.
        public var iteration: Int
        /// When the iteration began, since the run started.
        public var time: Duration
        /// The operation's sentence about what broke.
        public var note: String

        /// A violation seen by `user` in its `iteration`, begun at `time`.
        public init(user: Int, iteration: Int, time: Duration, note: String) {
            self.user = user
            self.iteration = iteration
            self.time = time
            self.note = note
        }
    }

    /// The most violations kept in `violations`; `violationCount` counts them all.
    public static let keptViolations = 100

    /// Virtual users that ran.
    public var users = 0
    /// Samples measured, after the warm-up.
    public var samples = 0
    /// Of those, the successes.
    public var successes = 0
    /// Samples begun during the warm-up and discarded.
    public var warmUpSamples = 0
    /// From the start of the first measured sample to the end of the last one.
    public var elapsed: Duration = .zero
    /// Measured samples per second over `elapsed`; 0 when no time passed.
    public var throughput: Double = 0
    /// Latency statistics.
    public var latency = Latencies()
    /// Failures by kind: the kinds operations reported, and `thrown.<Type>` for errors thrown.
    public var errors: [String: Int] = [:]
    /// Every broken invariant, warm-up included, since one is never noise.
    public var violationCount = 0
    /// The first `keptViolations` of them, in time order.
    public var violations: [Violation] = []
    /// The measured latencies in fixed log-scale buckets.
    public var histogram = LoadHistogram()

    /// All zero.
    public init() {}

    /// Measured samples that failed.
    public var failures: Int {
        samples - successes
    }

    /// The share of measured samples that failed, from 0 to 1; 0 with no samples.
    public var errorRate: Double {
        samples == 0 ? 0 : Double(failures) / Double(samples)
    }
}
