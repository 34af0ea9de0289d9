import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import Testing

@testable import StepgateServer

@Suite struct CodeFlowTests {
    @Test func aal2_asksPasswordThenTOTP_andTokensCarryLevel() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let request = ClientRequest(acr: "aal2")

        let start = harness.authorize(&browser, request)
        #expect(start.status == 303)
        #expect(start.location?.hasPrefix("/login?flow=") == true)
        let passwordPage = harness.open(&browser, start.location)
        #expect(passwordPage.hiddenField("step") == "password")
        #expect(passwordPage.text.contains("autocomplete=\"username\""))
        #expect(passwordPage.text.contains("autocomplete=\"current-password\""))
        harness.clock.advance(by: 5)
        let otpPage = harness.answer(&browser, passwordPage, harness.passwordFields())
        #expect(otpPage.hiddenField("step") == "otp")
        #expect(otpPage.text.contains("autocomplete=\"one-time-code\""))
        harness.clock.advance(by: 5)
        let done = harness.answer(&browser, otpPage, [("otp", harness.totp())])
        #expect(done.status == 303)
        let location = try #require(done.location)
        #expect(location.hasPrefix(Harness.redirectURI + "?code="))
        let parameters = queryParameters(location)
        #expect(parameters["state"] == request.state)
        #expect(parameters["iss"] == "https://id.example")

