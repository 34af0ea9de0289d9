import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore
import Testing

@testable import StepgateServer

extension Harness {
    static let newPassword = "a different horse, battery and staple"

    /// The password form's fields with `current` and the new password typed twice.
    func passwordForm(
        _ browser: inout Browser,
        current: String = Harness.password,
        new: String = Harness.newPassword,
        confirm: String? = nil
    ) -> [(String, String)] {
        let csrf = browser.send(.get, "/account/password").hiddenField("csrf") ?? ""
        return [("csrf", csrf), ("current", current), ("new", new), ("confirm", confirm ?? new)]
    }

    /// Alice's stored password hash now.
    func aliceHash() throws -> String? {
        try store.user(id: alice.id)?.passwordHash
    }
}

/// `/account/password`: the gate, CSRF, each refusal (which leaves the hash alone), and what a
/// change ends: the user's other sessions and every refresh token; this session moves to a new ID.
@Suite struct PasswordChangeTests {
    @Test func page_marksFieldsForPasswordManagers() throws {
        let harness = try Harness()
        var browser = harness.freshBrowser()
        let page = browser.send(.get, "/account/password")
        #expect(page.status == 200)
        #expect(page.headers["Cache-Control"] == "no-store")
        #expect(page.text.contains("autocomplete=\"current-password\""))
        #expect(page.text.components(separatedBy: "autocomplete=\"new-password\"").count == 3)
        #expect(browser.send(.get, "/account").text.contains("href=\"/account/password\""))
    }

