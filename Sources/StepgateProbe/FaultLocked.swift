import Foundation

/// A value behind a lock: the state that the fault proxy's and the load driver's threads share.
///
/// Why not `Synchronization.Mutex`, as elsewhere in Stepgate: on Linux a contended `Mutex` is
/// handed to the next thread by the kernel (`FUTEX_LOCK_PI`, see
/// https://github.com/swiftlang/swift/issues/88440), which ThreadSanitizer cannot see, so under
/// contention it reports races that are not there. Measured with Swift 6.3.1: four threads
/// inserting into and removing from a `Mutex<Set<Int32>>` gave three reports, the same program
/// on this lock none. `NSLock` is a `pthread_mutex_t`, which ThreadSanitizer intercepts, so the
/// sanitizer run of these heavily threaded types stays meaningful. This can go back to `Mutex`
/// once ThreadSanitizer sees its hand-over.
final class FaultLocked<Value: Sendable>: @unchecked Sendable {
    // Safety: `value` is read and written only inside `withLock`, while `lock` is held; `Value`
    // is Sendable, so what leaves the lock may cross threads.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` on the value with the lock held; never call `withLock` again inside it.
    func withLock<Result, Failure: Error>(
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
