import Foundation
import StepgateCore
import StepgateHTTP
import Testing

@testable import StepgateServer

@Suite struct DemoTests {
    func demoHarness() throws -> Harness {
        let harness = try Harness { $0.demo = true }
        _ = try harness.admin.addClient(
            id: "demo",
            redirectURIs: ["https://id.example/demo/callback"],
            confidential: false,
            secret: nil
        )
        return harness
    }

    @Test func demo_paymentStepsUpAndShowsVerifiedClaims() throws {
        let harness = try demoHarness()
        var browser = harness.browser()
        #expect(browser.send(.get, "/demo").text.contains("acr=aal2"))

        let start = browser.send(.get, "/demo?acr=aal2")
        #expect(start.location?.contains("max_age=300") == true)
        let login = browser.send(.get, start.location ?? "")
        var page = harness.open(&browser, login.location)
        page = harness.answer(&browser, page, harness.passwordFields())
        let back = harness.answer(&browser, page, [("otp", harness.totp())])
        let callback = try #require(back.location)
        #expect(callback.hasPrefix("https://id.example/demo/callback?"))

        let path = String(callback.dropFirst("https://id.example".count))
        let shown = browser.send(.get, path)
        #expect(shown.status == 200)
        #expect(shown.text.contains("aal2"))
        #expect(shown.text.contains("&quot;mfa&quot;"))
    }

    @Test func demoCallback_withTamperedState_isRefused() throws {
        let harness = try demoHarness()
        var browser = harness.browser()
        let start = browser.send(.get, "/demo?acr=aal1")
        let login = browser.send(.get, start.location ?? "")
        let page = harness.open(&browser, login.location)
        let back = try #require(harness.answer(&browser, page, harness.passwordFields()).location)
        let tampered = back.replacingOccurrences(of: "state=", with: "state=x")

        let shown = browser.send(.get, String(tampered.dropFirst("https://id.example".count)))
        #expect(shown.status == 400)
        #expect(shown.text.contains("state does not match"))
    }

    @Test func demo_isOffUnlessConfigured() throws {
        let harness = try Harness()
        var browser = harness.browser()
        #expect(browser.send(.get, "/demo").status == 404)
    }
}
