// Public: responses expose the client's `HTTPHeaders` and the parsed `JSONValue`.
public import StepgateCrypto
public import StepgateHTTP

/// A response the probe received, with the URL it asked for.
public struct ProbeResponse: Sendable {
    /// The URL requested (absolute).
    public let url: String
    public let status: Int
    public let headers: HTTPHeaders
    public let body: [UInt8]

    public init(url: String, status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.url = url
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as text (invalid UTF-8 repaired).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as JSON; nil when it is not.
    public var json: JSONValue? { try? JSONValue.parse(body, maxDepth: 64) }

    /// The `Location` header resolved against `url`; nil when absent.
    public var location: String? {
        headers["Location"].map { URLText.resolve($0, against: url) }
    }

    /// Whether the status is 301, 302, 303, 307 or 308 and a `Location` is present.
    public var isRedirect: Bool {
        [301, 302, 303, 307, 308].contains(status) && headers["Location"] != nil
    }

    /// The forms of an HTML body.
    public var forms: [HTMLForm] { HTMLFormReader.forms(in: text) }

    /// Every `WWW-Authenticate` challenge of the response, parsed.
    public var challenges: [AuthChallenge] {
        headers.values("WWW-Authenticate").flatMap { AuthChallengeParser.parse($0) }
    }
}
