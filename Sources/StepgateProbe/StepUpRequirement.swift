/// What an RFC 9470 §3 challenge asks for: `error="insufficient_user_authentication"` with the
/// levels (`acr_values`, space-separated) and the freshness (`max_age`, seconds).
public struct StepUpRequirement: Sendable, Equatable {
    public var acrValues: [String]
    public var maxAge: Int?

    public init(acrValues: [String], maxAge: Int? = nil) {
        self.acrValues = acrValues
        self.maxAge = maxAge
    }

    /// The requirement of a Bearer challenge with that error; nil for any other challenge, or
    /// for a `max_age` that is not a non-negative integer.
    public init?(_ challenge: AuthChallenge) {
        guard challenge.isBearer, challenge.parameter("error") == "insufficient_user_authentication"
        else {
            return nil
        }
        acrValues = (challenge.parameter("acr_values") ?? "").split(separator: " ").map(String.init)
        if let text = challenge.parameter("max_age") {
            guard let value = Int(text), value >= 0, text.allSatisfy(\.isASCII) else { return nil }
            maxAge = value
        }
    }
}
