public import Foundation
import Synchronization

/// Where the current time comes from; injected so expiry and replay windows are testable.
public protocol Clock: Sendable {
    /// The current time.
    var now: Date { get }
}

/// The operating system's wall clock.
public struct SystemClock: Clock {
    public init() {}

    public var now: Date { Date() }
}

/// A clock that only moves when told to; for tests, never for a running server.
///
/// Safe to share across threads: the time sits behind a `Mutex`.
public final class InsecureTestClock: Clock {
    private let current: Mutex<Date>

    /// A clock stopped at `start`.
    public init(_ start: Date) {
        current = Mutex(start)
    }

    public var now: Date { current.withLock { $0 } }

    /// Moves the clock forward by `seconds` (backward when negative).
    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// Moves the clock to `date`.
    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}
