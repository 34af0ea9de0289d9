import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore
import Testing

@testable import StepgateServer

/// `/decide`: allow, challenge (RFC 9470 or a step-up page) and deny, each path on its own.
@Suite struct DecisionTests {
    @Test func signedInAtLevel_isAllowed_withIdentityHeaders() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        let response = browser.decide(Forwarded())
        #expect(response.status == 200)
        #expect(response.headers["X-Stepgate-User"] == harness.alice.id)
        #expect(response.headers["X-Stepgate-User-Name"] == "alice")
        #expect(response.headers["X-Stepgate-Acr"] == "aal1")
        #expect(response.headers["X-Stepgate-Amr"] == "pwd")
        #expect(response.headers["X-Stepgate-Decision"] == "allow")
        #expect(response.headers["X-Stepgate-Action"] == "balance")
        #expect(response.headers["Cache-Control"] == "no-store")
        let authTime = try #require(response.headers["X-Stepgate-Auth-Time"].flatMap { Int64($0) })
        #expect(abs(TimeInterval(authTime) - harness.clock.now.timeIntervalSince1970) < 5)
    }

    @Test func noSession_apiClient_getsTheRFC9470Challenge_andNothingIsWritten() throws {
        let harness = try BankPolicy.harness()
        var client = harness.browser()
        let before = try harness.snapshot()
        let response = client.decide(Forwarded(method: "POST", uri: "/bank/payees"))
        #expect(response.status == 401)
        #expect(
            response.headers["WWW-Authenticate"]
                == #"Bearer error="insufficient_user_authentication", error_description="A stronger or more recent authentication is required", acr_values="aal2", max_age=300"#
        )
        #expect(response.location == nil)
        #expect(response.jsonBody?["error"]?.stringValue == "insufficient_user_authentication")
        #expect(response.jsonBody?["acr_values"]?.stringValue == "aal2")
        #expect(response.jsonBody?["max_age"]?.integerValue == 300)
        #expect(response.headers["X-Stepgate-Decision"] == "step_up")
        #expect(try harness.snapshot() == before)
    }

    @Test func noSession_browser_isSentToTheStepUpPage() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        let response = browser.decide(Forwarded(html: true))
        #expect(response.status == 401)
        let location = try #require(response.location)
        #expect(location.hasPrefix("https://id.example/stepup?ticket="))
        #expect(response.headers["WWW-Authenticate"]?.contains(#"acr_values="aal1""#) == true)

        let done = harness.stepUp(&browser, from: response)
        #expect(done.status == 303)
        #expect(done.location == "/bank/balance")
        #expect(browser.decide(Forwarded()).status == 200)
    }

    @Test func levelTooLow_isChallengedForTheHigherLevel() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        let response = browser.decide(Forwarded(method: "GET", uri: "/bank/statements/2026/11.pdf"))
        #expect(response.status == 401)
        #expect(response.headers["WWW-Authenticate"]?.contains(#"acr_values="aal2""#) == true)
        #expect(response.headers["WWW-Authenticate"]?.contains("max_age") == false)
    }

    @Test func authTimeOlderThanMaxAge_isChallengedAgain() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2"))
        let payee = Forwarded(method: "POST", uri: "/bank/payees")
        #expect(browser.decide(payee).status == 200)
        harness.clock.advance(by: 301)
        let stale = browser.decide(payee)
        #expect(stale.status == 401)
        #expect(stale.headers["WWW-Authenticate"]?.contains("max_age=300") == true)
        // A fresh second factor within the window lets it through again.
        var html = payee
        html.html = true
        let done = harness.stepUp(&browser, from: browser.decide(html))
        #expect(done.status == 303)
        #expect(browser.decide(payee).status == 200)
    }

    @Test func unsafePath_isDenied_whateverTheProof() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2"))
        for uri in ["/bank//payees", "/bank/./balance", "/bank/%2e%2e/balance", "/bank/balance;x"] {
            let response = browser.decide(Forwarded(uri: uri))
            #expect(response.status == 403, "\(uri)")
            #expect(response.headers["X-Stepgate-Reason"] == "unsafe_path")
        }
    }

    @Test func unmatchedRequest_isDeniedByDefault_andAllowedWhenConfigured() throws {
        let strict = try BankPolicy.harness()
        var browser = strict.browser()
        let denied = browser.decide(Forwarded(uri: "/bank/about"))
        #expect(denied.status == 403)
        #expect(denied.headers["X-Stepgate-Reason"] == "no_action")

        let open = try BankPolicy.harness { $0.unmatchedRequests = .allow }
        var other = open.browser()
        #expect(other.decide(Forwarded(uri: "/bank/about")).status == 200)
        _ = open.signIn(&other, ClientRequest(acr: "aal1"))
        #expect(other.decide(Forwarded(uri: "/bank/about")).headers["X-Stepgate-User"] == open.alice.id)
    }

    @Test func noPolicy_deniesEveryRequest() throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2"))
        let response = browser.decide(Forwarded())
        #expect(response.status == 403)
        #expect(response.headers["X-Stepgate-Reason"] == "no_policy")
    }

    @Test(arguments: [
        [("X-Original-URI", "/bank/balance")],
        [("X-Original-Method", "GET")],
        [("X-Original-Method", "get"), ("X-Original-URI", "/bank/balance")],
        [("X-Original-Method", "GET"), ("X-Original-URI", "bank/balance")],
        [("X-Original-Method", "GET"), ("X-Original-URI", "/bank/balance#x")],
        [("X-Original-Method", "GET"), ("X-Original-URI", "/bank/bal ance")],
    ])
    func malformedForwardedHeaders_areABadRequest(_ headers: [(String, String)]) throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        let before = try harness.snapshot()
        let response = browser.send(.get, "/decide", headers: headers + [("X-Real-IP", "198.51.100.7")])
        #expect(response.status == 400)
        #expect(response.jsonBody?["error"]?.stringValue == "invalid_request")
        #expect(try harness.snapshot() == before)
    }

    @Test func missingClientAddress_isABadRequest() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        let response = browser.send(
            .get,
            "/decide",
            headers: [("X-Original-Method", "GET"), ("X-Original-URI", "/bank/balance"), ("X-Real-IP", "not-an-ip")]
        )
        #expect(response.status == 400)
    }

    @Test func bearerTokenThatDoesNotVerify_isInvalidToken() throws {
        let harness = try BankPolicy.harness()
        var client = harness.browser()
        for token in ["garbage", "a.b.c", ""] {
            let response = client.decide(Forwarded(bearer: token))
            #expect(response.status == 401)
            #expect(response.headers["WWW-Authenticate"] == #"Bearer error="invalid_token""#)
        }
    }

    @Test func bearerToken_atTheLevel_isAllowed_andStaleOneIsChallenged() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        let request = ClientRequest(acr: "aal2")
        let location = harness.signIn(&browser, request)
        let token = try #require(harness.redeem(location, request).jsonBody?["access_token"]?.stringValue)
        var client = harness.browser()
        let payee = Forwarded(method: "POST", uri: "/bank/payees", bearer: token)
        let allowed = client.decide(payee)
        #expect(allowed.status == 200)
        #expect(allowed.headers["X-Stepgate-Acr"] == "aal2")
        #expect(allowed.headers["X-Stepgate-Amr"] == "pwd otp mfa")
        harness.clock.advance(by: 301)
        let stale = client.decide(payee)
        #expect(stale.status == 401)
        #expect(stale.headers["WWW-Authenticate"]?.contains("insufficient_user_authentication") == true)
        // A token never gets a browser redirect, even when the client accepts HTML.
        var html = payee
        html.html = true
        #expect(client.decide(html).location == nil)
    }

    @Test func tokenOfADisabledUser_isInvalid() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        let request = ClientRequest(acr: "aal1")
        let location = harness.signIn(&browser, request)
        let token = try #require(harness.redeem(location, request).jsonBody?["access_token"]?.stringValue)
        _ = try harness.store.setUserDisabled(id: harness.alice.id, disabled: true)
        var client = harness.browser()
        #expect(client.decide(Forwarded(bearer: token)).status == 401)
    }

    @Test func deniedNetwork_isDenied_evenWithProof() throws {
        let harness = try BankPolicy.harness { $0.risk.deniedNetworks = [IPNetwork("203.0.113.0/24")!] }
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2"))
        let response = browser.decide(Forwarded(ip: "203.0.113.9"))
        #expect(response.status == 403)
        #expect(response.headers["X-Stepgate-Reason"] == "network_denied")
        #expect(browser.decide(Forwarded(ip: "198.51.100.7")).status == 200)
    }

    @Test func decisions_areAudited_withReasonsAndWithoutSecrets() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        _ = browser.decide(Forwarded())
        _ = browser.decide(Forwarded(method: "POST", uri: "/bank/payees"))
        _ = browser.decide(Forwarded(uri: "/bank//x"))
        let records = try harness.auditRecords().filter { $0.kind.hasPrefix("decision.") }
        #expect(records.map(\.kind) == ["decision.allowed", "decision.challenged", "decision.denied"])
        #expect(records[0].fields[AuditKey.action] == "balance")
        #expect(records[0].fields[AuditKey.acr] == "aal1")
        #expect(records[0].fields[AuditKey.riskReasons]?.contains("device.new") == true)
        #expect(records[1].fields[AuditKey.requestedACR] == "aal2")
        #expect(records[2].fields[AuditKey.reason] == "unsafe_path")
        let session = try #require(browser.cookies[harness.provider.sessionCookieName])
        let text = records.map { $0.fields.values.joined(separator: " ") }.joined(separator: " ")
        #expect(!text.contains(session))
        harness.assertLogsHold(none: [session, Harness.password])
    }

    @Test func secondFactor_makesTheDeviceKnown_toTheRiskEngine() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        #expect(browser.cookies[harness.provider.deviceCookieName] == nil)  // a password alone makes no device known
        let first = browser.decide(Forwarded())
        #expect(first.status == 200)
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2", prompt: "login"))
        #expect(browser.cookies[harness.provider.deviceCookieName] != nil)
        _ = try harness.auditRecords()
        let second = browser.decide(Forwarded())
        let records = try harness.auditRecords().filter { $0.kind == "decision.allowed" }
        #expect(records.first?.fields[AuditKey.riskReasons]?.contains("device.new") == true)
        #expect(records.last?.fields[AuditKey.riskReasons]?.contains("device.new") == false)
        #expect(second.status == 200)
    }
}
