// Public: exchanges carry a `Date`.
public import Foundation

/// One HTTP exchange a case made, as evidence: redacted when recorded, so nothing secret is
/// ever kept (`Redactor` says what is removed and how).
///
/// Encodes as JSON with snake_case keys; the HTML report and baseline comparison read it.
public struct Exchange: Codable, Sendable, Equatable {
    /// A header kept as evidence, its value already redacted.
    public struct Header: Codable, Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var method: String
    /// The URL with secret query parameters replaced by fingerprints.
    public var url: String
    public var requestHeaders: [Header]
    /// At most 512 bytes of the redacted request body.
    public var requestBody: String?
    /// Nil when no response arrived (see `error`).
    public var status: Int?
    public var responseHeaders: [Header]
    /// At most 512 bytes of the redacted response body.
    public var responseBody: String?
    /// The transport failure (an `HTTPClientError` code) when no response arrived.
    public var error: String?
    public var startedAt: Date
    /// From sending to the whole response, in milliseconds.
    public var milliseconds: Double
    /// What the case meant by this request ("replay the code"), when it said.
    public var note: String?

    public init(
        method: String,
        url: String,
        requestHeaders: [Header] = [],
        requestBody: String? = nil,
        status: Int? = nil,
        responseHeaders: [Header] = [],
        responseBody: String? = nil,
        error: String? = nil,
        startedAt: Date,
        milliseconds: Double,
        note: String? = nil
    ) {
        self.method = method
        self.url = url
        self.requestHeaders = requestHeaders
        self.requestBody = requestBody
        self.status = status
        self.responseHeaders = responseHeaders
        self.responseBody = responseBody
        self.error = error
        self.startedAt = startedAt
        self.milliseconds = milliseconds
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case method, url, status, error, milliseconds, note
        case requestHeaders = "request_headers"
        case requestBody = "request_body"
        case responseHeaders = "response_headers"
        case responseBody = "response_body"
        case startedAt = "started_at"
    }
}
