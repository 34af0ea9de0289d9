/// Where the load driver reads the time; injected so tests need no sleeping.
///
/// `now` is monotonic time since an arbitrary origin: only differences mean anything.
public protocol LoadClock: Sendable {
    /// The time since the clock's origin.
    var now: Duration { get }
}

/// The system's monotonic clock (`ContinuousClock`), with its origin at creation.
public struct MonotonicLoadClock: LoadClock {
    private let origin = ContinuousClock.now

    /// A clock whose origin is now.
    public init() {}

    public var now: Duration {
        origin.duration(to: .now)
    }
}

/// A clock that moves only when told to; for tests, never for a real run.
///
/// Safe to share across threads: the time sits behind a lock.
public final class ManualLoadClock: LoadClock {
    private let current: FaultLocked<Duration>

    /// A clock stopped at `start`.
    public init(_ start: Duration = .zero) {
        current = FaultLocked(start)
    }

    public var now: Duration {
        current.withLock { $0 }
    }

    /// Moves the clock forward by `duration`.
    public func advance(by duration: Duration) {
        current.withLock { $0 += duration }
    }
}
