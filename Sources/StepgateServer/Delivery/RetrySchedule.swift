import Foundation

/// When a failed message is tried again: exponential backoff over fixed steps.
///
/// After attempt 1 fails the next waits 10 s, then 30 s, 2 min, 10 min, and 30 min for every
/// later one, until `maxAttempts` attempts have failed and the message is given up. With the
/// default of 6 attempts a message is retried for about 43 minutes.
struct RetrySchedule: Sendable {
    /// Seconds to wait after the failed attempt 1, 2, 3, ...; the last step repeats.
    static let steps: [TimeInterval] = [10, 30, 120, 600, 1_800]

    /// Attempts in all, the first included (`delivery.max_attempts`).
    var maxAttempts: Int

    /// The wait after failed attempt `attempt` (1-based); nil when it was the last one.
    func delay(afterAttempt attempt: Int) -> TimeInterval? {
        guard attempt < maxAttempts else { return nil }
        return Self.steps[min(max(attempt, 1), Self.steps.count) - 1]
    }
}
