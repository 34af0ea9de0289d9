/// How one signal came out in one evaluation, whether it fired or not; for the explain tool.
public struct RiskSignal: Hashable, Sendable {
    /// Whether the signal fired, stayed quiet, or could not be evaluated.
    public enum Outcome: String, Sendable {
        /// The signal fired and added `points`.
        case fired
        /// The signal was evaluated and did not fire.
        case quiet
        /// The input lacked what the signal needs (no geolocation, no session, no amount...).
        case absent
    }

    /// Which signal.
    public let code: RiskReason.Code
    /// What it found.
    public let outcome: Outcome
    /// Points added to the score; 0 unless it fired.
    public let points: Int
    /// A plain sentence: the reason's sentence when fired, otherwise what was checked or missing.
    public let note: String

    /// A signal outcome; the engine makes these.
    public init(code: RiskReason.Code, outcome: Outcome, points: Int, note: String) {
        self.code = code
        self.outcome = outcome
        self.points = points
        self.note = note
    }
}
