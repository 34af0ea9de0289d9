import Foundation
import StepgateCore
import StepgateHTTP
import Testing

@testable import StepgateServer

/// `http.trusted_proxies`: whose `X-Real-IP` and `X-Forwarded-For` are believed (for the rate
/// limits and the decision's risk), and who may call `/decide` at all.
@Suite struct TrustedProxyTests {
    static let internalProxies = [IPNetwork("10.0.0.0/8")!] + ForwardedRequest.loopback

    static func clientIP(_ headers: [(String, String)], peer: String?, trusted: [IPNetwork] = internalProxies)
        -> String?
    {
        ForwardedRequest.clientIP(HTTPHeaders(headers), peer: peer, trustedProxies: trusted)
    }

    @Test func clientIP_fromATrustedPeer_isWhatTheProxySays() {
        #expect(Self.clientIP([("X-Real-IP", "203.0.113.7")], peer: "127.0.0.1") == "203.0.113.7")
        #expect(Self.clientIP([("X-Real-IP", " 203.0.113.7 ")], peer: "10.1.2.3") == "203.0.113.7")
        #expect(Self.clientIP([("X-Real-IP", "203.0.113.7")], peer: "::1") == "203.0.113.7")
        #expect(Self.clientIP([("X-Real-IP", "203.0.113.7")], peer: "::ffff:127.0.0.1") == "203.0.113.7")
        #expect(Self.clientIP([], peer: "10.1.2.3") == "10.1.2.3", "no header: the peer")
    }

    @Test func clientIP_fromAnUntrustedPeer_isThePeer_whateverTheHeadersSay() {
        let headers = [("X-Real-IP", "203.0.113.7"), ("X-Forwarded-For", "203.0.113.8")]
        #expect(Self.clientIP(headers, peer: "198.51.100.20") == "198.51.100.20")
        #expect(Self.clientIP(headers, peer: "127.0.0.1", trusted: []) == "127.0.0.1", "none trusted")
        #expect(Self.clientIP(headers, peer: "not an address") == "not an address")
    }

    @Test func clientIP_inAForwardedChain_isTheLastEntryThatIsNotAProxy() {
        // The client wrote the first two entries itself; the proxy at 10.0.0.2 appended the
        // address it saw (203.0.113.7) and the one at 10.0.0.1 appended 10.0.0.2.
        let chain = [("X-Forwarded-For", "192.0.2.1, 192.0.2.2, 203.0.113.7, 10.0.0.2")]
        #expect(Self.clientIP(chain, peer: "10.0.0.1") == "203.0.113.7")
        let split = [("X-Forwarded-For", "192.0.2.1"), ("X-Forwarded-For", "203.0.113.7,10.0.0.2")]
        #expect(Self.clientIP(split, peer: "10.0.0.1") == "203.0.113.7", "header lines read as one list")
        #expect(Self.clientIP([("X-Forwarded-For", "10.0.0.3, 10.0.0.2")], peer: "10.0.0.1") == "10.0.0.3")
        #expect(Self.clientIP([("X-Forwarded-For", "junk, 10.0.0.2")], peer: "10.0.0.1") == "junk")
        #expect(Self.clientIP([("X-Forwarded-For", " , ")], peer: "10.0.0.1") == "10.0.0.1")
    }

    @Test func clientIP_inProcess_believesTheHeaders() {
        #expect(Self.clientIP([("X-Real-IP", "203.0.113.7")], peer: nil, trusted: []) == "203.0.113.7")
    }

    @Test func decide_fromAnUntrustedCaller_is403_evenWithASession_andNothingIsWritten() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2"))
        let sessionCookies = Array(browser.cookies.values)
        browser.peer = "198.51.100.20"
        let before = try harness.snapshot()

        let refused = browser.decide(Forwarded(ip: "127.0.0.1"))

        #expect(refused.status == 403)
        #expect(refused.jsonBody?["error"] == "untrusted_proxy")
        #expect(refused.headers["Cache-Control"] == "no-store")
        #expect(refused.headers["X-Stepgate-User"] == nil)
        #expect(try harness.snapshot() == before)
        let warning = harness.logs.entries.first { $0.message.hasPrefix("decision refused: the caller") }
        #expect(warning?.metadata[LogKey.peerAddress] == "198.51.100.20")
        harness.assertLogsHold(none: sessionCookies)

