/// Reports nothing.
public struct SilentProgress: ProgressReporter {
    public init() {}
    public func caseStarted(_ info: CaseInfo, index: Int, total: Int) {}
    public func caseFinished(_ result: CaseResult, index: Int, total: Int) {}
    public func runFinished(_ report: ProbeReport) {}
}
