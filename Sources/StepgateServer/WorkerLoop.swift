import Foundation

/// A background worker's thread (the delivery worker's, the pruner's): runs a step, then
/// sleeps until woken or a poll interval has passed, until stopped. No work of its own lives
/// here (see `DeliveryWorker.deliverDue`, `Pruner.prune`).
final class WorkerLoop: @unchecked Sendable {
    // Safety: `started`, `stopping` and `woken` are read and written only while `condition` is
    // locked; `pollInterval` is immutable.
    private let condition = NSCondition()
    private var started = false
    private var stopping = false
    private var woken = false
    private let exited = DispatchSemaphore(value: 0)
    private let pollInterval: TimeInterval

    init(pollInterval: TimeInterval) {
        self.pollInterval = pollInterval
    }

    /// Starts the thread once; `step` returns true when more work is waiting right away.
    func start(name: String, _ step: @escaping @Sendable () -> Bool) {
        condition.lock()
        let first = !started && !stopping
        started = true
        condition.unlock()
        guard first else { return }
        let thread = Thread { [self] in run(step) }
        thread.name = name
        thread.start()
    }

    /// Whether `stop` was called: a step in progress should end after its current message.
    var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    /// Ends the wait of a sleeping thread, or its next one.
    func wake() {
        condition.lock()
        woken = true
        condition.signal()
        condition.unlock()
    }

    /// Stops the thread after its current step and returns once it has ended. Harmless twice,
    /// or when never started.
    func stop() {
        condition.lock()
        let running = started && !stopping
        stopping = true
        condition.broadcast()
        condition.unlock()
        if running { exited.wait() }
    }

    private func run(_ step: @Sendable () -> Bool) {
        while true {
            condition.lock()
            let stop = stopping
            woken = false
            condition.unlock()
            if stop { break }

            let busy = step()

            condition.lock()
            if !busy && !woken && !stopping {
                _ = condition.wait(until: Date().addingTimeInterval(pollInterval))
            }
            condition.unlock()
        }
        exited.signal()
    }
}
