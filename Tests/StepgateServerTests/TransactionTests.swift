import Dispatch
import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore
import StepgateTestSupport
import Synchronization
import Testing

@testable import StepgateServer

/// Transaction-bound step-up: a grant moves exactly the approved transfer, once.
@Suite struct TransactionTests {
    static func transfer(_ amount: String = "10.50", _ payee: String = "alice", html: Bool = false) -> Forwarded {
        Forwarded(method: "POST", uri: "/bank/transfers", html: html, body: BankPolicy.transfer(amount, payee))
    }

    /// A browser signed in at `aal1` that stepped up for `transfer()` and holds its grant.
    static func approvedBrowser(_ harness: Harness) -> Browser {
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        let challenge = browser.decide(transfer(html: true))
        #expect(challenge.status == 401)
        let done = harness.stepUp(&browser, from: challenge)
        #expect(done.status == 303)
        return browser
    }

    @Test func transfer_withoutStepUp_isChallenged_thenGoesThroughOnce() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        let before = try harness.snapshot()
        let challenge = browser.decide(Self.transfer(html: true))
        #expect(challenge.status == 401)
        #expect(challenge.headers["WWW-Authenticate"]?.contains(#"acr_values="aal2""#) == true)
        #expect(try harness.snapshot() == before)

        let approval = harness.stepUp(&browser, from: challenge)
        #expect(approval.status == 303)
        let allowed = browser.decide(Self.transfer())
        #expect(allowed.status == 200)
        #expect(allowed.headers["X-Stepgate-Transaction"] == Self.hash("10.5", "alice"))
        #expect(allowed.headers["X-Stepgate-Acr"] == "aal2")

