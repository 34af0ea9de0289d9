/// A code, the session and parameters it was issued for, and the whole callback.
public struct IssuedCode: Sendable {
    public let session: ClientSession
    public let parameters: AuthorizationParameters
    public let code: String
    public let callback: AuthorizationCallback
}
