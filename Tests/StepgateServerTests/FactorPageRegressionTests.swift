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
}
