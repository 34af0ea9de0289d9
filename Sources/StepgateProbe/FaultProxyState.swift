/// What a fault proxy's threads share and what outlives a stop: the plan for new connections,
/// the counters, and the descriptors open.
final class FaultProxyState: Sendable {
    private let currentPlan: FaultLocked<FaultPlan>
    private let counters = FaultLocked(FaultCounters())
    private let descriptors = FaultLocked<Set<Int32>>([])

    init(plan: FaultPlan) {
        currentPlan = FaultLocked(plan)
    }

    /// The plan that connections accepted from now on follow.
    var plan: FaultPlan {
        get { currentPlan.withLock { $0 } }
        set { currentPlan.withLock { $0 = newValue } }
    }

    /// A copy of the counters.
    var snapshot: FaultCounters {
        counters.withLock { $0 }
    }

    /// Changes the counters under their lock.
    func count(_ change: (inout FaultCounters) -> Void) {
        counters.withLock { change(&$0) }
    }

    /// Descriptors opened by this proxy and not yet closed: none whenever it is stopped.
    var openDescriptors: Set<Int32> {
        descriptors.withLock { $0 }
    }

    /// Notes that `descriptor` was opened.
    func opened(_ descriptor: Int32) {
        descriptors.withLock { _ = $0.insert(descriptor) }
    }

    /// Opens an event (two descriptors) and notes it.
    func openEvent() throws(FaultProxyError) -> FaultEvent {
        let event = try FaultSocket.makeEvent()
        opened(event.readable)
        opened(event.writable)
        return event
    }

    /// Closes both ends of `event` and notes it.
    func close(_ event: FaultEvent) {
        close(event.readable)
        close(event.writable)
    }

    /// Closes `descriptor` (with RST when `reset`) and notes it.
    func close(_ descriptor: Int32, reset: Bool = false) {
        // Forgotten before closing: once closed, another thread may get the same number.
        descriptors.withLock { _ = $0.remove(descriptor) }
        FaultSocket.close(descriptor, reset: reset)
    }
}
