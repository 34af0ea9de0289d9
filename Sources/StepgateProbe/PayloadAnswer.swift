/// What a malformed request got back, and whether that is a clear refusal: a 4xx, never a
/// 5xx, never a 2xx or 3xx, never a token or an authorization code, and never silence past
/// the timeout. A closed connection counts as a refusal only where the request was too large
/// (RFC 9110 §15.5.14: a server may close the connection on an over-long request).
public enum PayloadAnswer: Sendable {
    case response(ProbeResponse)
    /// The connection ended without a response.
    case closed
    /// No response within the target's timeout.
    case timedOut

    /// Why this answer is not a clear refusal; nil when it is one.
    public func problem(closeAllowed: Bool = false) -> String? {
        switch self {
        case .timedOut:
            return "no answer within the timeout"
        case .closed:
            return closeAllowed ? nil : "the connection closed without an answer"
        case .response(let response):
            if Self.grants(response) { return "answered \(response.status) with a token or a code" }
            switch response.status {
            case 400..<500: return nil
            case 500...: return "answered \(response.status), a server error"
            case 200..<300: return "answered \(response.status), as if it were well-formed"
            default: return "answered \(response.status), not a 4xx"
            }
        }
    }

    /// The status, or `closed` / `timed out`, for notes.
    public var summary: String {
        switch self {
        case .response(let response): "\(response.status)"
        case .closed: "closed"
        case .timedOut: "timed out"
        }
    }

    /// Whether `response` hands out something: a token in a JSON body or a `code` in the
    /// `Location` it redirects to.
    public static func grants(_ response: ProbeResponse) -> Bool {
        if let json = response.json {
            for name in ["access_token", "id_token", "refresh_token"] {
                if let value = json[name]?.stringValue, !value.isEmpty { return true }
            }
        }
        if let location = response.location, URLText.query(location, "code") != nil {
            return true
        }
        return false
    }
}
