import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore
import Testing

@testable import StepgateServer

/// What tests/factors.sh found in headless Chromium, pinned in-process: each test failed before
/// its fix.
@Suite struct FactorPageRegressionTests {
    /// A browser signed in as alice whose session passed the account gate (the password, then a
    /// TOTP code within `enrolment.max_age`), back on the passkey registration page's address.
    static func managingBrowser(_ harness: Harness) -> Browser {
        var browser = harness.browser()
        let signIn = browser.send(.get, "/account/webauthn?kind=passkey")
        let password = harness.open(&browser, signIn.location)
        #expect(password.hiddenField("step") == "password")
        _ = harness.answer(&browser, password, harness.passwordFields())
        let gate = browser.send(.get, "/account/webauthn?kind=passkey")
        let code = harness.open(&browser, gate.location)
        #expect(code.hiddenField("step") == "otp")
        harness.clock.advance(by: 31)  // a fresh time-step, so the TOTP code is not a replay
        let back = harness.answer(&browser, code, [("otp", harness.totp())])
        #expect(back.location == "/account/webauthn?kind=passkey")
        return browser
    }

    @Test func webAuthnRegistrationPage_allowsItsScript() throws {
        let harness = try Harness()
        var browser = Self.managingBrowser(harness)

        let page = browser.send(.get, "/account/webauthn?kind=passkey")

        #expect(page.status == 200)
        #expect(page.text.contains(#"<script src="/static/webauthn.js"></script>"#))
        // The account pages' policy without scripts used to replace the page's own.
        #expect(page.headers["Content-Security-Policy"]?.contains("script-src 'self'") == true)
        #expect(page.headers["Cache-Control"] == "no-store")
    }

    /// A folder for an SMS file sink, removed when the test ends.
    final class SMSSink {
        let folder = NSTemporaryDirectory() + "stepgate-sms-" + UUID().uuidString
        var path: String { folder + "/sms.jsonl" }

        init() throws { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: folder) }

        /// The text of the last message the sink holds.
        func lastText() throws -> String {
            let lines = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
                .split(separator: "\n")
            let last = try #require(lines.last)
            return try #require(try JSONValue.parse(Array(last.utf8))["text"]?.stringValue)
        }
    }

    /// Adds and confirms the phone +447700900123 for `browser` (which passed the account gate),
    /// with the code the sink received; returns the phone's factor ID.
    static func confirmPhone(_ harness: Harness, _ browser: inout Browser, _ sink: SMSSink) throws -> String {
        let csrf = try #require(browser.send(.get, "/account").hiddenField("csrf"))
        let added = browser.send(.post, "/account/phone", form: [("csrf", csrf), ("phone", "+447700900123")])
        let factor = try #require(added.location.map(queryParameters)?["factor"])
        #expect(harness.provider.deliveryWorker.deliverDue(now: harness.clock.now).sent == 1)
        let code = String(try sink.lastText().prefix(6))
        let confirmed = browser.send(
            .post,
            "/account/confirm",
            form: [("csrf", csrf), ("factor", factor), ("otp", code)]
        )
        #expect(confirmed.location == "/account?done=phone")
        return factor
    }

    @Test func codeStep_afterAPhoneIsConfirmed_doesNotClaimACodeWasSent() throws {
        let sink = try SMSSink()
        let harness = try Harness { $0.delivery.sms = .file(sink.path) }
        var browser = Self.managingBrowser(harness)
        _ = try Self.confirmPhone(harness, &browser, sink)

        // A new sign-in in the same session: the confirmation code (used up, and no flow's) is
        // no code this flow sent, so the step shown first is still the app, not "we sent a code".
        harness.clock.advance(by: 2)
        let start = harness.authorize(&browser, ClientRequest(acr: "aal2", maxAge: 0))
        let password = harness.open(&browser, start.location)
        let next = harness.answer(&browser, password, harness.passwordFields())

        #expect(next.hiddenField("step") == "otp")
        #expect(!next.text.contains("We sent a code"))
    }

    @Test func smsCode_forAStepUpOfTheDecisionEndpoint_namesTheTransaction() throws {
        let sink = try SMSSink()
        let harness = try BankPolicy.harness { $0.delivery.sms = .file(sink.path) }
        var browser = Self.managingBrowser(harness)
        let phone = try Self.confirmPhone(harness, &browser, sink)
        harness.clock.advance(by: 31)  // past otp.resend_interval since the confirmation code
        let challenge = browser.decide(
            Forwarded(method: "POST", uri: "/bank/transfers", html: true, body: BankPolicy.transfer("10.50", "bob"))
        )
        let start = browser.send(.get, "/" + (challenge.location?.split(separator: "/", maxSplits: 3).last ?? ""))
        let page = harness.open(&browser, start.location)

        let carried = try ["flow", "csrf"].map { ($0, try #require(page.hiddenField($0))) }
        let sent = browser.send(.post, "/login", form: carried + [("step", "choose"), ("choice", "sms:" + phone)])

        #expect(sent.text.contains("We sent a code"))
        #expect(harness.provider.deliveryWorker.deliverDue(now: harness.clock.now).sent >= 1)
        #expect(try sink.lastText().contains("It approves transfer: amount 10.5, currency EUR, payee bob."))
    }

    @Test func transferAboveAAL3_needsAVerifyingKeyAgain_evenWhenTheSessionIsAtAAL3() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        // The session proved aal3 a moment ago (a passkey that verified its user).
        let session = try #require(browser.cookies[harness.provider.sessionCookieName])
        #expect(
            try harness.store.recordAuthentication(
                sessionIDHash: SecretHash.hash(session),
                userID: harness.alice.id,
                event: SessionEventRecord(method: "hwk+pin", time: harness.clock.now, level: "aal3")
            )
        )
        harness.clock.advance(by: 2)
        let challenge = browser.decide(
            Forwarded(method: "POST", uri: "/bank/transfers", html: true, body: BankPolicy.transfer("1500", "bob"))
        )
        #expect(challenge.headers["WWW-Authenticate"]?.contains(#"acr_values="aal3""#) == true)

        let start = browser.send(.get, "/" + (challenge.location?.split(separator: "/", maxSplits: 3).last ?? ""))
        let page = harness.open(&browser, start.location)

        // Alice has no security key: nothing she holds can approve it (a TOTP code was offered).
        #expect(page.status == 303)
        #expect(page.hiddenField("step") == nil)
        #expect(try harness.auditRecords().last?.kind == "stepup.unmet")
    }

    @Test func bankReviewPage_sendsItsAddressWithTheTransfer() {
        let handler = DemoBank().makeHandler()

        let page = handler(
            HTTPRequest(
                method: .get,
                path: "/bank/transfer/review",
                query: "amount=25.00&currency=EUR&payee=Alice",
                headers: HTTPHeaders([("X-Stepgate-User", "u_1")]),
                body: [],
                requestID: "test"
            )
        )

        // The step-up returns to the page that posted the transfer, known from the Referer.
        #expect(page.status == 200)
        #expect(page.headers["Referrer-Policy"] == "same-origin")
    }
}
