import Testing

@testable import StepgateCore

@Suite struct RiskConfigurationTests {
    @Test func defaults_areValid() throws {
        #expect(RiskConfiguration().problems.isEmpty)
        _ = try RiskConfiguration().validated()
    }

    @Test func validated_listsEveryProblemAtOnce() {
        var configuration = RiskConfiguration()
        configuration.points.deviceNew = 101
        configuration.points.networkAllowed = 5
        configuration.points.sessionOld = -1
        configuration.impossibleTravelSpeedKmh = 0
        configuration.impossibleTravelMinimumDistanceKm = -1
        configuration.networkPrefixV4 = 33
        configuration.networkPrefixV6 = -1
        configuration.velocityWindow = .nan
        configuration.velocityLimit = 0
        configuration.amountOverMaximumFactor = 0.5
        configuration.amountOverMedianFactor = .nan
        configuration.amountHistory = 0
        configuration.sessionMaxAge = 0
        configuration.sessionMaxIdle = -5
        configuration.failureWindow = .infinity
        configuration.failureThreshold = 0
        configuration.allowedNetworks = [IPNetwork("10.0.0.0/8")!]
        configuration.deniedNetworks = [IPNetwork("10.0.0.0/8")!]

        let error = #expect(throws: RiskConfigurationError.self) { _ = try RiskEngine(configuration: configuration) }

        let keys = [
            "risk.points.device.new", "risk.points.network.allowed", "risk.points.session.old",
            "risk.travel.max_speed_kmh", "risk.travel.min_distance_km", "risk.network.prefix_v4",
            "risk.network.prefix_v6", "risk.velocity.window", "risk.velocity.limit", "risk.amount.over_maximum",
            "risk.amount.over_median", "risk.amount.history", "risk.session.max_age", "risk.session.max_idle",
            "risk.failures.window",
            "risk.failures.threshold", "risk.networks.allow",
        ]
        #expect(error?.problems.count == keys.count)
        for key in keys {
            #expect(error?.problems.contains { $0.hasPrefix(key + ":") } == true, "\(key)")
        }
        #expect(error?.description.hasPrefix("invalid risk configuration:") == true)
    }

    @Test func networks_reportsEachBadEntryByPosition() {
        let (networks, problems) = RiskConfiguration.networks(
            ["10.0.0.0/8", "10.0.0.1/8", "2001:db8::/32", "nonsense"],
            key: "risk.networks.deny"
        )
        #expect(networks.map(\.description) == ["10.0.0.0/8", "2001:db8::/32"])
        #expect(problems.count == 2)
        #expect(problems[0].hasPrefix("risk.networks.deny entry 2:"))
        #expect(problems[1].hasPrefix("risk.networks.deny entry 4:"))
    }

    @Test func points_subscriptReadsAndWritesEachCode() {
        var points = RiskPoints()
        for (index, code) in RiskReason.Code.allCases.enumerated() { points[code] = index }
        #expect(RiskReason.Code.allCases.map { points[$0] } == Array(0..<RiskReason.Code.allCases.count))
        #expect(points.amountFirst == 13)
        #expect(points.deviceRemembered == 2)
    }
}
