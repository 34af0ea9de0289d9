/// One virtual user's samples, collected on its own thread without locks, merged at the end.
struct LoadRecorder: Sendable {
    private(set) var latencies: [Duration] = []
    private(set) var successes = 0
    private(set) var warmUpSamples = 0
    private(set) var errors: [String: Int] = [:]
    private(set) var violationCount = 0
    private(set) var violations: [LoadResult.Violation] = []
    private(set) var histogram = LoadHistogram()
    private(set) var firstStart: Duration?
    private(set) var lastEnd: Duration?

    /// Where and when one sample was taken.
    struct Iteration {
        /// The virtual user, from 0.
        var user: Int
        /// The user's iteration, from 0, warm-up included.
        var number: Int
        /// When the operation was called and when it returned, since the run started.
        var start: Duration
        var end: Duration
        /// Whether it began during the warm-up: then only its broken invariant counts.
        var isWarmUp: Bool
    }

    /// Records the `sample` that `iteration` returned.
    mutating func record(_ sample: LoadSample, of iteration: Iteration) {
        if let note = sample.invariantBroken {
            violationCount += 1
            if violations.count < LoadResult.keptViolations {
                violations.append(
                    .init(user: iteration.user, iteration: iteration.number, time: iteration.start, note: note)
                )
            }
        }
        guard !iteration.isWarmUp else {
            warmUpSamples += 1
            return
        }
        let span = (start: iteration.start, end: iteration.end)
        let latency = max(sample.latency ?? (span.end - span.start), .zero)
        latencies.append(latency)
        histogram.record(latency)
        switch sample.outcome {
        case .success: successes += 1
        case .failure(let kind): errors[kind, default: 0] += 1
        }
        firstStart = min(firstStart ?? span.start, span.start)
        lastEnd = max(lastEnd ?? span.end, span.end)
    }

    /// The result of every user's recorder together.
    static func merge(_ recorders: [LoadRecorder], users: Int) -> LoadResult {
        var result = LoadResult()
        result.users = users
        var latencies: [Duration] = []
        var violations: [LoadResult.Violation] = []
        var first: Duration?
        var last: Duration?
        for recorder in recorders {
            latencies += recorder.latencies
            result.successes += recorder.successes
            result.warmUpSamples += recorder.warmUpSamples
            result.errors.merge(recorder.errors, uniquingKeysWith: +)
            result.violationCount += recorder.violationCount
            violations += recorder.violations
            result.histogram.merge(recorder.histogram)
            if let start = recorder.firstStart { first = min(first ?? start, start) }
            if let end = recorder.lastEnd { last = max(last ?? end, end) }
        }
        result.samples = latencies.count
        result.violations = Array(
            violations.sorted { ($0.time, $0.user, $0.iteration) < ($1.time, $1.user, $1.iteration) }
                .prefix(LoadResult.keptViolations)
        )
        if let first, let last, last > first {
            result.elapsed = last - first
            result.throughput = Double(result.samples) / (result.elapsed / .seconds(1))
        }
        result.latency = statistics(of: latencies.sorted())
        return result
    }

    /// Minimum, mean, nearest-rank percentiles and maximum of `sorted` (ascending).
    static func statistics(of sorted: [Duration]) -> LoadResult.Latencies {
        var latency = LoadResult.Latencies()
        guard let first = sorted.first, let last = sorted.last else { return latency }
        // Nearest rank: the smallest sample with at least `percent`% of the samples at or below it.
        func percentile(_ percent: Int) -> Duration {
            let rank = (percent * sorted.count + 99) / 100
            return sorted[min(max(rank, 1), sorted.count) - 1]
        }
        latency.min = first
        latency.max = last
        latency.p50 = percentile(50)
        latency.p90 = percentile(90)
        latency.p99 = percentile(99)
        let total = sorted.reduce(Duration.zero, +)
        latency.mean = total / sorted.count
        return latency
    }
}
