import Foundation
import StepgateCore
import StepgateHTTP
import StepgateProbe
import Synchronization
import Testing

@Suite struct ProbeRunnerNetworkTests {
    /// A target at `port` on 127.0.0.1 with `sections` appended.
    private static func target(port: Int, _ sections: String = "") throws -> TargetDescription {
        let text = """
            issuer: http://127.0.0.1:\(port)
            client: {id: probe, redirect_uri: "http://127.0.0.1:\(port)/cb"}
            user: {username: demo, password: s3cret-password}
            levels: [aal1, aal2]
            \(sections)
            """
        return try TargetDescription.parse(Array(text.utf8), environment: [:])
    }

    private static func run(_ target: TargetDescription, _ probeCase: any ProbeCase) throws -> ProbeReport {
        let clock = InsecureTestClock(Date(timeIntervalSince1970: 1_700_000_000))
        return try ProbeRunner(
            target: target,
            cases: [probeCase],
            options: RunOptions(),
            clock: clock,
            sleeper: ClockSleeper(clock)
        ).run()
    }

    private static let info = CaseInfo(
        id: "test.net",
        title: "t",
        category: "test",
        sends: "s",
        expects: "e",
        rationale: "r"
    )

    /// Requests a server received.
    private final class Hits: Sendable {
        private let value = Mutex(0)

        func add() { value.withLock { $0 += 1 } }

        var count: Int { value.withLock { $0 } }
    }

    /// A server that answers every request with 200 and counts them.
    private final class Counting: Sendable {
        let hits = Hits()
        let server: HTTPServer

        init() throws {
            let hits = hits
            server = HTTPServer(configuration: .init(), logger: .discarding) { _ in
                hits.add()
                return .text(200, "ok")
            }
            try server.start()
        }

        deinit {
            server.stop()
        }
    }

    @Test func run_withANetworkSectionSendsEveryExchangeThroughTheRunsProxy() throws {
        let server = try Counting()
        let port = server.server.port
        let seen = Mutex<(route: Int, connections: Int)>((0, 0))
        let probeCase = ScriptedCase(Self.info) { context in
            let session = context.session()
            let response = try session.get("http://127.0.0.1:\(port)/resource")
            try context.require(response.status == 200, "status \(response.status)")
            let connections = try context.withNetwork { $0.counters.connections }
            seen.withLock { $0 = (session.route.count, connections) }
            return .passed
        }

        let report = try Self.run(try Self.target(port: port, "network: {latency_ms: 1}"), probeCase)

        #expect(report.results.first?.verdict == .passed)
        #expect(seen.withLock { $0.route } == 1)
        #expect(seen.withLock { $0.connections } == 1)
        #expect(server.hits.count == 1)
    }

    @Test func run_withoutANetworkSectionGoesDirectButNetworkCasesGetAProxy() throws {
        let server = try Counting()
        let port = server.server.port
        let seen = Mutex<(direct: Int, proxied: Int)>((-1, -1))
        let probeCase = ScriptedCase(Self.info) { context in
            let direct = context.session().route.count
            let proxied = try context.withNetwork { network in
                var drop = context.cleanPlan
                drop.dropResponse = FaultPlan.DropResponse(ending: .close)
                let lost = try network.with(drop) {
                    (try? context.session(through: network).get("http://127.0.0.1:\(port)/act")) == nil
                }
                try context.require(lost, "the response was not dropped")
                return network.counters.droppedResponses
            }
            seen.withLock { $0 = (direct, proxied) }
            return .passed
        }

        let report = try Self.run(try Self.target(port: port), probeCase)

        #expect(report.results.first?.verdict == .passed)
        #expect(seen.withLock { $0.direct } == 0)
        #expect(seen.withLock { $0.proxied } == 1)
        #expect(server.hits.count == 1)
    }

    @Test func run_aCaseEndedByThePlansResetIsSkippedNotFailed() throws {
        let server = try Counting()
        let port = server.server.port
        let probeCase = ScriptedCase(Self.info) { context in
            _ = try context.session().get("http://127.0.0.1:\(port)/resource")
            return .passed
        }

        let report = try Self.run(try Self.target(port: port, "network: {reset_after_bytes: 0}"), probeCase)

        let reason = report.results.first?.verdict.reason ?? ""
        #expect(report.summary.skipped == 1)
        #expect(reason.hasPrefix("the network section's faults ended the case"))
        #expect(server.hits.count == 0)
    }

    @Test func run_aTargetThatIsDownStillFailsThroughTheProxy() throws {
        let probeCase = ScriptedCase(Self.info) { context in
            _ = try context.session().get("http://127.0.0.1:9/resource")
            return .passed
        }

        let report = try Self.run(try Self.target(port: 9, "network: {latency_ms: 1}"), probeCase)

        #expect(report.summary.failed == 1)
    }

    @Test func run_withALoadSectionButNoPasskeyReportsTheLoadRunSkipped() throws {
        let target = try Self.target(
            port: 9,
            """
            resources:
              - {name: api, method: POST, url: "http://127.0.0.1:9/api", expects: {acr: aal2}}
            load: {users: 2, duration: 1s}
            """
        )

        let report = try Self.run(target, ScriptedCase(Self.info) { _ in .passed })

        #expect(report.load?.status == "skipped")
        #expect(report.load?.reason?.hasPrefix("no user has webauthn: register") == true)
        #expect(report.load?.users == 2)
        #expect(!report.hasFailures)
        #expect(report.htmlLoadSections.isEmpty)
    }

    @Test func ProbeNetwork_hasOneProxyPerOriginOfTheIssuerAndResources() throws {
        let target = try Self.target(
            port: 9,
            """
            resources:
              - {name: a, url: "http://127.0.0.1:9/a", expects: {acr: aal1}}
              - {name: b, url: "https://[::1]/b", expects: {acr: aal1}}
            """
        )
        let network = try ProbeNetwork(target: target, plan: FaultPlan())
        defer { network.stop() }

        #expect(network.overrides.map(\.host) == ["127.0.0.1", "[::1]"])
        #expect(network.overrides.map(\.port) == [9, 443])
        #expect(network.overrides.allSatisfy { $0.connectHost == "127.0.0.1" && $0.connectPort > 0 })
    }
}
