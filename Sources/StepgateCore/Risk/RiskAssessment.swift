/// The risk engine's answer for one decision.
public struct RiskAssessment: Hashable, Sendable {
    /// Sum of the fired signals' points, clamped to 0...100.
    public let score: Int
    /// The fired signals as reasons, in `RiskReason.Code` declaration order.
    public let reasons: [RiskReason]
    /// Every signal, fired, quiet or absent, in `RiskReason.Code` declaration order.
    public let signals: [RiskSignal]
    /// True when the client address is in a deny-listed network; policy should refuse outright.
    public let denied: Bool

    /// An assessment; the engine makes these, `score` is clamped here.
    public init(score: Int, reasons: [RiskReason], signals: [RiskSignal], denied: Bool) {
        self.score = min(100, max(0, score))
        self.reasons = reasons
        self.signals = signals
        self.denied = denied
    }

    /// The codes of the fired reasons, in order.
    public var reasonCodes: [RiskReason.Code] { reasons.map(\.code) }
}
