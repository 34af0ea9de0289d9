// Public: reports carry `Date`s.
public import Foundation

/// The outcome of one run: the target (its issuer and client, never a secret), when it ran,
/// and each case's result in the order it ran. The JSON, JUnit and HTML reports and the
/// baseline comparison are all made from this.
public struct ProbeReport: Codable, Sendable {
    /// How many cases ended each way.
    public struct Summary: Codable, Sendable, Equatable {
        public var passed = 0
        public var failed = 0
        public var skipped = 0
        public var human = 0
        public var total: Int { passed + failed + skipped + human }

        public init(passed: Int = 0, failed: Int = 0, skipped: Int = 0, human: Int = 0) {
            self.passed = passed
            self.failed = failed
            self.skipped = skipped
            self.human = human
        }

        enum CodingKeys: String, CodingKey {
            case passed, failed, skipped, human
        }
    }

    /// `stepgate probe` and its version.
    public var tool: String
    public var issuer: String
    public var clientID: String
    public var startedAt: Date
    public var seconds: Double
    public var results: [CaseResult]
    /// What changed since an earlier run, when `--baseline` named one; nil otherwise.
    public var baseline: BaselineComparison?
    /// The load run after the cases, when the target file (or `--load`) asked for one.
    public var load: LoadReport?

    public init(
        tool: String,
        issuer: String,
        clientID: String,
        startedAt: Date,
        seconds: Double,
        results: [CaseResult]
    ) {
        self.tool = tool
        self.issuer = issuer
        self.clientID = clientID
        self.startedAt = startedAt
        self.seconds = seconds
        self.results = results
    }

    public var summary: Summary {
        var summary = Summary()
        for result in results {
            switch result.verdict {
            case .passed: summary.passed += 1
            case .failed: summary.failed += 1
            case .skipped: summary.skipped += 1
            case .human: summary.human += 1
            }
        }
        return summary
    }

    /// Whether any case failed or the load run broke an invariant: the exit status is 1 then.
    public var hasFailures: Bool { summary.failed > 0 || loadBrokeInvariants }

    enum CodingKeys: String, CodingKey {
        case tool, issuer, seconds, results, summary
        case baseline, load
        case clientID = "client_id"
        case startedAt = "started_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tool = try container.decode(String.self, forKey: .tool)
        issuer = try container.decode(String.self, forKey: .issuer)
        clientID = try container.decode(String.self, forKey: .clientID)
        startedAt = try container.decode(Date.self, forKey: .startedAt)
        seconds = try container.decode(Double.self, forKey: .seconds)
        results = try container.decode([CaseResult].self, forKey: .results)
        baseline = try container.decodeIfPresent(BaselineComparison.self, forKey: .baseline)
        load = try container.decodeIfPresent(LoadReport.self, forKey: .load)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tool, forKey: .tool)
        try container.encode(issuer, forKey: .issuer)
        try container.encode(clientID, forKey: .clientID)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(summary, forKey: .summary)
        try container.encode(results, forKey: .results)
        try container.encodeIfPresent(baseline, forKey: .baseline)
        try container.encodeIfPresent(load, forKey: .load)
    }
}
