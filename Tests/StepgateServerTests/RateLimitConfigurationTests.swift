import Foundation
import Testing

@testable import StepgateServer

/// The `rate_limit.*` keys: defaults, file and environment, and every refused value named.
@Suite struct RateLimitConfigurationTests {
    func load(_ text: String, environment: [String: String] = [:]) throws -> ServerConfiguration {
        let path = NSTemporaryDirectory() + "stepgate-config-" + UUID().uuidString
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try ServerConfiguration.load(.init(filePath: path, environment: environment))
    }

    @Test func defaults_limitAddressesAndAccounts_butNotDecide() throws {
        let limits = try load("").rateLimits

        #expect(limits.enabled)
        #expect(limits.ip == RateLimitConfiguration.Limit(requests: 300, window: 60))
        #expect(limits.account == RateLimitConfiguration.Limit(requests: 30, window: 300))
        #expect(limits.decide == nil)
    }

    @Test func fileAndEnvironment_setEveryKey() throws {
        let limits = try load(
            """
            [rate_limit]
            ip.requests = 50
            ip.window = 10s
            account.requests = 5
            decide.requests = 1000
            """,
            environment: [
                "STEPGATE_RATE_LIMIT_ACCOUNT_WINDOW": "1h", "STEPGATE_RATE_LIMIT_IP_REQUESTS": "70",
                "STEPGATE_RATE_LIMIT_ENABLED": "false",
            ]
        ).rateLimits

        #expect(limits.enabled == false)
        #expect(limits.ip == RateLimitConfiguration.Limit(requests: 70, window: 10))
        #expect(limits.account == RateLimitConfiguration.Limit(requests: 5, window: 3_600))
        #expect(limits.decide == RateLimitConfiguration.Limit(requests: 1_000, window: 60))
    }

    @Test func badValues_areEachReportedWithTheirKey() {
        let text = """
            rate_limit.enabled = sometimes
            rate_limit.ip.requests = 0
            rate_limit.account.window = 2d
            rate_limit.decide.requests = -1
            rate_limit.decide.window = soon
            """
        var problems: [String] = []
        do {
            _ = try load(text)
        } catch {
            problems = (error as? ConfigurationError)?.problems ?? []
        }

        #expect(problems.count == 5)
        for key in [
            "rate_limit.enabled", "rate_limit.ip.requests", "rate_limit.account.window", "rate_limit.decide.requests",
            "rate_limit.decide.window",
        ] {
            #expect(problems.contains { $0.hasPrefix(key + " ") }, "\(key)")
        }
    }
}
