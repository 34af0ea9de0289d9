import Foundation
import StepgateCore
import StepgateHTTP
import Testing

@testable import StepgateServer

/// Every way a login or step-up answer is refused, each leaving what it must unchanged.
@Suite struct FlowRejectionTests {
    /// A browser on the password page of a fresh `aal2` flow.
    func onPasswordPage(_ harness: Harness) -> (Browser, HTTPResponse) {
        var browser = harness.browser()
        let start = harness.authorize(&browser, ClientRequest(acr: "aal2"))
        return (browser, harness.open(&browser, start.location))
    }

    func onOTPPage(_ harness: Harness) -> (Browser, HTTPResponse) {
        var (browser, page) = onPasswordPage(harness)
        let otp = harness.answer(&browser, page, harness.passwordFields())
        return (browser, otp)
    }

    @Test func flowTakenToAnotherSession_isRefused_andChangesNothing() throws {
        let harness = try Harness()
        let (_, page) = onPasswordPage(harness)
        var thief = harness.browser()
        _ = harness.authorize(&thief, ClientRequest(acr: "aal1"))
        let before = try harness.snapshot()

        let view = thief.send(.get, "/login?flow=\(page.hiddenField("flow") ?? "")")
        #expect(view.status == 400)
        let answer = harness.answer(&thief, page, harness.passwordFields())
        #expect(answer.status == 400)
        #expect(answer.hiddenField("step") == nil)
        #expect(try harness.snapshot() == before)
    }

    @Test func flowWithoutAnySession_isRefused() throws {
        let harness = try Harness()
        let (_, page) = onPasswordPage(harness)
        var stranger = harness.browser()
        #expect(harness.answer(&stranger, page, harness.passwordFields()).status == 400)
    }

    @Test func missingOrForgedCSRF_isRefused_andChangesNothing() throws {
        let harness = try Harness()
        var (browser, page) = onPasswordPage(harness)
        let before = try harness.snapshot()
        let flow = page.hiddenField("flow") ?? ""

        let missing = browser.send(.post, "/login", form: [("flow", flow)] + harness.passwordFields())
        let forged = browser.send(.post, "/login", form: [("flow", flow), ("csrf", "AAAA")] + harness.passwordFields())
        #expect(missing.status == 400)
        #expect(forged.status == 400)
        #expect(try harness.snapshot() == before)
    }

    @Test func unknownFlow_isRefused() throws {
        let harness = try Harness()
        var browser = harness.browser()
        #expect(browser.send(.get, "/login?flow=AAAAAAAAAAAAAAAAAAAAAAAA").status == 400)
        #expect(browser.send(.get, "/login").status == 400)
        #expect(browser.send(.get, "/api/login?flow=nope").status == 400)
    }

    @Test func expiredChallenge_isRefused_andChangesNothing() throws {
        let harness = try Harness()
        var (browser, page) = onOTPPage(harness)
        harness.clock.advance(by: 301)
        let before = try harness.snapshot()

        let answer = harness.answer(&browser, page, [("otp", harness.totp())])
        #expect(answer.status == 410)
        #expect(try harness.snapshot() == before)
    }

