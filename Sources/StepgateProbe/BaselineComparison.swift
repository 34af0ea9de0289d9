// Public: the comparison carries the baseline's `Date`.
public import Foundation

/// What changed since an earlier run (`--baseline FILE`), case by case, matched by case ID.
///
/// Every case falls in exactly one group: a regression (passed, now fails), a fix (failed, now
/// passes), a changed skip reason (skipped both times, for another reason), another change of
/// status (passed and now skipped, say), new (not in the baseline), removed (in the baseline,
/// not in this run: left out by `--only`/`--skip`, or gone from the catalogue), or unchanged.
/// A regression is a failure of this run, so a run with one always exits 1.
///
/// Encoded into the JSON report as its `baseline` object, with snake_case keys.
public struct BaselineComparison: Codable, Sendable, Equatable {
    /// One case whose verdict differs; `before` is nil for a new case, `after` for a removed one.
    public struct Change: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        public var before: Verdict?
        public var after: Verdict?

        public init(id: String, title: String, before: Verdict?, after: Verdict?) {
            self.id = id
            self.title = title
            self.before = before
            self.after = after
        }
    }

    /// The baseline's `tool` (`stepgate probe 0.1.0`).
    public var baselineTool: String
    public var baselineIssuer: String
    public var baselineStartedAt: Date
    /// Passed in the baseline, failed now.
    public var regressions: [Change]
    /// Failed in the baseline, passed now.
    public var fixes: [Change]
    /// Skipped both times, for different reasons.
    public var skipReasonChanges: [Change]
    /// Every other change of status (pass → skip, skip → fail, ...).
    public var otherChanges: [Change]
    /// Cases in this run only, in run order.
    public var newCases: [Change]
    /// Cases in the baseline only, in the baseline's order.
    public var removedCases: [Change]
    /// Cases with the same status (and the same reason, when skipped) both times.
    public var unchanged: Int

    /// Compares `current` with `baseline`. A case ID that appears twice in a report counts once
    /// (its first result).
    public init(baseline: ProbeReport, current: ProbeReport) {
        baselineTool = baseline.tool
        baselineIssuer = baseline.issuer
        baselineStartedAt = baseline.startedAt
        regressions = []
        fixes = []
        skipReasonChanges = []
        otherChanges = []
        newCases = []
        removedCases = []
        unchanged = 0

        let before = Dictionary(
            baseline.results.map { ($0.info.id, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        var seen: Set<String> = []
        for result in current.results where seen.insert(result.info.id).inserted {
            classify(before[result.info.id], result)
        }
        var removed: Set<String> = []
        for result in baseline.results
        where !seen.contains(result.info.id) && removed.insert(result.info.id).inserted {
            removedCases.append(
                Change(id: result.info.id, title: result.info.title, before: result.verdict, after: nil)
            )
        }
    }

    /// Whether a case that passed in the baseline fails now.
    public var hasRegressions: Bool { !regressions.isEmpty }

    /// Whether anything differs from the baseline.
    public var hasChanges: Bool {
        !(regressions.isEmpty && fixes.isEmpty && skipReasonChanges.isEmpty && otherChanges.isEmpty
            && newCases.isEmpty && removedCases.isEmpty)
    }

    private mutating func classify(_ old: CaseResult?, _ new: CaseResult) {
        let change = Change(id: new.info.id, title: new.info.title, before: old?.verdict, after: new.verdict)
        guard let old else { return newCases.append(change) }
        switch (old.verdict, new.verdict) {
        case (.passed, .failed):
            regressions.append(change)
        case (.failed, .passed):
            fixes.append(change)
        case (.skipped(let was), .skipped(let now)) where was != now:
            skipReasonChanges.append(change)
        case _ where old.verdict.status != new.verdict.status:
            otherChanges.append(change)
        default:
            unchanged += 1
        }
    }

    enum CodingKeys: String, CodingKey {
        case fixes, unchanged
        case baselineTool = "baseline_tool"
        case baselineIssuer = "baseline_issuer"
        case baselineStartedAt = "baseline_started_at"
        case regressions
        case skipReasonChanges = "skip_reason_changes"
        case otherChanges = "other_changes"
        case newCases = "new_cases"
        case removedCases = "removed_cases"
    }
}
