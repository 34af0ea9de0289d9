/// One load run as the HTML report draws it: the figures table, the errors by kind, the broken
/// invariants, and the latency histogram.
///
/// Plain values, so any record of a load run maps onto it: `init(title:result:)` takes the
/// driver's `LoadResult`, and a report that stores its load runs hands these out through
/// `HTMLReportLoadSource`.
public struct HTMLReportLoadSection: Sendable, Equatable {
    /// Latency statistics, in milliseconds.
    public struct Latency: Sendable, Equatable {
        public var min: Double
        public var mean: Double
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var max: Double

        public init(min: Double, mean: Double, p50: Double, p90: Double, p99: Double, max: Double) {
            self.min = min
            self.mean = mean
            self.p50 = p50
            self.p90 = p90
            self.p99 = p99
            self.max = max
        }
    }

    /// The heading (`Load: complete step-ups`).
    public var title: String
    /// Virtual users.
    public var users: Int
    /// Measured iterations (after the warm-up).
    public var samples: Int
    /// Of those, the successes.
    public var successes: Int
    /// Iterations begun in the warm-up and discarded.
    public var warmUpSamples: Int
    /// From the start of the first measured iteration to the end of the last, in seconds.
    public var seconds: Double
    /// Measured iterations per second.
    public var throughput: Double
    public var latency: Latency
    /// Failures by kind (`http_503`, `timeout`, `thrown.<Type>`).
    public var errors: [String: Int]
    /// Every broken security invariant, warm-up included.
    public var violationCount: Int
    /// Sentences about the first violations, for the reader; they hold no secret.
    public var violations: [String]
    /// Iterations per `LoadHistogram` bucket: `LoadHistogram.bounds.count + 1` entries.
    public var histogram: [Int]

    /// A section from plain figures; `histogram` is padded or cut to the bucket count.
    public init(
        title: String,
        users: Int,
        samples: Int,
        successes: Int,
        warmUpSamples: Int = 0,
        seconds: Double,
        throughput: Double,
        latency: Latency,
        errors: [String: Int] = [:],
        violationCount: Int = 0,
        violations: [String] = [],
        histogram: [Int]
    ) {
        let buckets = LoadHistogram.bounds.count + 1
        self.title = title
        self.users = users
        self.samples = samples
        self.successes = successes
        self.warmUpSamples = warmUpSamples
        self.seconds = seconds
        self.throughput = throughput
        self.latency = latency
        self.errors = errors
        self.violationCount = violationCount
        self.violations = violations
        self.histogram = Array((histogram + Array(repeating: 0, count: buckets)).prefix(buckets))
    }

    /// The section for what `LoadDriver` measured.
    public init(title: String, result: LoadResult) {
        let figures = result.latency
        self.init(
            title: title,
            users: result.users,
            samples: result.samples,
            successes: result.successes,
            warmUpSamples: result.warmUpSamples,
            seconds: Self.milliseconds(result.elapsed) / 1000,
            throughput: result.throughput,
            latency: Latency(
                min: Self.milliseconds(figures.min),
                mean: Self.milliseconds(figures.mean),
                p50: Self.milliseconds(figures.p50),
                p90: Self.milliseconds(figures.p90),
                p99: Self.milliseconds(figures.p99),
                max: Self.milliseconds(figures.max)
            ),
            errors: result.errors,
            violationCount: result.violationCount,
            violations: result.violations.map { violation in
                "user \(violation.user), iteration \(violation.iteration), at "
                    + HTMLReportMarkup.seconds(Self.milliseconds(violation.time) / 1000) + ": \(violation.note)"
            },
            histogram: result.histogram.counts
        )
    }

    /// The share of measured iterations that failed, from 0 to 1.
    public var errorRate: Double {
        samples == 0 ? 0 : Double(samples - successes) / Double(samples)
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