        browser.peer = "127.0.0.1"
        #expect(browser.decide(Forwarded()).status == 200)
    }

    @Test func decide_fromAConfiguredProxy_readsTheClientAddressItSends() throws {
        let harness = try BankPolicy.harness { configuration in
            configuration.trustedProxies = [IPNetwork("10.0.0.0/8")!]
            configuration.risk.deniedNetworks = [IPNetwork("203.0.113.0/24")!]
        }
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2"))
        browser.peer = "10.1.2.3"

        let denied = browser.decide(Forwarded(ip: "203.0.113.9"))
        #expect(denied.status == 403)
        #expect(denied.headers["X-Stepgate-Reason"] == "network_denied")
        #expect(browser.decide(Forwarded(ip: "198.51.100.7")).status == 200)

        browser.peer = "127.0.0.1"
        let loopback = browser.decide(Forwarded())
        #expect(loopback.status == 403, "loopback is trusted only by default")
        #expect(loopback.jsonBody?["error"] == "untrusted_proxy")
    }

    /// A `/token` request that no client can pass (401), from `peer`, naming `claimed` as the
    /// client.
    static func tokenRequest(_ harness: Harness, peer: String, _ headers: [(String, String)]) -> HTTPResponse {
        harness.handler(
            HTTPRequest(
                method: .post,
                path: "/token",
                headers: HTTPHeaders(headers + [("Content-Type", "application/x-www-form-urlencoded")]),
                body: Array("grant_type=authorization_code&client_id=nobody".utf8),
                remoteAddress: peer,
                requestID: "test"
            )
        )
    }

    @Test func rateLimit_aDirectClient_cannotChooseTheAddressItIsCountedAs() throws {
        let harness = try RateLimitTests.harness()
        for index in 0..<3 {
            let response = Self.tokenRequest(harness, peer: "198.51.100.20", [("X-Real-IP", "192.0.2.\(index)")])
            #expect(response.status == 401)
        }
        let refused = Self.tokenRequest(harness, peer: "198.51.100.20", [("X-Real-IP", "192.0.2.99")])
        #expect(refused.status == 429)
        #expect(Self.tokenRequest(harness, peer: "198.51.100.21", []).status == 401, "another peer, its own count")
    }

    @Test func rateLimit_behindAProxy_countsEachClientByItsOwnAddress() throws {
        let harness = try RateLimitTests.harness()
        for index in 0..<6 {
            let response = Self.tokenRequest(harness, peer: "127.0.0.1", [("X-Real-IP", "192.0.2.\(index)")])
            #expect(response.status == 401)
        }
        // Prepending addresses to X-Forwarded-For does not escape the count: the proxy's entry
        // is the one read.
        for index in 0..<3 {
            let chain = [("X-Forwarded-For", "192.0.2.\(100 + index), 203.0.113.7")]
            #expect(Self.tokenRequest(harness, peer: "127.0.0.1", chain).status == 401)
        }
        let chain = [("X-Forwarded-For", "192.0.2.200, 203.0.113.7")]
        #expect(Self.tokenRequest(harness, peer: "127.0.0.1", chain).status == 429)
    }

    @Test func configuration_readsTheNetworks_none_andReportsABadEntryByKey() throws {
        let tests = ConfigurationTests()
        #expect(try tests.load(nil).trustedProxies == ForwardedRequest.loopback)
        let listed = try tests.load("[http]\ntrusted_proxies = 10.0.0.5, 10.1.0.0/16 fd00::/8\n")
        #expect(listed.trustedProxies == [IPNetwork("10.0.0.5")!, IPNetwork("10.1.0.0/16")!, IPNetwork("fd00::/8")!])
        #expect(try tests.load(nil, environment: ["STEPGATE_HTTP_TRUSTED_PROXIES": "none"]).trustedProxies == [])
        let problems = tests.problems("[http]\ntrusted_proxies = 10.0.0.1/8\n")
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("http.trusted_proxies entry 1") == true)
    }
}
