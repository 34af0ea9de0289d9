/// A failure of the server itself, not of a request: start-up, keys, stored data.
///
/// The message is for the operator and logs; it never holds a secret.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        case startup
        case keys
        case corruptData
    }

    public let code: Code
    public let message: String

    public var description: String { message }

    static func startup(_ message: String) -> ServerError { ServerError(code: .startup, message: message) }
    static func keys(_ message: String) -> ServerError { ServerError(code: .keys, message: message) }
    static func corruptData(_ message: String) -> ServerError { ServerError(code: .corruptData, message: message) }
}
