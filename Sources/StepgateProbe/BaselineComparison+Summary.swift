import Foundation

extension BaselineComparison {
    /// A short summary for standard error: one line of counts, then one line per regression
    /// (with its reason) and one naming the fixed cases. Lines hold IDs, titles and reasons,
    /// which are redacted and carry no secret.
    public var summaryLines: [String] {
        var counts = [
            Self.count(regressions.count, "regression", "regressions"),
            Self.count(fixes.count, "fixed", "fixed"),
            Self.count(newCases.count, "new", "new"),
            Self.count(removedCases.count, "not run", "not run"),
        ]
        if !skipReasonChanges.isEmpty {
            counts.append(Self.count(skipReasonChanges.count, "skip reason changed", "skip reasons changed"))
        }
        if !otherChanges.isEmpty {
            counts.append(Self.count(otherChanges.count, "other change", "other changes"))
        }
        counts.append("\(unchanged) unchanged")
        var lines = ["since the baseline of \(Self.timestamp(baselineStartedAt)): " + counts.joined(separator: ", ")]
        for change in regressions {
            lines.append("  regressed: \(change.id): \(change.after?.reason ?? "failed")")
        }
        if !fixes.isEmpty {
            lines.append("  fixed: " + fixes.map(\.id).joined(separator: ", "))
        }
        return lines
    }

    /// `date` as ISO 8601 in UTC, to the second.
    static func timestamp(_ date: Date) -> String {
        ISO8601DateFormatter.string(from: date, timeZone: .gmt, formatOptions: [.withInternetDateTime])
    }

    private static func count(_ number: Int, _ one: String, _ many: String) -> String {
        "\(number) \(number == 1 ? one : many)"
    }
}
