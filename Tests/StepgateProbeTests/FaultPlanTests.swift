import Testing

@testable import StepgateProbe

/// The `network:` settings and the seeded draws.
@Suite struct FaultPlanTests {
    @Test func settings_empty_isThePassThroughPlan() throws {
        let plan = try FaultPlan(settings: [:])
        #expect(plan == FaultPlan())
        #expect(plan.isPassThrough)
        #expect(plan.problems.isEmpty)
    }

    @Test func settings_everyKey_mapsToItsField() throws {
        let plan = try FaultPlan(settings: [
            "seed": "42",
            "latency_ms": "50",
            "jitter_ms": "20",
            "bandwidth_kbps": "256",
            "reset_after_bytes": "4096",
            "reset_probability": "0.01",
            "reset_direction": "response",
            "stall.direction": "request",
            "stall.after_bytes": "10",
            "stall.duration_ms": "5000",
            "drop_response_after_server": "reset",
        ])

        #expect(plan.seed == 42)
        #expect(plan.latency == .milliseconds(50))
        #expect(plan.jitter == .milliseconds(20))
        #expect(plan.bandwidthBytesPerSecond == 32_000)
        #expect(plan.reset == FaultPlan.Reset(directions: [.response], afterBytes: 4096, probability: 0.01))
        #expect(plan.stall == FaultPlan.Stall(direction: .request, afterBytes: 10, duration: .milliseconds(5000)))
        #expect(plan.dropResponse == FaultPlan.DropResponse(ending: .reset))
        #expect(!plan.isPassThrough)
    }

    @Test func settings_defaults_resetBothWaysStallTheResponseForeverDropByClosing() throws {
        let plan = try FaultPlan(settings: [
            "reset_probability": "0.5",
            "stall.after_bytes": "0",
            "drop_response_after_server": "true",
        ])
        #expect(plan.reset?.directions == [.request, .response])
        #expect(plan.stall == FaultPlan.Stall(direction: .response, afterBytes: 0, duration: nil))
        #expect(plan.dropResponse?.ending == .close)
        #expect(try FaultPlan(settings: ["stall.duration_ms": "forever"]).stall?.duration == nil)
        #expect(try FaultPlan(settings: ["drop_response_after_server": "false"]).dropResponse == nil)
    }

    @Test func settings_everyProblem_isListedWithItsKey() {
        #expect {
            try FaultPlan(settings: [
                "latency_ms": "-5",
                "jitter_ms": "soon",
                "bandwidth_kbps": "0",
                "reset_probability": "1.5",
                "stall.duration_ms": "0",
                "stall.direction": "sideways",
                "drop_response_after_server": "maybe",
                "latency": "50",
            ])
        } throws: { error in
            guard let error = error as? FaultPlanError, error.code == .invalidSettings else { return false }
            let keys = [
                "latency_ms:", "jitter_ms:", "bandwidth_kbps:", "reset_probability:", "stall.duration_ms:",
                "stall.direction:", "drop_response_after_server:", "latency: unknown key",
            ]
            return error.problems.count == keys.count
                && keys.allSatisfy { key in error.problems.contains { $0.hasPrefix("network." + key) } }
        }
    }

    @Test func settings_resetDirectionAlone_isAProblem() {
        #expect {
            try FaultPlan(settings: ["reset_direction": "request"])
        } throws: { error in
            (error as? FaultPlanError)?.problems.first?.hasPrefix("network.reset_direction:") == true
        }
    }

    @Test func settings_problemQuotesAtMost32Characters() {
        let long = String(repeating: "x", count: 100)
        let shown = String(repeating: "x", count: 32) + "…"
        #expect {
            try FaultPlan(settings: ["latency_ms": long])
        } throws: { error in
            (error as? FaultPlanError)?.problems == [
                "network.latency_ms: expected a whole number from 0 to 600000, got \"\(shown)\""
            ]
        }
    }

    @Test func random_sameSeedAndStream_repeats() {
        var first = FaultRandom(seed: 7, connection: 3, direction: .response)
        var second = FaultRandom(seed: 7, connection: 3, direction: .response)
        #expect((0..<16).map { _ in first.next() } == (0..<16).map { _ in second.next() })
    }

    @Test func random_otherSeedConnectionOrDirection_differs() {
        func draws(_ seed: UInt64, _ connection: Int, _ direction: FaultDirection) -> [UInt64] {
            var random = FaultRandom(seed: seed, connection: connection, direction: direction)
            return (0..<4).map { _ in random.next() }
        }
        let base = draws(7, 3, .response)
        #expect(base != draws(8, 3, .response))
        #expect(base != draws(7, 4, .response))
        #expect(base != draws(7, 3, .request))
    }

    @Test func random_jitterStaysWithinItsSpreadAndNeverBelowZero() {
        var random = FaultRandom(seed: 1, stream: 0)
        let delays = (0..<1000).map { _ in random.jittered(.milliseconds(50), spread: .milliseconds(20)) }
        #expect(delays.allSatisfy { $0 >= .milliseconds(30) && $0 <= .milliseconds(70) })
        #expect(delays.contains { $0 < .milliseconds(40) } && delays.contains { $0 > .milliseconds(60) })
        let clamped = (0..<1000).map { _ in random.jittered(.milliseconds(5), spread: .milliseconds(20)) }
        #expect(clamped.allSatisfy { $0 >= .zero } && clamped.contains(.zero))
    }

    @Test func random_chanceFollowsItsProbability() {
        var random = FaultRandom(seed: 99, stream: 1)
        let hits = (0..<10_000).filter { _ in random.chance(0.25) }.count
        #expect((2_200...2_800).contains(hits))
        #expect(!random.chance(0) && random.chance(1))
    }
}
