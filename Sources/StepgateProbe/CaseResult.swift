// Public: results carry `Date`s.
public import Foundation

/// One case's outcome in a report: what the case is, its verdict, when and how long it ran,
/// and its redacted evidence.
public struct CaseResult: Codable, Sendable {
    /// The case's catalogue entry.
    public var info: CaseInfo
    public var verdict: Verdict
    public var startedAt: Date
    public var seconds: Double
    /// Every exchange the case made, in order, redacted.
    public var evidence: [Exchange]
    /// Lines the case wrote for the reader, redacted.
    public var notes: [String]

    public init(
        info: CaseInfo,
        verdict: Verdict,
        startedAt: Date,
        seconds: Double,
        evidence: [Exchange] = [],
        notes: [String] = []
    ) {
        self.info = info
        self.verdict = verdict
        self.startedAt = startedAt
        self.seconds = seconds
        self.evidence = evidence
        self.notes = notes
    }

    enum CodingKeys: String, CodingKey {
        case info = "case"
        case verdict, seconds, evidence, notes
        case startedAt = "started_at"
    }
}
