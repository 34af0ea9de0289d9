/// Fault proxies for the network cases: the run's when the target file has a `network:`
/// section, else proxies of the case's own, so these cases run either way.
extension CaseContext {
    /// Runs `body` with fault proxies between the probe and the target: the run's (its plan is
    /// put back afterwards) or, without a `network:` section, new ones stopped afterwards.
    public func withNetwork<Value>(_ body: (ProbeNetwork) throws -> Value) throws -> Value {
        if let network = environment.network {
            let previous = network.plan
            defer { try? network.update(previous) }
            return try body(network)
        }
        let own = try ProbeNetwork(target: target, plan: cleanPlan)
        defer { own.stop() }
        return try body(own)
    }

    /// The plan for the steps of a network case that are not under attack: the `network:`
    /// section's seed, latency, jitter and bandwidth, and no reset, stall or drop.
    public var cleanPlan: FaultPlan {
        var plan = FaultPlan()
        if let configured = target.network {
            plan.seed = configured.seed
            plan.latency = configured.latency
            plan.jitter = configured.jitter
            plan.bandwidthBytesPerSecond = configured.bandwidthBytesPerSecond
        }
        return plan
    }

    /// A new client whose connections go through `network`; `timeout` in seconds replaces the
    /// target file's.
    public func session(_ label: String = "user", through network: ProbeNetwork, timeout: Double? = nil)
        -> ClientSession
    {
        environment.newSession(label, evidence, network: network, timeout: timeout)
    }

    /// A copy of `role`'s shared session at `level` whose connections go through `network`.
    public func sharedSession(
        _ role: ProbeUser.Role = .primary,
        level: String,
        through network: ProbeNetwork
    ) throws -> ClientSession {
        try sharedSession(role, level: level).fork(recordingInto: evidence, route: network.overrides)
    }
}
