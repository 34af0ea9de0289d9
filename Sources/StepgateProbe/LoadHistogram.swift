/// Latencies counted in fixed log-scale buckets, for drawing (an SVG bar per bucket).
///
/// The buckets are the same for every run, so two reports compare bar by bar: upper bounds step
/// 1, 2, 5 per decade from 100 µs to 50 s (18 bounds), and a last bucket holds everything over
/// 50 s. Bucket `i` counts latencies above `bounds[i - 1]` and at most `bounds[i]`.
public struct LoadHistogram: Sendable, Equatable {
    /// The buckets' upper bounds, ascending; the bucket after the last bound has none.
    public static let bounds: [Duration] = {
        var found: [Duration] = []
        var decade = Duration.microseconds(100)
        for _ in 0..<6 {
            found += [decade, decade * 2, decade * 5]
            decade *= 10
        }
        return found
    }()

    /// Samples per bucket: `bounds.count + 1` entries.
    public private(set) var counts: [Int]

    /// An empty histogram.
    public init() {
        counts = Array(repeating: 0, count: Self.bounds.count + 1)
    }

    /// All samples counted.
    public var total: Int {
        counts.reduce(0, +)
    }

    /// The bucket that `latency` falls in.
    public static func bucket(for latency: Duration) -> Int {
        var low = 0
        var high = bounds.count
        while low < high {
            let middle = (low + high) / 2
            if latency <= bounds[middle] { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// A short label for bucket `index`'s upper bound (`500µs`, `2ms`, `1s`; `>50s` for the last).
    public static func label(forBucket index: Int) -> String {
        guard index < bounds.count else { return ">" + label(of: bounds[bounds.count - 1]) }
        return label(of: bounds[max(index, 0)])
    }

    /// Counts one latency.
    public mutating func record(_ latency: Duration) {
        counts[Self.bucket(for: latency)] += 1
    }

    /// Adds the counts of `other`.
    public mutating func merge(_ other: LoadHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
    }

    private static func label(of bound: Duration) -> String {
        let micros = bound / .microseconds(1)
        if micros < 1000 { return "\(Int(micros))µs" }
        if micros < 1_000_000 { return "\(Int(micros / 1000))ms" }
        return "\(Int(micros / 1_000_000))s"
    }
}
