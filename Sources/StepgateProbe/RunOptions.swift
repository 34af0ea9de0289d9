/// How a run goes: which cases, and how long the probe may wait for time to pass.
public struct RunOptions: Sendable {
    public var selection: CaseSelection
    /// Longest single wait (for a TOTP step, for a flow to expire), in seconds (default 40).
    public var maxWait: Double

    public init(selection: CaseSelection = CaseSelection(), maxWait: Double = 40) {
        self.selection = selection
        self.maxWait = maxWait
    }
}
