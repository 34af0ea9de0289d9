import Foundation

/// Progress on standard error: on a terminal a live line (`[ 3/25] code.replay ...`) that each
/// finished case replaces with its verdict; otherwise one plain line per finished case. Lines
/// hold IDs, titles and reasons, which carry no secret.
public struct TerminalProgress: ProgressReporter {
    /// Whether to draw the live line.
    public let live: Bool

    /// Live when `live` says so; when nil, live exactly when standard error is a terminal.
    public init(live: Bool? = nil) {
        self.live = live ?? (isatty(2) == 1)
    }

    public func caseStarted(_ info: CaseInfo, index: Int, total: Int) {
        guard live else { return }
        let width = String(total).count
        let counter =
            String(repeating: " ", count: width - String(index + 1).count) + "\(index + 1)/\(total)"
        emit("\r\u{1B}[2K[\(counter)] \(info.id): \(info.title)")
    }

    public func caseFinished(_ result: CaseResult, index: Int, total: Int) {
        let label: String
        switch result.verdict {
        case .passed: label = "PASS "
        case .failed: label = "FAIL "
        case .skipped: label = "SKIP "
        case .human: label = "HUMAN"
        }
        var line = "\(label) \(result.info.id) (\(String(format: "%.1f", result.seconds)) s)"
        if let reason = result.verdict.reason { line += ": \(reason)" }
        if case .human(let items) = result.verdict {
            line += ": \(items.count) items for a person to check"
        }
        emit((live ? "\r\u{1B}[2K" : "") + line + "\n")
    }

    public func runFinished(_ report: ProbeReport) {
        let summary = report.summary
        emit(
            "probe: \(summary.passed) passed, \(summary.failed) failed, \(summary.skipped) skipped, "
                + "\(summary.human) for a person (\(String(format: "%.1f", report.seconds)) s)\n"
        )
        for line in report.load?.summaryLines ?? [] { emit("probe: \(line)\n") }
    }

    public func loadStarted(_ plan: LoadPlan) {
        let limit =
            switch plan.limit {
            case .duration(let duration): "for \(String(format: "%g", LoadReport.seconds(duration))) s"
            case .iterations(let count): "for \(count) step-ups each"
            }
        emit("probe: load: \(plan.users) virtual users doing complete step-ups \(limit)\n")
    }

    private func emit(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
