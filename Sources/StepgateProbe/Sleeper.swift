import Foundation

/// Where the probe waits: injected, so unit tests of time-step logic never sleep.
public protocol Sleeper: Sendable {
    /// Blocks the calling thread for `seconds` (nothing for zero or less).
    func sleep(seconds: Double)
}

/// Waits on the real clock.
public struct SystemSleeper: Sleeper {
    public init() {}

    public func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        Thread.sleep(forTimeInterval: seconds)
    }
}
