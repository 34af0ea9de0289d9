/// A `WWW-Authenticate` value that does not follow RFC 9110's grammar; the detail is fixed text.
public struct AuthChallengeError: Error, Sendable, Equatable, CustomStringConvertible {
    public let detail: String

    public init(_ detail: String) {
        self.detail = detail
    }

    public var description: String { detail }
}
