import Foundation
import Glibc

/// Waiting and looking around in the fault proxy tests.
enum FaultTestWait {
    /// Polls `condition` every 2 ms for up to `seconds`; whether it came true. The limit is
    /// generous because the whole suite shares two cores (two seconds once ran out while every
    /// suite ran at once); a condition that comes true returns at once, and no test waits for
    /// one that must stay false.
    static func until(seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(2000)
        }
        return condition()
    }

    /// What each of `descriptors` refers to, from /proc/self/fd (`socket:[123]`, `pipe:[456]`);
    /// descriptors not open are left out.
    static func targets(of descriptors: Set<Int32>) -> [Int32: String] {
        var found: [Int32: String] = [:]
        for descriptor in descriptors {
            found[descriptor] = try? FileManager.default.destinationOfSymbolicLink(
                atPath: "/proc/self/fd/\(descriptor)"
            )
        }
        return found
    }

    /// Seconds since `start`.
    static func seconds(since start: ContinuousClock.Instant) -> Double {
        start.duration(to: .now) / .seconds(1)
    }
}
