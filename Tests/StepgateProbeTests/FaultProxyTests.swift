import Foundation
import Testing

@testable import StepgateProbe

/// Each fault against a plain TCP echo server, measured in bytes and their order.
@Suite struct FaultProxyTests {
    /// An echo (or sink) server behind a running proxy with `plan`.
    private func proxied(_ plan: FaultPlan, echo: Bool = true) throws -> (FaultTestServer, FaultProxy) {
        let server = try FaultTestServer(echo: echo)
        let proxy = FaultProxy(targetHost: "127.0.0.1", targetPort: server.port, plan: plan)
        try proxy.start()
        return (server, proxy)
    }

    private func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    }

    @Test func passThrough_forwardsEveryByteBothWaysAndCountsThem() throws {
        let (server, proxy) = try proxied(FaultPlan())
        let client = try FaultTestClient(port: proxy.port)
        let payload = bytes(200_000)

        #expect(client.send(payload))
        let echoed = client.receive(count: payload.count)

        #expect(echoed.bytes == payload)
        #expect(server.received == payload)
        // The proxy counts a piece once it is sent, which the client may see first.
        #expect(FaultTestWait.until { proxy.counters.responseBytes == payload.count })
        let counters = proxy.counters
        #expect(counters.connections == 1)
        #expect(counters.requestBytes == payload.count)
        #expect(counters.resets == 0 && counters.stalls == 0 && counters.delayedChunks == 0)
    }

    @Test func latency_delaysEachDirection() throws {
        var plan = FaultPlan()
        plan.latency = .milliseconds(25)
        let (_, proxy) = try proxied(plan)
        let client = try FaultTestClient(port: proxy.port)
        let start = ContinuousClock.now

        client.send(Array("ping".utf8))
        let echoed = client.receive(count: 4)

        #expect(echoed.bytes == Array("ping".utf8))
        #expect(FaultTestWait.seconds(since: start) >= 0.050)
        #expect(proxy.counters.delayedChunks == 2)
    }

    @Test func bandwidth_pacesEachDirection() throws {
        var plan = FaultPlan()
        plan.bandwidthBytesPerSecond = 10_000
        let (server, proxy) = try proxied(plan, echo: false)
        let client = try FaultTestClient(port: proxy.port)
        let start = ContinuousClock.now

        client.send(bytes(2_000))
        #expect(server.waitUntil { $0.received.count == 2_000 })

        // Pieces of 200 bytes, one per 20 ms: the tenth cannot start before 180 ms.
        let elapsed = FaultTestWait.seconds(since: start)
        #expect(elapsed >= 0.175)
        #expect(elapsed < 2)
    }

    @Test func resetAfterBytes_deliversExactlyThatManyThenResetsBothSides() throws {
        var plan = FaultPlan()
        plan.reset = FaultPlan.Reset(directions: [.request], afterBytes: 100)
        let (server, proxy) = try proxied(plan, echo: false)
        let client = try FaultTestClient(port: proxy.port)

        client.send(bytes(1_000))

        #expect(client.receiveToEnd().ending == .reset)
        #expect(server.waitUntil { $0.endings == [.reset] })
        #expect(server.received == Array(bytes(1_000).prefix(100)))
        #expect(proxy.counters.resets == 1)
        #expect(proxy.counters.requestBytes == 100)
    }

    @Test func resetAfterBytes_inTheResponseCutsTheAnswer() throws {
        var plan = FaultPlan()
        plan.reset = FaultPlan.Reset(directions: [.response], afterBytes: 10)
        let (server, proxy) = try proxied(plan)
        let client = try FaultTestClient(port: proxy.port)
        let payload = bytes(50)

        client.send(payload)
        let answer = client.receiveToEnd()

        #expect(answer.bytes == Array(payload.prefix(10)))
        #expect(answer.ending == .reset)
        #expect(server.received == payload)
        #expect(proxy.counters.resets == 1)
    }

    @Test(arguments: [0.0, 1.0])
    func resetProbability_zeroNeverAndOneOnTheFirstChunk(probability: Double) throws {
        var plan = FaultPlan()
        plan.reset = FaultPlan.Reset(probability: probability)
        let (server, proxy) = try proxied(plan)
        let client = try FaultTestClient(port: proxy.port)

        client.send(Array("hello".utf8))
        let answer = client.receive(count: 5)

        if probability == 0 {
            #expect(answer.bytes == Array("hello".utf8))
            #expect(proxy.counters.resets == 0)
        } else {
            #expect(answer.ending == .reset)
            #expect(server.waitUntil { $0.endings == [.reset] })
            #expect(server.received.isEmpty)
            #expect(proxy.counters.resets == 1)
        }
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func resetProbability_repeatsWithTheSeed(seed: UInt64) throws {
        var plan = FaultPlan()
        plan.seed = seed
        plan.reset = FaultPlan.Reset(probability: 0.4)
        let (_, proxy) = try proxied(plan)

        // One small message per connection is one chunk each way: connection n resets when the
        // first draw of its request stream, or else of its response stream, hits.
        var observed: [Bool] = []
        var predicted: [Bool] = []
        for number in 0..<10 {
            let client = try FaultTestClient(port: proxy.port)
            client.send(Array("step-up".utf8))
            observed.append(client.receive(count: 7).ending == .reset)
            var request = FaultRandom(seed: seed, connection: number, direction: .request)
            var response = FaultRandom(seed: seed, connection: number, direction: .response)
            predicted.append(request.chance(0.4) || response.chance(0.4))
        }

        #expect(observed == predicted)
        #expect(proxy.counters.resets == predicted.filter { $0 }.count)
    }

    @Test func stallForever_holdsTheResponseAfterItsBytesWithoutClosing() throws {
        var plan = FaultPlan()
        plan.stall = FaultPlan.Stall(direction: .response, afterBytes: 5)
        let (server, proxy) = try proxied(plan)
        let client = try FaultTestClient(port: proxy.port)

        client.send(Array("hello world".utf8))

        #expect(client.receive(count: 5).bytes == Array("hello".utf8))
        #expect(client.isQuiet(milliseconds: 40))
        #expect(server.received == Array("hello world".utf8))
        #expect(server.endings.isEmpty)
        #expect(proxy.counters.stalls == 1)
        #expect(proxy.counters.responseBytes == 5)

        // The client giving up ends the stall and frees the connection's descriptors.
        client.close()
        #expect(server.waitUntil { $0.endings == [.endOfStream] })
        #expect(FaultTestWait.until { proxy.openDescriptors == 3 })
    }

    @Test func stallForADuration_resumesAfterIt() throws {
        var plan = FaultPlan()
        plan.stall = FaultPlan.Stall(direction: .response, afterBytes: 5, duration: .milliseconds(40))
        let (_, proxy) = try proxied(plan)
        let client = try FaultTestClient(port: proxy.port)
        let start = ContinuousClock.now

        client.send(Array("hello world".utf8))
        let first = client.receive(count: 5)
        let rest = client.receive(count: 6)

        #expect(first.bytes == Array("hello".utf8))
        #expect(rest.bytes == Array(" world".utf8))
        #expect(FaultTestWait.seconds(since: start) >= 0.040)
        #expect(proxy.counters.stalls == 1)
    }

    @Test func stallOfTheRequest_leavesTheServerWithAPartialRequest() throws {
        var plan = FaultPlan()
        plan.stall = FaultPlan.Stall(direction: .request, afterBytes: 4)
        let (server, proxy) = try proxied(plan)
        let client = try FaultTestClient(port: proxy.port)

        client.send(Array("POST /transfer".utf8))

        #expect(client.receive(count: 4).bytes == Array("POST".utf8))
        #expect(client.isQuiet(milliseconds: 30))
        #expect(server.received == Array("POST".utf8))
        #expect(proxy.counters.stalls == 1)
    }

    @Test func combinedFaults_latencyAndBandwidthAndResetTogether() throws {
        var plan = FaultPlan()
        plan.latency = .milliseconds(5)
        plan.bandwidthBytesPerSecond = 100_000
        plan.reset = FaultPlan.Reset(directions: [.response], afterBytes: 1_000)
        let (_, proxy) = try proxied(plan)
        let client = try FaultTestClient(port: proxy.port)
        let payload = bytes(3_000)

        client.send(payload)
        let answer = client.receiveToEnd()

        #expect(answer.bytes == Array(payload.prefix(1_000)))
        #expect(answer.ending == .reset)
        #expect(proxy.counters.delayedChunks >= 2)
        #expect(proxy.counters.resets == 1)
    }
}
