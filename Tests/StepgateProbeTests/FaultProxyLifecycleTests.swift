import Foundation
import Glibc
import Testing

@testable import StepgateProbe

/// Starting, stopping, changing plans, and never leaking a descriptor.
@Suite struct FaultProxyLifecycleTests {
    @Test func stop_withConnectionsStalledSleepingAndIdle_closesEveryDescriptor() throws {
        let server = try FaultTestServer()
        var plan = FaultPlan()
        plan.stall = FaultPlan.Stall(direction: .response, afterBytes: 0)
        let proxy = FaultProxy(targetHost: "127.0.0.1", targetPort: server.port, plan: plan)
        try proxy.start()

        // A connection follows the plan in force when the proxy accepts it, not when the kernel does.
        let stalled = try FaultTestClient(port: proxy.port)
        stalled.send(Array("held".utf8))
        #expect(FaultTestWait.until { proxy.counters.connections == 1 })
        plan.stall = nil
        plan.latency = .seconds(60)
        try proxy.update(plan)
        let sleeping = try FaultTestClient(port: proxy.port)
        sleeping.send(Array("slow".utf8))
        #expect(FaultTestWait.until { proxy.counters.connections == 2 })
        try proxy.update(FaultPlan())
        let idle = try FaultTestClient(port: proxy.port)
        #expect(server.waitUntil { $0.accepted == 3 && $0.received.count == 4 })
        #expect(FaultTestWait.until { proxy.counters.stalls == 1 && proxy.counters.delayedChunks == 1 })
        #expect(proxy.openDescriptors == 3 + 3 * 4)
        // What each descriptor of the proxy refers to in /proc/self/fd. Other suites open and
        // close descriptors meanwhile, so rather than counting all of them, check that none of
        // these is still open on the same socket or pipe afterwards (a number may be reused).
        let held = FaultTestWait.targets(of: proxy.state.openDescriptors)
        #expect(held.count == 15)
        #expect(held.values.filter { $0.hasPrefix("socket:") }.count == 7)
        #expect(held.values.filter { $0.hasPrefix("pipe:") }.count == 8)

        let start = ContinuousClock.now
        proxy.stop()

        #expect(FaultTestWait.seconds(since: start) < 1)
        #expect(proxy.openDescriptors == 0)
        #expect(proxy.port == 0)
        for client in [stalled, sleeping, idle] {
            #expect(client.receiveToEnd().ending == .endOfStream)
            client.close()
        }
        let still = FaultTestWait.targets(of: Set(held.keys))
        #expect(held.allSatisfy { still[$0.key] != $0.value })
    }

    @Test func stop_twiceOrBeforeStart_isHarmless() throws {
        let proxy = FaultProxy(targetHost: "127.0.0.1", targetPort: 9)
        proxy.stop()
        try proxy.start()
        #expect(proxy.port > 0)
        proxy.stop()
        proxy.stop()
        #expect(proxy.port == 0)
        #expect(proxy.openDescriptors == 0)
    }

    @Test func start_twiceFails() throws {
        let proxy = FaultProxy(targetHost: "127.0.0.1", targetPort: 9)
        try proxy.start()
        #expect { try proxy.start() } throws: { ($0 as? FaultProxyError)?.code == .alreadyStarted }
    }

    @Test func start_afterStop_servesAgainAndKeepsCounting() throws {
        let server = try FaultTestServer()
        let proxy = FaultProxy(targetHost: "127.0.0.1", targetPort: server.port)
        for round in 1...2 {
            try proxy.start()
            let client = try FaultTestClient(port: proxy.port)
            client.send([1, 2, 3])
            #expect(client.receive(count: 3).bytes == [1, 2, 3])
            client.close()
            proxy.stop()
            #expect(proxy.counters.connections == round)
        }
    }

    @Test(arguments: [("", 80), ("127.0.0.1", 0), ("127.0.0.1", 70_000)])
    func start_withABadTargetFails(host: String, port: Int) {
        let proxy = FaultProxy(targetHost: host, targetPort: port)
        #expect { try proxy.start() } throws: { ($0 as? FaultProxyError)?.code == .invalidTarget }
    }

    @Test func start_andUpdate_refuseAPlanWithProblems() throws {
        var bad = FaultPlan()
        bad.reset = FaultPlan.Reset(probability: 2)
        bad.latency = .milliseconds(-1)
        #expect(bad.problems.count == 2)
        let refused = FaultProxy(targetHost: "127.0.0.1", targetPort: 9, plan: bad)
        #expect { try refused.start() } throws: { ($0 as? FaultProxyError)?.code == .invalidPlan }

        let proxy = FaultProxy(targetHost: "127.0.0.1", targetPort: 9)
        #expect { try proxy.update(bad) } throws: { ($0 as? FaultProxyError)?.code == .invalidPlan }
        #expect(proxy.plan == FaultPlan())
    }

    @Test func update_appliesToNewConnectionsOnly() throws {
        let server = try FaultTestServer()
        let proxy = FaultProxy(targetHost: "127.0.0.1", targetPort: server.port)
        try proxy.start()
        let early = try FaultTestClient(port: proxy.port)
        early.send([1])
        #expect(early.receive(count: 1).bytes == [1])

        var plan = FaultPlan()
        plan.reset = FaultPlan.Reset(afterBytes: 0)
        try proxy.update(plan)
        let late = try FaultTestClient(port: proxy.port)
        late.send([2])
        early.send([3])

        #expect(late.receiveToEnd().ending == .reset)
        #expect(early.receive(count: 1).bytes == [3])
        #expect(proxy.counters.resets == 1)
    }

    @Test func targetByName_triesEachAddressItResolvesTo() throws {
        let server = try FaultTestServer()
        // The test server listens on 127.0.0.1 only; `localhost` may resolve to ::1 first.
        let proxy = FaultProxy(targetHost: "localhost", targetPort: server.port)
        try proxy.start()
        let client = try FaultTestClient(port: proxy.port)

        client.send([4, 2])

        #expect(client.receive(count: 2).bytes == [4, 2])
        #expect(proxy.counters.upstreamFailures == 0)
    }

    @Test func unreachableTarget_resetsTheClientAndCounts() throws {
        let closedPort = try Self.unusedPort()
        let proxy = FaultProxy(targetHost: "127.0.0.1", targetPort: closedPort)
        try proxy.start()
        let client = try FaultTestClient(port: proxy.port)

        #expect(client.receiveToEnd().ending == .reset)
        #expect(FaultTestWait.until { proxy.counters.upstreamFailures == 1 })
        #expect(FaultTestWait.until { proxy.openDescriptors == 3 })
    }

    /// A port nothing listens on: that of a test server already stopped. Should another process
    /// take it meanwhile, the test fails; it cannot pass wrongly.
    private static func unusedPort() throws -> Int {
        let server = try FaultTestServer()
        let port = server.port
        server.stop()
        return port
    }
}
