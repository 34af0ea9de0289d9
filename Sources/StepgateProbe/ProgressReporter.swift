/// Hears about a run as it goes: the live line on a terminal, or plain lines in CI.
public protocol ProgressReporter: Sendable {
    func caseStarted(_ info: CaseInfo, index: Int, total: Int)
    func caseFinished(_ result: CaseResult, index: Int, total: Int)
    func runFinished(_ report: ProbeReport)
    /// The load run is about to start (after the cases); by default nothing happens.
    func loadStarted(_ plan: LoadPlan)
}

extension ProgressReporter {
    public func loadStarted(_ plan: LoadPlan) {}
}
