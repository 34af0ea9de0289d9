import Foundation
// Public: sessions route through `HTTPConnectOverride`s.
public import StepgateHTTP

/// The fault proxies a run (or one network case) puts between the probe and the target: one
/// per origin (host and port) that the issuer and the resources name, all following one plan.
///
/// Sessions send through `overrides` (curl's connect-to), so URLs, `Host`, cookies and TLS
/// names stay the target's while every TCP connection goes to a proxy on 127.0.0.1. Endpoints
/// that discovery puts on another origin are reached directly.
public final class ProbeNetwork: Sendable {
    /// One proxy per origin, in the order the target file names the origins.
    let proxies: [FaultProxy]
    /// Where each origin's connections go instead.
    public let overrides: [HTTPConnectOverride]

    /// Starts a proxy following `plan` for each origin of `target`.
    ///
    /// - Throws: `ProbeError.network` when an origin cannot be read or a proxy cannot start
    ///   (those already started are stopped).
    public init(target: TargetDescription, plan: FaultPlan) throws(ProbeError) {
        var proxies: [FaultProxy] = []
        var overrides: [HTTPConnectOverride] = []
        for (host, port) in Self.origins(target) {
            let proxy = FaultProxy(targetHost: host, targetPort: port, plan: plan)
            do {
                try proxy.start()
            } catch {
                for started in proxies { started.stop() }
                throw ProbeError(.network, "the fault proxy could not start: \(error.code)")
            }
            proxies.append(proxy)
            let written = host.contains(":") ? "[\(host)]" : host
            overrides.append(
                HTTPConnectOverride(host: written, port: port, connectHost: "127.0.0.1", connectPort: proxy.port)
            )
        }
        self.proxies = proxies
        self.overrides = overrides
    }

    deinit {
        stop()
    }

    /// The plan connections accepted from now on follow.
    public var plan: FaultPlan {
        proxies.first?.plan ?? FaultPlan()
    }

    /// Makes connections accepted from now on follow `plan`, at every origin.
    ///
    /// - Throws: `ProbeError.network` when the plan has problems (the old one stays).
    public func update(_ plan: FaultPlan) throws(ProbeError) {
        for proxy in proxies {
            do {
                try proxy.update(plan)
            } catch {
                throw ProbeError(.network, "the fault plan was refused: \(error.code)")
            }
        }
    }

    /// Runs `body` with connections following `plan`, then puts the previous plan back.
    public func with<Value>(_ plan: FaultPlan, _ body: () throws -> Value) throws -> Value {
        let previous = self.plan
        try update(plan)
        defer { try? update(previous) }
        return try body()
    }

    /// What the proxies did, added up.
    public var counters: FaultCounters {
        proxies.map(\.counters).reduce(into: FaultCounters()) { sum, next in
            sum.connections += next.connections
            sum.upstreamFailures += next.upstreamFailures
            sum.requestBytes += next.requestBytes
            sum.responseBytes += next.responseBytes
            sum.delayedChunks += next.delayedChunks
            sum.resets += next.resets
            sum.stalls += next.stalls
            sum.droppedResponses += next.droppedResponses
            sum.droppedBytes += next.droppedBytes
        }
    }

    /// Stops every proxy; harmless twice.
    public func stop() {
        for proxy in proxies { proxy.stop() }
    }

    /// The distinct hosts and ports of the issuer and the resources (80 or 443 when the URL
    /// names none), in order.
    static func origins(_ target: TargetDescription) -> [(String, Int)] {
        var seen: [(String, Int)] = []
        for text in [target.issuer] + target.resources.flatMap({ [$0.url, $0.expects.otherURL].compactMap { $0 } }) {
            guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty
            else { continue }
            let port = components.port ?? (components.scheme?.lowercased() == "https" ? 443 : 80)
            let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
            if !seen.contains(where: { $0 == (bare, port) }) { seen.append((bare, port)) }
        }
        return seen
    }
}
