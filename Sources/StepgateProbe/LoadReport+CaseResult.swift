// Public: the result carries the run's start `Date`.
public import Foundation

extension LoadReport {
    /// The load run as one more test case, for formats that know only cases (JUnit XML): it
    /// fails when an invariant broke, is skipped when the run was, and passes otherwise (errors
    /// under load alone do not fail it). Its notes are the summary lines.
    public func caseResult(startedAt: Date) -> CaseResult {
        let verdict: Verdict
        if status != "ran" {
            verdict = .skipped(reason ?? "the load run was skipped")
        } else if violationCount > 0 {
            let first = violations.first.map { ": \($0.note)" } ?? ""
            verdict = .failed("\(violationCount) security invariants broke under load\(first)")
        } else {
            verdict = .passed
        }
        return CaseResult(
            info: LoadRun.info,
            verdict: verdict,
            startedAt: startedAt,
            seconds: seconds,
            notes: summaryLines
        )
    }
}