        let tokens = harness.redeem(location, request)
        #expect(tokens.status == 200)
        #expect(tokens.headers["Cache-Control"] == "no-store")
        let body = try #require(tokens.jsonBody)
        let idToken = try harness.claims(body["id_token"]?.stringValue)
        #expect(idToken["acr"] == "aal2")
        #expect(idToken["amr"] == ["pwd", "otp", "mfa"])
        #expect(idToken["auth_time"]?.integerValue == Int64(harness.clock.now.timeIntervalSince1970))
        #expect(idToken["nonce"]?.stringValue == request.nonce)
        #expect(idToken["aud"] == "app")
        #expect(idToken["sub"]?.stringValue == harness.alice.id)
        let access = try harness.claims(body["access_token"]?.stringValue)
        #expect(access["acr"] == "aal2")
        #expect(access["amr"] == ["pwd", "otp", "mfa"])
        #expect(access["auth_time"] == idToken["auth_time"])
        #expect(access["client_id"] == "app")
        let header = try JWS.decodeWithoutVerifying(body["access_token"]?.stringValue ?? "").header
        #expect(header["typ"] == "at+jwt")
        #expect(body["refresh_token"]?.stringValue != nil)
        let sessionID = try #require(browser.cookies[harness.provider.sessionCookieName])
        let session = try #require(try harness.store.session(idHash: SecretHash.hash(sessionID)))
        #expect(session.events.map(\.method) == ["pwd", "otp"])
        #expect(session.events.map(\.level) == ["aal1", "aal2"])
    }

    /// Browsers check the redirect that ends a form submission against `form-action`: the sign-in
    /// pages must allow the client's origin, or a client on another origin never gets its code.
    @Test func flowPages_allowFormRedirectToTheClientOrigin() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let start = harness.authorize(&browser, ClientRequest(acr: "aal2"))
        let passwordPage = harness.open(&browser, start.location)
        let expected = "form-action 'self' https://app.example;"
        #expect(passwordPage.headers["Content-Security-Policy"]?.contains(expected) == true)
        #expect(passwordPage.headers["Content-Security-Policy"]?.contains("default-src 'none'") == true)
        let otpPage = harness.answer(&browser, passwordPage, harness.passwordFields())
        #expect(otpPage.headers["Content-Security-Policy"]?.contains(expected) == true)
        let wrong = harness.answer(&browser, otpPage, [("otp", "000000")])
        #expect(wrong.status == 400)
        #expect(wrong.headers["Content-Security-Policy"]?.contains(expected) == true)
    }

    @Test func aal1_asksOnlyPassword() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let request = ClientRequest(acr: "aal1")

        let location = harness.signIn(&browser, request)
        let body = try #require(harness.redeem(location, request).jsonBody)
        let idToken = try harness.claims(body["id_token"]?.stringValue)
        #expect(idToken["acr"] == "aal1")
        #expect(idToken["amr"] == ["pwd"])
    }

    @Test func noACRValues_usesDefaultLevel() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let request = ClientRequest(acr: nil)

        let body = try #require(harness.redeem(harness.signIn(&browser, request), request).jsonBody)
        #expect(try harness.claims(body["id_token"]?.stringValue)["acr"] == "aal1")
    }

    @Test func sessionAtAAL1_stepsUpWithTOTPOnly() throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        harness.clock.advance(by: 60)

        let start = harness.authorize(&browser, ClientRequest(acr: "aal2"))
        let page = harness.open(&browser, start.location)
        #expect(page.hiddenField("step") == "otp")
    }

    @Test func sessionAlreadyAtLevel_answersAtOnce() throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2"))
        harness.clock.advance(by: 60)

        let request = ClientRequest(acr: "aal2", maxAge: 300)
        let again = harness.authorize(&browser, request)
        #expect(again.status == 303)
        #expect(again.location?.hasPrefix(Harness.redirectURI) == true)
        #expect(harness.redeem(again.location, request).status == 200)
    }

    @Test func maxAgeExceeded_asksAgain_andAuthTimeIsFresh() throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2"))
        harness.clock.advance(by: 301)

        let request = ClientRequest(acr: "aal2", maxAge: 300)
        let start = harness.authorize(&browser, request)
        #expect(start.location?.hasPrefix("/login") == true)
        let page = harness.open(&browser, start.location)
        #expect(page.hiddenField("step") == "password")
        let otp = harness.answer(&browser, page, harness.passwordFields())
        harness.clock.advance(by: 30)
        let done = harness.answer(&browser, otp, [("otp", harness.totp())])
        let body = try #require(harness.redeem(done.location, request).jsonBody)
        let authTime = try harness.claims(body["id_token"]?.stringValue)["auth_time"]?.integerValue
        #expect(authTime == Int64(harness.clock.now.timeIntervalSince1970))
    }

    @Test func maxAgeZero_asksAgain_andCompletesAcrossSeconds() throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2"))
        harness.clock.advance(by: 30)

        let request = ClientRequest(acr: "aal2", maxAge: 0)
        let start = harness.authorize(&browser, request)
        let page = harness.open(&browser, start.location)
        #expect(page.hiddenField("step") == "password")
        harness.clock.advance(by: 7)
        let otp = harness.answer(&browser, page, harness.passwordFields())
        #expect(otp.hiddenField("step") == "otp")
        harness.clock.advance(by: 9)
        let done = harness.answer(&browser, otp, [("otp", harness.totp())])
        #expect(done.status == 303)
        let body = try #require(harness.redeem(done.location, request).jsonBody)
        let claims = try harness.claims(body["id_token"]?.stringValue)
        #expect(claims["acr"] == "aal2")
        #expect(claims["auth_time"]?.integerValue == Int64(harness.clock.now.timeIntervalSince1970))
    }

    @Test func promptLogin_forcesFreshAuthentication() throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        harness.clock.advance(by: 1)

        let start = harness.authorize(&browser, ClientRequest(acr: "aal1", prompt: "login"))
        #expect(start.location?.hasPrefix("/login") == true)
        #expect(harness.open(&browser, start.location).hiddenField("step") == "password")
    }

    /// Within one second: the sign-in before the request does not count, the answer after it does.
    @Test func promptLogin_inTheSameSecondAsTheLastSignIn_asksOnceAndCountsTheAnswer() throws {
        let harness = try Harness()
        var browser = harness.browser()
        harness.clock.advance(by: 0.2)
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        harness.clock.advance(by: 0.3)

        let start = harness.authorize(&browser, ClientRequest(acr: "aal1", prompt: "login"))
        #expect(start.location?.hasPrefix("/login") == true)
        let page = harness.open(&browser, start.location)
        #expect(page.hiddenField("step") == "password")
        harness.clock.advance(by: 0.3)
        let done = harness.answer(&browser, page, harness.passwordFields())
        #expect(done.location?.hasPrefix(Harness.redirectURI + "?code=") == true)
    }

    @Test func promptNone_withoutSession_answersLoginRequired() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let request = ClientRequest(acr: "aal1", prompt: "none")

        let response = harness.authorize(&browser, request)
        let parameters = queryParameters(try #require(response.location))
        #expect(parameters["error"] == "login_required")
        #expect(parameters["state"] == request.state)
        #expect(browser.cookies.isEmpty)
    }

    @Test func promptNone_withSufficientSession_answersCode() throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))

        let response = harness.authorize(&browser, ClientRequest(acr: "aal1", prompt: "none"))
        #expect(queryParameters(try #require(response.location))["code"] != nil)
    }

    @Test func promptNone_withLowerSession_neverIssuesLowerLevel() throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))

        let response = harness.authorize(&browser, ClientRequest(acr: "aal2", prompt: "none"))
        let parameters = queryParameters(try #require(response.location))
        #expect(parameters["error"] == "login_required")
        #expect(parameters["code"] == nil)
    }

    @Test func unknownACR_answersUnmetAuthenticationRequirements() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let before = try harness.snapshot()

        let response = harness.authorize(&browser, ClientRequest(acr: "aal9 gold"))
        let parameters = queryParameters(try #require(response.location))
        #expect(parameters["error"] == "unmet_authentication_requirements")
        #expect(parameters["code"] == nil)
        #expect(try harness.snapshot() == before)
    }

    @Test func acrValues_takesFirstSupportedValue() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let start = harness.authorize(&browser, ClientRequest(acr: "gold aal2 aal1"))
        let page = harness.open(&browser, start.location)
        let otp = harness.answer(&browser, page, harness.passwordFields())
        #expect(otp.hiddenField("step") == "otp")
    }

    @Test func levelWithoutEnrolledFactor_answersUnmet_neverLowerToken() throws {
        let harness = try Harness()
        try harness.admin.addUser(name: "bob", password: "bob-password-1")
        var browser = harness.browser()
        let start = harness.authorize(&browser, ClientRequest(acr: "aal2"))
        let page = harness.open(&browser, start.location)

        let done = harness.answer(&browser, page, harness.passwordFields("bob-password-1", user: "bob"))
        let parameters = queryParameters(try #require(done.location))
        #expect(parameters["error"] == "unmet_authentication_requirements")
        #expect(parameters["code"] == nil)
    }

    @Test func aal3_withoutHardwareKey_answersUnmet() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let start = harness.authorize(&browser, ClientRequest(acr: "aal3"))
        let page = harness.open(&browser, start.location)

        let done = harness.answer(&browser, page, harness.passwordFields())
        #expect(queryParameters(try #require(done.location))["error"] == "unmet_authentication_requirements")
    }

    @Test func idleSession_endsAndAsksEverythingAgain() throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2"))
        harness.clock.advance(by: 3_601)

        let start = harness.authorize(&browser, ClientRequest(acr: "aal1"))
        #expect(start.location?.hasPrefix("/login") == true)
        #expect(harness.open(&browser, start.location).hiddenField("step") == "password")
    }

    @Test func jsonAPI_drivesSameFlow() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let request = ClientRequest(acr: "aal2")
        let start = harness.authorize(&browser, request)
        let flow = try #require(start.location.map(queryParameters)?["flow"])

        let state = browser.send(.get, "/api/login?flow=\(flow)")
        #expect(state.jsonBody?["next"] == "password")
        let afterPassword = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(flow), "username": "alice", "password": .string(Harness.password)]
        )
        #expect(afterPassword.status == 200)
        #expect(afterPassword.jsonBody?["next"] == "otp")
        let done = browser.send(.post, "/api/login", json: ["flow": .string(flow), "otp": .string(harness.totp())])
        #expect(done.jsonBody?["status"] == "complete")
        let location = done.jsonBody?["redirect_to"]?.stringValue
        #expect(harness.redeem(location, request).status == 200)
    }

    @Test func state_isReturnedByteForByte() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let request = ClientRequest(acr: "aal1", state: "a b&c=d/é?#%")

        let location = try #require(harness.signIn(&browser, request))
        #expect(queryParameters(location)["state"] == request.state)
    }

    @Test func signIn_rotatesSessionID_soAPlantedIDIsWorthless() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let start = harness.authorize(&browser, ClientRequest(acr: "aal1"))
        let planted = browser.cookies
        let page = harness.open(&browser, start.location)

        #expect(harness.answer(&browser, page, harness.passwordFields()).status == 303)
        #expect(browser.cookies != planted)
        var attacker = harness.browser()
        attacker.cookies = planted
        let stolen = harness.authorize(&attacker, ClientRequest(acr: "aal1", prompt: "none"))
        #expect(queryParameters(try #require(stolen.location))["error"] == "login_required")
    }

    @Test(arguments: [("https://id.example", true), ("http://localhost:8080", false)])
    func sessionCookie_hasSecureAttributes(issuer: String, secure: Bool) throws {
        let harness = try Harness { $0.issuer = issuer }
        var browser = harness.browser()
        let start = harness.authorize(&browser, ClientRequest(acr: "aal1"))
        let cookie = try #require(start.headers.values("Set-Cookie").first)

        #expect(cookie.hasPrefix(secure ? "__Host-stepgate_session=" : "stepgate_session="))
        #expect(cookie.contains("HttpOnly"))
        #expect(cookie.contains("SameSite=Lax"))
        #expect(cookie.contains("Path=/"))
        #expect(cookie.contains("Secure") == secure)
        #expect(!cookie.contains("Domain"))
    }

    @Test func signIn_upgradesPasswordHashWhenCostChanged() throws {
        let harness = try Harness { $0.passwordCost = Argon2Parameters(memoryKiB: 128, iterations: 1, parallelism: 1) }
        let weak = try PasswordHasher(parameters: Argon2Parameters(memoryKiB: 64, iterations: 1, parallelism: 1))
            .hash(Array(Harness.password.utf8))
        _ = try harness.store.updatePasswordHash(userID: harness.alice.id, passwordHash: weak)
        var browser = harness.browser()

        #expect(harness.signIn(&browser, ClientRequest(acr: "aal1")) != nil)
        let stored = try #require(try harness.store.user(id: harness.alice.id)?.passwordHash)
        #expect(stored != weak)
        #expect(stored.contains("m=128"))
    }

    @Test func logout_endsSession() throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        let page = browser.send(.get, "/logout")
        let csrf = try #require(page.hiddenField("csrf"))

        let done = browser.send(.post, "/logout", form: [("csrf", csrf)])
        #expect(done.status == 200)
        let again = harness.authorize(&browser, ClientRequest(acr: "aal1", prompt: "none"))
        #expect(queryParameters(try #require(again.location))["error"] == "login_required")
    }

    @Test func logout_withoutCSRF_keepsSession() throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        let before = try harness.snapshot()

        let done = browser.send(.post, "/logout", form: [("csrf", "forged")])
        #expect(done.status == 400)
        #expect(try harness.snapshot() == before)
    }
}
