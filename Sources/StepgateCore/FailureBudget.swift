public import Foundation

/// How many failed guesses an account may make in a sliding window (per account, not per IP).
///
/// Once `maxFailures` failures fall inside the last `window` seconds, further attempts wait
/// until the oldest of them slides out. The owner is slowed, never locked out for good, and
/// an attacker gets at most `maxFailures` guesses per `window`: with the defaults, 10 guesses
/// per 15 minutes, so a 6-digit code needs about 23 years on average.
public struct FailureBudget: Sendable {
    /// Failures allowed inside one window; 10 by default.
    public var maxFailures: Int
    /// Length of the sliding window in seconds; 900 (15 minutes) by default.
    public var window: TimeInterval

    /// A budget; `maxFailures` must be positive and `window` positive, or this traps.
    public init(maxFailures: Int = 10, window: TimeInterval = 900) {
        precondition(maxFailures > 0, "FailureBudget.maxFailures must be positive")
        precondition(window > 0 && window.isFinite, "FailureBudget.window must be positive")
        self.maxFailures = maxFailures
        self.window = window
    }

    /// The earliest failure time that still counts at `now`; the store counts from here.
    public func windowStart(now: Date) -> Date {
        now.addingTimeInterval(-window)
    }

    /// Whole seconds to wait before the next attempt, or nil when one may be made now.
    ///
    /// `count` is the number of failures since `windowStart(now:)` and `oldestInWindow` the
    /// earliest of them. Answers the time until that one slides out, at least 1 second, so it
    /// fits a `Retry-After` header. If more than `maxFailures` failures counted (concurrent
    /// attempts), the next check after the wait answers again.
    public func retryAfter(count: Int, oldestInWindow: Date?, now: Date) -> TimeInterval? {
        guard count >= maxFailures, let oldestInWindow else { return nil }
        return Self.wholeSeconds(oldestInWindow.addingTimeInterval(window).timeIntervalSince(now))
    }

    /// Whole seconds to wait before the next attempt, given every recent failure time.
    ///
    /// Exact even past `maxFailures`: waits until few enough failures remain in the window.
    /// Failures outside the window and in the future are ignored.
    public func retryAfter(failureTimes: [Date], now: Date) -> TimeInterval? {
        let start = windowStart(now: now)
        let inWindow = failureTimes.filter { $0 > start && $0 <= now }.sorted()
        guard inWindow.count >= maxFailures else { return nil }
        let freeing = inWindow[inWindow.count - maxFailures]
        return Self.wholeSeconds(freeing.addingTimeInterval(window).timeIntervalSince(now))
    }

    private static func wholeSeconds(_ seconds: TimeInterval) -> TimeInterval {
        max(1, seconds.rounded(.up))
    }
}
