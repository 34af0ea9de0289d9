private typealias Markup = HTMLReportMarkup

/// A latency histogram drawn as inline SVG: one bar per `LoadHistogram` bucket (the same
/// fixed log-scale buckets for a case's exchanges and for a load run, so charts compare bar by
/// bar), with axis titles, tick labels, a count over each bar, and an accessible title and
/// description for screen readers. Only the buckets from the first to the last non-empty one
/// are drawn (at least `minimumBars`).
struct HTMLReportHistogram {
    /// Samples per bucket, `LoadHistogram.bounds.count + 1` entries.
    let counts: [Int]
    /// The chart's accessible title (`Latency of code.replay's 6 exchanges`).
    let title: String
    /// What one sample is, singular and plural (`exchange`, `exchanges`).
    let unit: (one: String, many: String)
    /// Unique in the page: prefixes the IDs of the title and description.
    let identifier: String

    static let minimumBars = 6
    private static let barWidth = 48
    private static let gap = 10
    private static let left = 52
    private static let right = 12
    private static let top = 22
    private static let plotHeight = 140
    private static let bottom = 46

    /// Counts of `milliseconds` in `LoadHistogram`'s buckets; values that are not finite are
    /// left out, negative ones count as zero and huge ones fall in the last bucket.
    static func counts(milliseconds: [Double]) -> [Int] {
        var histogram = LoadHistogram()
        for value in milliseconds where value.isFinite {
            let microseconds = min(max(value * 1000, 0), 1e15).rounded()
            histogram.record(.microseconds(Int64(microseconds)))
        }
        return histogram.counts
    }

    /// The `<svg>` element; empty when no bucket holds a sample.
    func svg() -> String {
        guard let range = visibleBuckets() else { return "" }
        let highest = range.map { counts[$0] }.max() ?? 1
        let width = Self.left + range.count * (Self.barWidth + Self.gap) + Self.right
        let height = Self.top + Self.plotHeight + Self.bottom
        let baseline = Self.top + Self.plotHeight
        let escapedID = Markup.escape(identifier)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"histogram\" role=\"img\" "
        svg += "aria-labelledby=\"\(escapedID)-t \(escapedID)-d\" viewBox=\"0 0 \(width) \(height)\" "
        svg += "width=\"\(width)\" height=\"\(height)\">"
        svg += "<title id=\"\(escapedID)-t\">\(Markup.escape(title))</title>"
        svg += "<desc id=\"\(escapedID)-d\">\(Markup.escape(description(range)))</desc>"
        svg += axes(width: width, baseline: baseline, highest: highest)
        for (position, bucket) in range.enumerated() {
            svg += bar(bucket, position: position, highest: highest, baseline: baseline)
        }
        svg += "<text class=\"axis-title\" x=\"\(Self.left + (width - Self.left - Self.right) / 2)\" "
        svg += "y=\"\(height - 6)\" text-anchor=\"middle\">latency (upper bound of each bucket)</text>"
        return svg + "</svg>"
    }

    /// The buckets to draw, or nil when every count is zero.
    func visibleBuckets() -> Range<Int>? {
        guard let first = counts.firstIndex(where: { $0 > 0 }),
            let last = counts.lastIndex(where: { $0 > 0 })
        else { return nil }
        var lower = first
        var upper = last + 1
        while upper - lower < Self.minimumBars && (lower > 0 || upper < counts.count) {
            if upper < counts.count { upper += 1 }
            if upper - lower < Self.minimumBars && lower > 0 { lower -= 1 }
        }
        return lower..<upper
    }

    private func axes(width: Int, baseline: Int, highest: Int) -> String {
        let middle = Self.top + Self.plotHeight / 2
        var svg = "<line class=\"axis\" x1=\"\(Self.left)\" y1=\"\(Self.top)\" x2=\"\(Self.left)\" y2=\"\(baseline)\"/>"
        svg += "<line class=\"axis\" x1=\"\(Self.left)\" y1=\"\(baseline)\" x2=\"\(width - Self.right)\" "
        svg += "y2=\"\(baseline)\"/>"
        svg += "<text class=\"tick\" x=\"\(Self.left - 6)\" y=\"\(baseline)\" text-anchor=\"end\">0</text>"
        svg += "<text class=\"tick\" x=\"\(Self.left - 6)\" y=\"\(Self.top + 4)\" text-anchor=\"end\">\(highest)</text>"
        svg += "<text class=\"axis-title\" x=\"14\" y=\"\(middle)\" text-anchor=\"middle\" "
        svg += "transform=\"rotate(-90 14 \(middle))\">\(Markup.escape(unit.many))</text>"
        return svg
    }

    private func bar(_ bucket: Int, position: Int, highest: Int, baseline: Int) -> String {
        let count = counts[bucket]
        let x = Self.left + Self.gap / 2 + position * (Self.barWidth + Self.gap)
        let center = x + Self.barWidth / 2
        let barHeight = count == 0 ? 0 : max(2, count * Self.plotHeight / max(highest, 1))
        let label = Self.label(bucket)
        let tooltip = "\(Markup.count(count, unit.one, unit.many)) \(label)"
        var svg = "<g><title>\(Markup.escape(tooltip))</title>"
        svg += "<rect class=\"bar\" x=\"\(x)\" y=\"\(baseline - barHeight)\" width=\"\(Self.barWidth)\" "
        svg += "height=\"\(barHeight)\"/>"
        if count > 0 {
            svg += "<text class=\"count\" x=\"\(center)\" y=\"\(baseline - barHeight - 4)\" "
            svg += "text-anchor=\"middle\">\(count)</text>"
        }
        svg += "<text class=\"tick\" x=\"\(center)\" y=\"\(baseline + 16)\" text-anchor=\"middle\">"
        return svg + "\(Markup.escape(label))</text></g>"
    }

    private func description(_ range: Range<Int>) -> String {
        let parts = range.filter { counts[$0] > 0 }.map { "\(counts[$0]) \(Self.label($0))" }
        let total = counts.reduce(0, +)
        return "\(Markup.count(total, unit.one, unit.many)) by latency: " + parts.joined(separator: ", ")
    }

    /// `≤2ms`, or `>50s` for the last bucket.
    static func label(_ bucket: Int) -> String {
        let text = LoadHistogram.label(forBucket: bucket)
        return text.hasPrefix(">") ? text : "≤" + text
    }
}
