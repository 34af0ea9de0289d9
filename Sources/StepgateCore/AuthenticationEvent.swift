public import Foundation

/// One successful authentication within a session: which method, and when.
public struct AuthenticationEvent: Sendable, Hashable {
    /// The method the user proved.
    public var method: AuthenticationMethod
    /// When the user proved it.
    public var time: Date

    /// An event of `method` at `time`.
    public init(method: AuthenticationMethod, time: Date) {
        self.method = method
        self.time = time
    }
}
