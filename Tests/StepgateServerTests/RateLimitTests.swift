import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore
import Testing

@testable import StepgateServer

/// `rate_limit.*`: per-address and per-account fixed windows in the store, 429 with
/// `Retry-After`, shared by every node on one database. The test clock starts on a whole minute.
struct RateLimitTests {
    static let address = ("X-Real-IP", "203.0.113.7")

    /// A harness whose per-address limit is `requests` per minute, and `accountLimit` per two minutes
    /// per account (shorter than a flow's life, so a flow outlives a window).
    static func harness(addressLimit requests: Int = 3, accountLimit: Int = 1_000) throws -> Harness {
        try Harness { configuration in
            configuration.rateLimits.ip = RateLimitConfiguration.Limit(requests: requests, window: 60)
            configuration.rateLimits.account = RateLimitConfiguration.Limit(requests: accountLimit, window: 120)
        }
    }

    /// A `/token` request from `address` with a form no client can pass (401 when counted only).
    static func tokenRequest(_ handler: @Sendable (HTTPRequest) -> HTTPResponse, from address: String)
        -> HTTPResponse
    {
        handler(
            HTTPRequest(
                method: .post,
                path: "/token",
                headers: HTTPHeaders([
                    ("X-Real-IP", address), ("Content-Type", "application/x-www-form-urlencoded"),
                ]),
                body: Array("grant_type=authorization_code&client_id=nobody".utf8),
                requestID: "test"
            )
        )
    }

    /// The stored state without the rate-limit counters, which every counted request moves.
    static func stateWithoutCounters(_ harness: Harness) throws -> [String] {
        String(decoding: try harness.snapshot(), as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { !$0.hasPrefix("rate_limit_counters:") }
    }

    @Test func token_overTheAddressLimit_answers429WithRetryAfterAndAnOAuthError() throws {
        let harness = try Self.harness()
        for _ in 0..<3 { #expect(Self.tokenRequest(harness.handler, from: "203.0.113.7").status == 401) }
        harness.clock.advance(by: 15)

        let refused = Self.tokenRequest(harness.handler, from: "203.0.113.7")

        #expect(refused.status == 429)
        #expect(refused.headers["Retry-After"] == "45")
        #expect(refused.headers["Cache-Control"] == "no-store")
        #expect(refused.jsonBody?["error"] == "slow_down")
        #expect(refused.jsonBody?["retry_after"] == 45)
        #expect(harness.provider.metrics.value("stepgate_rate_limited_total", [("scope", "ip")]) == 1)
        #expect(harness.logs.text.contains("rate limit reached"))
        harness.assertLogsHold(none: ["203.0.113.7"])
    }

    @Test func addressLimit_allowsAgainInTheNextWindow() throws {
        let harness = try Self.harness()
        for _ in 0..<4 { _ = Self.tokenRequest(harness.handler, from: "203.0.113.7") }
        harness.clock.advance(by: 59)
        #expect(Self.tokenRequest(harness.handler, from: "203.0.113.7").headers["Retry-After"] == "1")

        harness.clock.advance(by: 1)

        #expect(Self.tokenRequest(harness.handler, from: "203.0.113.7").status == 401)
    }

    @Test func addressLimit_countsEachAddressApart_andIPv6ByItsSlash64() throws {
        let harness = try Self.harness()
        for _ in 0..<3 { _ = Self.tokenRequest(harness.handler, from: "2001:db8:1:2::1") }

        #expect(Self.tokenRequest(harness.handler, from: "2001:db8:1:2:ffff::9").status == 429)
        #expect(Self.tokenRequest(harness.handler, from: "2001:db8:1:3::1").status == 401)
        #expect(Self.tokenRequest(harness.handler, from: "203.0.113.8").status == 401)
    }

    @Test func loginPage_overTheAddressLimit_answersAPlainPage() throws {
        let harness = try Self.harness(addressLimit: 1)
        var browser = harness.browser()
        _ = browser.send(.get, "/login?flow=missing", headers: [Self.address])

        let refused = browser.send(.get, "/login?flow=missing", headers: [Self.address])

        #expect(refused.status == 429)
        #expect(refused.headers["Content-Type"]?.hasPrefix("text/html") == true)
        #expect(refused.headers["Retry-After"] == "60")
        #expect(String(decoding: refused.body, as: UTF8.self).contains("Too many requests"))
    }

    @Test func unlimitedRoutes_andADisabledLimit_areNeverRefused() throws {
        let harness = try Self.harness(addressLimit: 1)
        let off = try Harness { configuration in
            configuration.rateLimits.enabled = false
            configuration.rateLimits.ip = RateLimitConfiguration.Limit(requests: 1, window: 60)
        }
        var browser = harness.browser()
        var other = off.browser()

        for _ in 0..<3 {
            #expect(browser.send(.get, "/jwks.json", headers: [Self.address]).status == 200)
            #expect(browser.send(.get, "/.well-known/openid-configuration", headers: [Self.address]).status == 200)
            #expect(Self.tokenRequest(off.handler, from: "203.0.113.7").status == 401)
            #expect(other.send(.get, "/login?flow=missing", headers: [Self.address]).status == 400)
        }
    }

    @Test func accountLimit_refusesAnswers_whateverTheAddress_andChangesNothingElse() throws {
        let harness = try Self.harness(addressLimit: 1_000, accountLimit: 2)
        for index in 0..<2 {
            var browser = harness.browser()
            let page = harness.open(&browser, harness.authorize(&browser, ClientRequest()).location)
            let carried = ["flow", "csrf", "step"].compactMap { name in page.hiddenField(name).map { (name, $0) } }
            let wrong = browser.send(
                .post,
                "/login",
                form: carried + harness.passwordFields("wrong"),
                headers: [("X-Real-IP", "198.51.100.\(index)")]
            )
            #expect(wrong.status == 400)
        }
        var browser = harness.browser()
        let page = harness.open(&browser, harness.authorize(&browser, ClientRequest()).location)
        let before = try Self.stateWithoutCounters(harness)

        let refused = harness.answer(&browser, page, harness.passwordFields())

        #expect(refused.status == 429)
        #expect(refused.headers["Retry-After"] == "120")
        #expect(try Self.stateWithoutCounters(harness) == before, "no attempt taken, no event, no session change")
        #expect(harness.provider.metrics.value("stepgate_rate_limited_total", [("scope", "account")]) == 1)
        harness.assertLogsHold(none: [Harness.password, "alice"])

        harness.clock.advance(by: 120)
        #expect(harness.answer(&browser, page, harness.passwordFields()).hiddenField("step") == "otp")
    }

    @Test func accountLimit_overTheJSONAPI_isASlowDownError() throws {
        let harness = try Self.harness(addressLimit: 1_000, accountLimit: 1)
        var browser = harness.browser()
        _ = harness.passwordThenState(&browser)

        var second = harness.browser()
        let (_, state) = harness.passwordThenState(&second)

        #expect(state?["error"] == "slow_down")
        #expect(state?["retry_after"] == 120)
    }

    @Test func refusedCodeSend_sendsNothing() throws {
        let harness = try Harness.withDelivery { configuration in
            configuration.rateLimits.account = RateLimitConfiguration.Limit(requests: 1, window: 300)
        }
        try harness.removeTOTP()
        let sms = try harness.addContact()
        var browser = harness.browser()
        let (flow, state) = harness.passwordThenState(&browser)
        #expect(state?["next"] == "sms")
        let before = try Self.stateWithoutCounters(harness)

        let refused = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(flow), "step": "sms", "factor": .string(sms), "send": true]
        )

        #expect(refused.status == 429)
        #expect(refused.jsonBody?["error"] == "slow_down")
        #expect(harness.messages().isEmpty)
        #expect(try Self.stateWithoutCounters(harness) == before)
    }

