import Foundation

extension LoadReport {
    /// The run in a few lines for standard error: figures, errors by kind, broken invariants.
    public var summaryLines: [String] {
        guard status == "ran" else { return ["load: skipped: \(reason ?? "no reason given")"] }
        let figures = latencyMS
        var lines = [
            "load: \(users) users, \(samples) step-ups in \(Self.format(seconds)) s "
                + "(\(Self.format(throughput))/s), \(Self.format(errorRate * 100))% errors; latency ms "
                + "p50 \(Self.format(figures.p50)), p90 \(Self.format(figures.p90)), "
                + "p99 \(Self.format(figures.p99)), max \(Self.format(figures.max))"
        ]
        if !errors.isEmpty {
            let kinds = errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            lines.append("load: errors: " + kinds.joined(separator: ", "))
        }
        lines.append("load: \(violationCount) broken security invariants")
        for violation in violations.prefix(5) {
            lines.append("load:   user \(violation.user), iteration \(violation.iteration): \(violation.note)")
        }
        return lines
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.1f", value.isFinite ? value : 0)
    }
}
