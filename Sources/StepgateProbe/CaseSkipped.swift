/// The target lacks what the case needs: the case is skipped with `reason`.
public struct CaseSkipped: Error, Sendable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
