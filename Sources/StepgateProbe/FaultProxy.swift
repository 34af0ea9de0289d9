/// A TCP proxy on 127.0.0.1 in front of one target that degrades the network on purpose.
///
/// Point a client at `127.0.0.1:port` instead of the target; each connection it accepts is
/// forwarded to the target under the faults of `plan` (latency and jitter, bandwidth, resets,
/// half-open stalls, responses dropped after the server acted). Connections accepted after
/// `plan` changes follow the new plan; open ones keep theirs. `counters` says what it did.
///
/// Each connection runs on two threads (one per direction) over non-blocking sockets; every
/// wait also watches the proxy's stop event, so `stop()` ends everything promptly, joins every
/// thread and closes every descriptor. The proxy speaks TCP only: for an `https` target the
/// client still performs TLS with the target (and must ask for the target's name, not
/// 127.0.0.1).
public final class FaultProxy: Sendable {
    private let target: (host: String, port: Int)
    /// Shared with the proxy's threads; internal so tests can see the descriptors it holds.
    let state: FaultProxyState
    private let running = FaultLocked<FaultListener?>(nil)

    /// A stopped proxy that will forward to `host`:`port` (a name or a numeric address).
    public init(targetHost host: String, targetPort port: Int, plan: FaultPlan = FaultPlan()) {
        target = (host, port)
        state = FaultProxyState(plan: plan)
    }

    deinit {
        stop()
    }

    /// Binds 127.0.0.1 at a port the OS picks and starts accepting.
    ///
    /// - Throws: `FaultProxyError`: `.invalidTarget`, `.invalidPlan` (detail lists the
    ///   problems), `.alreadyStarted`, `.startFailed` (socket calls), `.threadFailed`.
    public func start() throws(FaultProxyError) {
        guard !target.host.isEmpty, (1...65_535).contains(target.port) else {
            throw FaultProxyError(.invalidTarget, "host empty or port outside 1 to 65535")
        }
        try Self.check(state.plan)
        try running.withLock { (listener: inout FaultListener?) throws(FaultProxyError) in
            guard listener == nil else { throw FaultProxyError(.alreadyStarted) }
            listener = try FaultListener(target: target, state: state)
        }
    }

    /// The port clients connect to, or 0 when not running.
    public var port: Int {
        running.withLock { $0?.port ?? 0 }
    }

    /// The plan that connections accepted from now on follow.
    public var plan: FaultPlan {
        state.plan
    }

    /// Makes connections accepted from now on follow `plan`; open connections keep theirs.
    ///
    /// - Throws: `FaultProxyError` (`.invalidPlan`) and keeps the old plan when `plan` has problems.
    public func update(_ plan: FaultPlan) throws(FaultProxyError) {
        try Self.check(plan)
        state.plan = plan
    }

    /// What the proxy has done since it was made; it keeps counting across stop and start.
    public var counters: FaultCounters {
        state.snapshot
    }

    /// Descriptors the proxy holds open: listener, events and sockets. 0 once stopped.
    public var openDescriptors: Int {
        state.openDescriptors.count
    }

    /// Stops accepting, ends every open connection (orderly, without waiting for its data),
    /// joins every thread and closes every descriptor. Blocks until done; harmless twice or
    /// before `start`.
    public func stop() {
        running.withLock { (listener: inout FaultListener?) in
            listener?.stop()
            listener = nil
        }
    }

    private static func check(_ plan: FaultPlan) throws(FaultProxyError) {
        let problems = plan.problems
        guard problems.isEmpty else { throw FaultProxyError(.invalidPlan, problems.joined(separator: "; ")) }
    }
}