    @Test func wrongPassword_unknownUser_andDisabledUser_lookTheSame() throws {
        let harness = try Harness()
        try harness.admin.addUser(name: "carol", password: "carol-password")
        try harness.admin.disableUser(name: "carol")
        var texts: [String] = []
        for fields in [
            harness.passwordFields("wrong password"), harness.passwordFields(user: "nobody"),
            harness.passwordFields("carol-password", user: "carol"),
        ] {
            var (browser, page) = onPasswordPage(harness)
            let answer = harness.answer(&browser, page, fields)
            #expect(answer.status == 400)
            #expect(answer.hiddenField("step") == "password")
            #expect(answer.text.contains(Provider.uniformFailure))
            texts.append(answer.text.replacingOccurrences(of: #"value="[^"]*""#, with: "", options: .regularExpression))
        }
        #expect(Set(texts).count == 1)
    }

    @Test func wrongTOTP_showsUniformFailure() throws {
        let harness = try Harness()
        var (browser, page) = onOTPPage(harness)
        let wrong = harness.totp() == "000000" ? "111111" : "000000"

        let answer = harness.answer(&browser, page, [("otp", wrong)])
        #expect(answer.status == 400)
        #expect(answer.hiddenField("step") == "otp")
        #expect(answer.text.contains(Provider.uniformFailure))
    }

    @Test func replayedTOTPCode_isRefused_inAnotherFlow() throws {
        let harness = try Harness()
        var first = harness.browser()
        #expect(harness.signIn(&first, ClientRequest(acr: "aal2")) != nil)
        let used = harness.totp()

        var (browser, page) = onOTPPage(harness)
        let replay = harness.answer(&browser, page, [("otp", used)])
        #expect(replay.status == 400)
        #expect(replay.text.contains(Provider.uniformFailure))
    }

    @Test func earlierStepCode_isRefusedAfterLaterStepUsed() throws {
        let harness = try Harness()
        var first = harness.browser()
        let start = harness.authorize(&first, ClientRequest(acr: "aal2"))
        let page = harness.answer(&first, harness.open(&first, start.location), harness.passwordFields())
        let done = harness.answer(&first, page, [("otp", harness.totp(offset: 1))])
        #expect(done.status == 303)

        var (browser, otpPage) = onOTPPage(harness)
        #expect(harness.answer(&browser, otpPage, [("otp", harness.totp())]).status == 400)
    }

    @Test func sameTOTPCodeRacedInTwoFlows_acceptedOnce() throws {
        let harness = try Harness()
        let code = harness.totp()
        let pages = (0..<6).map { _ in onOTPPage(harness) }
        let results = ResultBox()

        DispatchQueue.concurrentPerform(iterations: pages.count) { index in
            var (browser, page) = pages[index]
            results.append(harness.answer(&browser, page, [("otp", code)]).status)
        }
        #expect(results.values.filter { $0 == 303 }.count == 1)
        #expect(results.values.filter { $0 == 400 }.count == pages.count - 1)
    }

    @Test func tooManyAttempts_endsFlowWithAccessDenied() throws {
        let harness = try Harness()
        var (browser, page) = onOTPPage(harness)
        let wrong = harness.totp() == "000000" ? "111111" : "000000"
        var last = page
        for _ in 1..<harness.configuration.flowMaxAttempts {
            last = harness.answer(&browser, page, [("otp", wrong)])
            #expect(last.status == 400)
        }

        last = harness.answer(&browser, page, [("otp", wrong)])
        #expect(last.status == 303)
        #expect(queryParameters(try #require(last.location))["error"] == "access_denied")
        let after = harness.answer(&browser, page, [("otp", harness.totp())])
        #expect(after.status == 409)
    }

    @Test func accountBudget_throttles_thenRecoversAfterWindow() throws {
        let harness = try Harness { $0.accountMaxFailures = 3 }
        for _ in 0..<3 {
            var (browser, page) = onPasswordPage(harness)
            #expect(harness.answer(&browser, page, harness.passwordFields("wrong")).status == 400)
        }
        var (browser, page) = onPasswordPage(harness)
        let before = try harness.snapshot()

        let throttled = harness.answer(&browser, page, harness.passwordFields())
        #expect(throttled.status == 429)
        #expect(throttled.headers["Retry-After"] != nil)
        #expect(try harness.snapshot() == before)
        harness.clock.advance(by: harness.configuration.accountFailureWindow + 1)
        var (later, laterPage) = onPasswordPage(harness)
        #expect(harness.answer(&later, laterPage, harness.passwordFields()).hiddenField("step") == "otp")
    }

    @Test func unknownNames_spendABudgetToo() throws {
        let harness = try Harness { $0.accountMaxFailures = 2 }
        for _ in 0..<2 {
            var (browser, page) = onPasswordPage(harness)
            _ = harness.answer(&browser, page, harness.passwordFields(user: "ghost"))
        }
        var (browser, page) = onPasswordPage(harness)
        #expect(harness.answer(&browser, page, harness.passwordFields(user: "ghost")).status == 429)
    }

    @Test func malformedForm_isShownAgain_andCountsNothing() throws {
        let harness = try Harness()
        var (browser, page) = onPasswordPage(harness)
        let before = try harness.snapshot()

        let response = harness.answer(&browser, page, [("username", "alice")])
        #expect(response.status == 400)
        #expect(response.hiddenField("step") == "password")
        #expect(try harness.snapshot() == before)
    }

    @Test func undecodableBody_isRefused_andChangesNothing() throws {
        let harness = try Harness()
        var (browser, _) = onPasswordPage(harness)
        let before = try harness.snapshot()

        let response = browser.send(.post, "/login", form: [("flow", "%zz")], headers: [])
        #expect(response.status == 400)
        let json = browser.send(.post, "/api/login", json: .array([]))
        #expect(json.status == 400)
        let notJSON = browser.send(.post, "/api/login", form: [("flow", "x")])
        #expect(notJSON.status == 400)
        #expect(try harness.snapshot() == before)
    }

    @Test func completedFlow_cannotBeReused() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let start = harness.authorize(&browser, ClientRequest(acr: "aal1"))
        let page = harness.open(&browser, start.location)
        #expect(harness.answer(&browser, page, harness.passwordFields()).status == 303)

        #expect(harness.answer(&browser, page, harness.passwordFields()).status == 409)
        #expect(harness.open(&browser, start.location).status == 409)
    }
}

/// Collects values from concurrent work.
final class ResultBox: @unchecked Sendable {  // Guarded by the lock below.
    private let lock = NSLock()
    private var stored: [Int] = []

    func append(_ value: Int) {
        lock.lock()
        stored.append(value)
        lock.unlock()
    }

    var values: [Int] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
