/// How a case ended.
public enum Verdict: Sendable, Equatable {
    /// Everything the case checks held.
    case passed
    /// Something the case checks did not hold; the reason is one line and holds no secret.
    case failed(String)
    /// The case did not run: the target lacks what it needs, or said so when asked.
    case skipped(String)
    /// A person must check this; the items of the checklist.
    case human([String])

    /// `pass`, `fail`, `skip` or `human`.
    public var status: String {
        switch self {
        case .passed: "pass"
        case .failed: "fail"
        case .skipped: "skip"
        case .human: "human"
        }
    }

    /// The reason of a failure or skip; nil otherwise.
    public var reason: String? {
        switch self {
        case .failed(let reason), .skipped(let reason): reason
        case .passed, .human: nil
        }
    }
}

extension Verdict: Codable {
    private enum CodingKeys: String, CodingKey {
        case status, reason, checklist
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let status = try container.decode(String.self, forKey: .status)
        switch status {
        case "pass": self = .passed
        case "fail": self = .failed(try container.decode(String.self, forKey: .reason))
        case "skip": self = .skipped(try container.decode(String.self, forKey: .reason))
        case "human": self = .human(try container.decode([String].self, forKey: .checklist))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .status,
                in: container,
                debugDescription: "unknown status"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(reason, forKey: .reason)
        if case .human(let items) = self { try container.encode(items, forKey: .checklist) }
    }
}
