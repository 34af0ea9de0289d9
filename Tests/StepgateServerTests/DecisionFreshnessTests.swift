import Foundation
import StepgateCore
import StepgateStore
import Testing

@testable import StepgateServer

/// `/decide` reads the store afresh for every request: a change committed between two
/// decisions (by this node, another node or the command line) decides the next one.
@Suite struct DecisionFreshnessTests {
    @Test func disablingTheUser_endsTheSession_atTheNextDecision() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        #expect(browser.decide(Forwarded()).status == 200)

        #expect(try harness.store.setUserDisabled(id: harness.alice.id, disabled: true))
        let refused = browser.decide(Forwarded())
        #expect(refused.status == 401)
        #expect(refused.headers["X-Stepgate-User"] == nil)
        #expect(refused.headers["X-Stepgate-Decision"] == "step_up")
    }

    @Test func deletedSession_isSignedOut_atTheNextDecision() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        #expect(browser.decide(Forwarded()).status == 200)
        let value = try #require(browser.cookies[harness.provider.sessionCookieName])

        try harness.store.deleteSession(idHash: SecretHash.hash(value))
        #expect(browser.decide(Forwarded()).status == 401)
    }

    @Test func expiredSession_isChallenged() throws {
        let harness = try BankPolicy.harness { $0.sessionLifetime = 3_600 }
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        #expect(browser.decide(Forwarded()).status == 200)

        harness.clock.advance(by: 3_601)
        #expect(browser.decide(Forwarded()).status == 401)
    }

    @Test func failuresRecordedBetweenDecisions_countAtTheNextOne() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        _ = browser.decide(Forwarded())
        for _ in 0..<3 { try harness.store.recordFailure(userID: harness.alice.id, at: harness.clock.now) }

        _ = browser.decide(Forwarded())

        let records = try harness.auditRecords().filter { $0.kind == "decision.allowed" }
        #expect(records.count == 2)
        #expect(records.first?.fields[AuditKey.riskReasons]?.contains("auth.recent_failures") == false)
        #expect(records.last?.fields[AuditKey.riskReasons]?.contains("auth.recent_failures") == true)
    }

    @Test func unmatchedRequest_allowedWhenConfigured_carriesTheUsersName() throws {
        let harness = try BankPolicy.harness { $0.unmatchedRequests = .allow }
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))

        let response = browser.decide(Forwarded(uri: "/bank/about"))

        #expect(response.status == 200)
        #expect(response.headers["X-Stepgate-User"] == harness.alice.id)
        #expect(response.headers["X-Stepgate-User-Name"] == "alice")
        #expect(response.headers["X-Stepgate-Risk"] == nil)
    }
}