    @Test func limits_areSharedByTwoProvidersOnOneStore() throws {
        let harness = try Self.harness()
        let (store, masterKey) = try Service.open(harness.configuration)
        defer { store.close() }
        let second = try Provider(
            configuration: harness.configuration,
            store: store,
            masterKey: masterKey,
            clock: harness.clock,
            logger: Logger(label: "second", handler: harness.logs, minimumLevel: .trace)
        ).makeHandler()

        #expect(Self.tokenRequest(harness.handler, from: "203.0.113.7").status == 401)
        #expect(Self.tokenRequest(second, from: "203.0.113.7").status == 401)
        #expect(Self.tokenRequest(harness.handler, from: "203.0.113.7").status == 401)

        let refused = Self.tokenRequest(second, from: "203.0.113.7")

        #expect(refused.status == 429)
        #expect(refused.headers["Retry-After"] == "60")
        #expect(Self.tokenRequest(harness.handler, from: "203.0.113.7").status == 429)
    }

    @Test func decide_isUnlimitedByDefault_andLimitedWhenConfigured() throws {
        let unlimited = try Self.harness(addressLimit: 1)
        let limited = try Harness { configuration in
            configuration.rateLimits.decide = RateLimitConfiguration.Limit(requests: 1, window: 60)
        }
        func decide(_ harness: Harness) -> HTTPResponse {
            harness.handler(
                HTTPRequest(
                    method: .get,
                    path: "/decide",
                    headers: HTTPHeaders([
                        ("X-Original-Method", "GET"), ("X-Original-URI", "/"), Self.address,
                    ]),
                    requestID: "test"
                )
            )
        }

        for _ in 0..<3 { #expect(decide(unlimited).status != 429) }
        #expect(decide(limited).status != 429)
        let refused = decide(limited)
        #expect(refused.status == 429)
        #expect(refused.headers["Retry-After"] == "60")
    }
}
