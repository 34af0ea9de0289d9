/// One negative (or positive) case the probe runs against a target.
///
/// `run` returns `.passed`, `.human(...)`, or throws: `CaseFailed` for a check that did not
/// hold, `CaseSkipped` when the target turns out to lack something, any other error (a
/// `ProbeError`) fails the case with its description.
public protocol ProbeCase: Sendable {
    var info: CaseInfo { get }
    func run(_ context: CaseContext) throws -> Verdict
}