        let again = browser.decide(Self.transfer())
        #expect(again.status == 401)
        let kinds = try harness.auditRecords().map(\.kind)
        #expect(kinds.filter { $0 == "grant.consumed" }.count == 1)
    }

    @Test func grant_refusesAnotherAmountOrPayee_andStaysForTheRightOne() throws {
        let harness = try BankPolicy.harness()
        var browser = Self.approvedBrowser(harness)
        #expect(browser.decide(Self.transfer("10000")).status == 401)
        #expect(browser.decide(Self.transfer("10.51")).status == 401)
        #expect(browser.decide(Self.transfer("10.50", "mallory")).status == 401)
        // The same transfer spelled another way is the same transaction.
        #expect(browser.decide(Self.transfer("1.050e1")).status == 200)
    }

    @Test func grant_isNotUsableByAnotherSession() throws {
        let harness = try BankPolicy.harness()
        _ = Self.approvedBrowser(harness)
        var other = harness.browser()
        harness.clock.advance(by: 31)
        _ = harness.signIn(&other, ClientRequest(acr: "aal2"))
        #expect(other.decide(Self.transfer()).status == 401)
    }

    @Test func grant_racedTwice_letsExactlyOneThrough() throws {
        let harness = try BankPolicy.harness()
        let browser = Self.approvedBrowser(harness)
        let allowed = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            var copy = browser
            if copy.decide(Self.transfer()).status == 200 { allowed.add(1, ordering: .relaxed) }
        }
        #expect(allowed.load(ordering: .relaxed) == 1)
    }

    @Test func grant_expires() throws {
        let harness = try BankPolicy.harness()
        var browser = Self.approvedBrowser(harness)
        harness.clock.advance(by: harness.configuration.transactionGrantLifetime + 1)
        #expect(browser.decide(Self.transfer()).status == 401)
    }

    @Test func largeAmount_needsAal3() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2"))
        let response = browser.decide(Self.transfer("1000.01"))
        #expect(response.status == 401)
        #expect(response.headers["WWW-Authenticate"]?.contains(#"acr_values="aal3""#) == true)
        let detail = response.jsonBody?["authorization_details"]?.arrayValue?.first
        #expect(detail?["type"]?.stringValue == "transfer")
        #expect(detail?["amount"]?.stringValue == "1000.01")
    }

    @Test func transferWithoutPayee_isDeniedAsUnbindable() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2"))
        var request = Self.transfer()
        request.body = Array(#"{"amount": 10, "currency": "EUR"}"#.utf8)
        let response = browser.decide(request)
        #expect(response.status == 403)
        #expect(response.headers["X-Stepgate-Reason"] == "unbindable")
    }

    @Test func riskBands_raiseTheLevel_orDeny() throws {
        let medium = try BankPolicy.harness { $0.risk.points[.deviceNew] = 45 }
        var browser = medium.browser()
        _ = medium.signIn(&browser, ClientRequest(acr: "aal1"))
        let raised = browser.decide(Self.transfer())
        #expect(raised.headers["WWW-Authenticate"]?.contains(#"acr_values="aal3""#) == true)
        #expect(raised.jsonBody?["reasons"]?.arrayValue?.first?["code"]?.stringValue == "device.new")

        let high = try BankPolicy.harness { $0.risk.points[.deviceNew] = 75 }
        var other = high.browser()
        _ = high.signIn(&other, ClientRequest(acr: "aal1"))
        let denied = other.decide(Self.transfer())
        #expect(denied.status == 403)
        #expect(denied.headers["X-Stepgate-Reason"] == "rule")
    }

    @Test func queryBoundTransfer_worksThroughAProxyThatSendsNoBody() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        let uri = "/bank/transfer?amount=25&currency=EUR&payee=bob%20b"
        let challenge = browser.decide(
            Forwarded(method: "POST", uri: uri, html: true, headers: [("Referer", "https://bank.example/bank/review")])
        )
        #expect(challenge.status == 401)
        let done = harness.stepUp(&browser, from: challenge)
        #expect(done.location == "/bank/review")
        #expect(browser.decide(Forwarded(method: "POST", uri: uri)).status == 200)
        #expect(browser.decide(Forwarded(method: "POST", uri: uri)).status == 401)
    }

    @Test func stepUpPage_showsTheTransferAndWhy() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        let challenge = browser.decide(Self.transfer("99.90", "Zoë <b>", html: true))
        let location = try #require(challenge.location)
        let start = browser.send(.get, "/" + (location.split(separator: "/", maxSplits: 3).last ?? ""))
        let page = harness.open(&browser, start.location)
        #expect(page.text.contains("You are approving"))
        #expect(page.text.contains("<td>99.9</td>"))
        #expect(page.text.contains("Zoë &lt;b&gt;"))
        #expect(page.text.contains("not been seen before"))
    }

    @Test func securityKeyApproval_signsAChallengeBoundToTheTransaction() throws {
        let harness = try BankPolicy.harness()
        let key = try SoftAuthenticator()
        _ = try harness.addCredential(key)
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        let challenge = browser.decide(Self.transfer("42", "bob", html: true))
        let location = try #require(challenge.location)
        let start = browser.send(.get, "/" + (location.split(separator: "/", maxSplits: 3).last ?? ""))
        let flow = try #require(start.location.map(queryParameters)?["flow"])
        let state = browser.send(.get, "/api/login?flow=\(flow)").jsonBody
        #expect(state?["next"] == "webauthn")
        let bytes = try #require(Base64URL.decode(state?["public_key"]?["challenge"]?.stringValue ?? ""))
        #expect(WebAuthnChallenge(bytes: bytes).binds(transactionHash: Self.hash("42", "bob")))
        #expect(!WebAuthnChallenge(bytes: bytes).binds(transactionHash: Self.hash("4200", "bob")))

        let assertion = try key.assertion(harness.ceremony(state?["public_key"], flags: [.userPresent]))
        let done = browser.send(
            .post,
            "/api/login",
            json: Harness.webAuthnAnswer(flow: flow, ceremonyID: state?["ceremony"]?.stringValue ?? "", assertion)
        )
        #expect(done.jsonBody?["status"] == "complete")
        #expect(browser.decide(Self.transfer("4200", "bob")).status == 401)
        #expect(browser.decide(Self.transfer("42", "bob")).status == 200)
        #expect(browser.decide(Self.transfer("42", "bob")).status == 401)
    }

    static func hash(_ amount: String, _ payee: String) -> String {
        Transaction(fields: [
            .init(name: "body.amount", value: amount), .init(name: "body.currency", value: "EUR"),
            .init(name: "body.payee", value: payee),
        ])
        .hash
    }
}