    @Test func change_endsOtherSessionsAndRefreshTokens_andRotatesThisOne() throws {
        let harness = try Harness.withDelivery()
        try harness.addContact("email", "alice@example.org", label: "a•••@example.org")
        var other = harness.browser()
        let request = ClientRequest(acr: "aal1")
        let location = harness.signIn(&other, request)
        let issued = try #require(harness.redeem(location, request).jsonBody)
        let refresh = try #require(issued["refresh_token"]?.stringValue)
        let access = try #require(issued["access_token"]?.stringValue)
        // A code issued before the change and not yet redeemed.
        let pending = harness.signIn(&other, request)
        var browser = harness.freshBrowser()
        let form = harness.passwordForm(&browser)
        let before = browser.cookies[harness.provider.sessionCookieName]

        let done = browser.send(.post, "/account/password", form: form)

        #expect(done.status == 303)
        #expect(done.location == "/account?done=password")
        #expect(browser.cookies[harness.provider.sessionCookieName] != before)
        let hash = try #require(try harness.aliceHash())
        #expect(harness.provider.passwords.verify(Array(Harness.newPassword.utf8), against: hash))
        // The other browser's single sign-on is gone, and so is its refresh token.
        let silent = harness.authorize(&other, ClientRequest(acr: "aal1", prompt: "none"))
        #expect(queryParameters(try #require(silent.location))["error"] == "login_required")
        var client = harness.browser()
        let refreshed = client.send(
            .post,
            "/token",
            form: [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "app")]
        )
        #expect(refreshed.status == 400)
        // Its access token ends too, and a code issued before the change is worth nothing.
        #expect(TokenTests.userinfo(harness, access).status == 401)
        #expect(harness.redeem(pending, request).jsonBody?["error"] == "invalid_grant")
        // This browser stays signed in under its new ID; the old ID is worthless.
        #expect(browser.send(.get, "/account").status == 200)
        var replay = harness.browser()
        replay.cookies[harness.provider.sessionCookieName] = before
        #expect(replay.send(.get, "/account").status == 303)
        let record = try #require(try harness.auditRecords().last { $0.kind == AuditKind.passwordChanged.rawValue })
        #expect(record.fields[AuditKey.sessionsEnded] == "1")
        #expect(record.fields[AuditKey.refreshTokensRevoked] == "1")
        let notice = try #require(harness.messages("email").last)
        #expect(notice["text"]?.stringValue?.contains("password was changed") == true)
        harness.assertLogsHold(none: [Harness.password, Harness.newPassword])
    }

    @Test func change_thenSignIn_takesTheNewPasswordOnly() throws {
        let harness = try Harness()
        var browser = harness.freshBrowser()
        _ = browser.send(.post, "/account/password", form: harness.passwordForm(&browser))
        var later = harness.browser()
        let start = harness.authorize(&later, ClientRequest(acr: "aal1"))
        let page = harness.open(&later, start.location)
        let refused = harness.answer(&later, page, harness.passwordFields())
        #expect(refused.hiddenField("step") == "password")
        let accepted = harness.answer(&later, refused, harness.passwordFields(Harness.newPassword))
        #expect(accepted.status == 303)
    }

    @Test func wrongCurrentPassword_isRefused_andCountsAsAFailure() throws {
        let harness = try Harness()
        var browser = harness.freshBrowser()
        let hash = try harness.aliceHash()
        let since = harness.clock.now.addingTimeInterval(-60)
        let failures = try harness.store.failureCount(userID: harness.alice.id, since: since)
        let form = harness.passwordForm(&browser, current: "not the password at all")

        let answer = browser.send(.post, "/account/password", form: form)

        #expect(answer.status == 400)
        #expect(answer.text.contains("current password is not correct"))
        #expect(try harness.aliceHash() == hash)
        #expect(try harness.store.failureCount(userID: harness.alice.id, since: since) == failures + 1)
        #expect(try harness.auditRecords().contains { $0.kind == AuditKind.passwordChangeFailed.rawValue })
        harness.assertLogsHold(none: ["not the password at all", Harness.newPassword])
    }

    @Test func spentFailureBudget_refusesUnchecked() throws {
        let harness = try Harness()
        var browser = harness.freshBrowser()
        for _ in 0..<harness.configuration.accountMaxFailures {
            try harness.store.recordFailure(userID: harness.alice.id, at: harness.clock.now)
        }
        let hash = try harness.aliceHash()
        let answer = browser.send(.post, "/account/password", form: harness.passwordForm(&browser))
        #expect(answer.status == 429)
        #expect(try harness.aliceHash() == hash)
    }

    @Test(arguments: [
        ("mismatch", Harness.password, Harness.newPassword, "another new password"),
        ("too short", Harness.password, "short", "short"),
        ("same as old", Harness.password, Harness.password, Harness.password),
    ])
    func refusal_leavesTheHashAndSessionsAlone(label: String, current: String, new: String, confirm: String) throws {
        let harness = try Harness()
        var other = harness.browser()
        _ = harness.signIn(&other, ClientRequest(acr: "aal1"))
        var browser = harness.freshBrowser()
        let hash = try harness.aliceHash()
        let form = harness.passwordForm(&browser, current: current, new: new, confirm: confirm)

        let answer = browser.send(.post, "/account/password", form: form)

        #expect(answer.status == 400, "\(label)")
        #expect(answer.text.contains("role=\"alert\""), "\(label)")
        #expect(try harness.aliceHash() == hash, "\(label)")
        let silent = harness.authorize(&other, ClientRequest(acr: "aal1", prompt: "none"))
        #expect(queryParameters(silent.location ?? "")["code"] != nil, "\(label): the other session ended")
    }

    @Test func change_withoutCSRF_isRefusedAndChangesNothing() throws {
        let harness = try Harness()
        var browser = harness.freshBrowser()
        var form = harness.passwordForm(&browser)
        form[0] = ("csrf", "forged")
        let before = try harness.snapshot()
        let answer = browser.send(.post, "/account/password", form: form)
        #expect(answer.status == 400)
        #expect(try harness.snapshot() == before)
    }

    @Test func change_withStaleProof_asksForAFreshStepUp() throws {
        let harness = try Harness()
        var browser = harness.freshBrowser()
        let form = harness.passwordForm(&browser)
        harness.clock.advance(by: harness.configuration.enrolmentMaxAge + 1)
        let hash = try harness.aliceHash()
        let answer = browser.send(.post, "/account/password", form: form)
        #expect(answer.status == 303)
        #expect(answer.location?.hasPrefix("/login?flow=") == true)
        #expect(try harness.aliceHash() == hash)
    }

    @Test func change_withPasswordOnly_whenASecondFactorExists_asksForIt() throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        let hash = try harness.aliceHash()
        let page = browser.send(.get, "/account/password")
        #expect(page.status == 303)
        #expect(browser.send(.get, page.location ?? "").hiddenField("step") == "otp")
        #expect(try harness.aliceHash() == hash)
    }

    @Test func adminSetPassword_endsEverySessionAndRefreshToken() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let request = ClientRequest(acr: "aal1")
        let location = harness.signIn(&browser, request)
        let issued = try #require(harness.redeem(location, request).jsonBody)
        let refresh = try #require(issued["refresh_token"]?.stringValue)
        let access = try #require(issued["access_token"]?.stringValue)

        let result = try harness.admin.setPassword(name: "alice", password: Harness.newPassword)

        #expect(result == PasswordChangeResult(sessionsEnded: 1, refreshTokensRevoked: 1))
        let silent = harness.authorize(&browser, ClientRequest(acr: "aal1", prompt: "none"))
        #expect(queryParameters(try #require(silent.location))["error"] == "login_required")
        var client = harness.browser()
        let form = [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "app")]
        #expect(client.send(.post, "/token", form: form).status == 400)
        #expect(TokenTests.userinfo(harness, access).status == 401)
        #expect(throws: AdminError.self) { try harness.admin.setPassword(name: "alice", password: "short") }
        #expect(throws: AdminError.self) {
            try harness.admin.setPassword(name: "nobody", password: Harness.newPassword)
        }
    }

    @Test func logout_oldCookieReplayedInAnotherBrowser_signsNothingIn() throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        let cookie = browser.cookies[harness.provider.sessionCookieName]
        let csrf = try #require(browser.send(.get, "/logout").hiddenField("csrf"))
        #expect(browser.send(.post, "/logout", form: [("csrf", csrf)]).status == 200)

        var replay = harness.browser()
        replay.cookies[harness.provider.sessionCookieName] = cookie
        let silent = harness.authorize(&replay, ClientRequest(acr: "aal1", prompt: "none"))
        #expect(queryParameters(try #require(silent.location))["error"] == "login_required")
        let plain = harness.authorize(&replay, ClientRequest(acr: "aal1"))
        #expect(plain.location?.hasPrefix("/login?flow=") == true)
    }
}
