/// A check that did not hold: the case fails with `reason` (one line, no secret).
public struct CaseFailed: Error, Sendable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
