import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore
import StepgateTestSupport
import Testing

@testable import StepgateServer

extension Harness {
    /// A browser signed in at `aal2` just now (password and TOTP), fresh enough to change factors.
    func freshBrowser(sourceLocation: SourceLocation = #_sourceLocation) -> Browser {
        var browser = self.browser()
        _ = signIn(&browser, ClientRequest(acr: "aal2"), sourceLocation: sourceLocation)
        return browser
    }

    /// The account page's CSRF token for `browser`.
    func accountCSRF(_ browser: inout Browser) -> String {
        browser.send(.get, "/account").hiddenField("csrf") ?? ""
    }

    /// Alice's factors of `kind`.
    func factors(_ kind: String) throws -> [FactorRecord] {
        try store.factors(userID: alice.id).filter { $0.kind == kind }
    }
}

/// The account page: the fresh-step-up gate, CSRF, adding and removing each kind of factor,
/// recovery codes, remembered browsers, and the notices every change sends.
@Suite struct AccountTests {
    @Test func account_withoutSession_startsASignIn() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let page = browser.send(.get, "/account")
        #expect(page.status == 303)
        #expect(page.location?.hasPrefix("/login?flow=") == true)
    }

    @Test func account_listsMethods() throws {
        let harness = try Harness()
        var browser = harness.freshBrowser()
        let page = browser.send(.get, "/account")
        #expect(page.status == 200)
        #expect(page.text.contains("Authenticator app"))
        #expect(page.headers["Cache-Control"] == "no-store")
    }

    @Test func change_withStaleProof_asksForAFreshStepUp() throws {
        let harness = try Harness()
        var browser = harness.freshBrowser()
        let csrf = harness.accountCSRF(&browser)
        harness.clock.advance(by: harness.configuration.enrolmentMaxAge + 1)
        let before = try harness.factors("totp_pending")
        let answer = browser.send(.post, "/account/totp", form: [("csrf", csrf)])
        #expect(answer.status == 303)
        #expect(answer.location?.hasPrefix("/login?flow=") == true)
        #expect(try harness.factors("totp_pending") == before)
    }

    @Test func change_withPasswordOnly_whenASecondFactorExists_asksForIt() throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        let csrf = harness.accountCSRF(&browser)
        let answer = browser.send(.post, "/account/totp", form: [("csrf", csrf)])
        #expect(answer.status == 303)
        let flow = browser.send(.get, answer.location ?? "")
        #expect(flow.hiddenField("step") == "otp")
        #expect(try harness.factors("totp_pending").isEmpty)
    }

    @Test func change_withoutCSRF_isRefusedAndChangesNothing() throws {
        let harness = try Harness()
        var browser = harness.freshBrowser()
        let before = try harness.snapshot()
        let answer = browser.send(.post, "/account/totp", form: [("csrf", "forged")])
        #expect(answer.status == 400)
        #expect(try harness.snapshot() == before)
    }

    @Test func addTOTP_confirmedByItsFirstCode_andAnnounced() throws {
        let harness = try Harness.withDelivery()
        try harness.addContact("email", "alice@example.org", label: "a•••@example.org")
        var browser = harness.freshBrowser()
        let csrf = harness.accountCSRF(&browser)
        let started = browser.send(.post, "/account/totp", form: [("csrf", csrf)])
        let page = browser.send(.get, started.location ?? "")
        #expect(page.status == 200)
        #expect(page.text.contains("<svg"))
        let factorID = try #require(page.hiddenField("factor"))
        let pending = try #require(try harness.store.factor(id: factorID))
        #expect(pending.kind == "totp_pending")
        let seed = try harness.provider.masterKey.open(pending.sealedSecret, purpose: "totp:\(factorID)")
        let code = TOTP(secret: seed).code(step: TOTP(secret: seed).step(at: harness.clock.now))

        let done = browser.send(
            .post,
            "/account/totp/confirm",
            form: [("csrf", csrf), ("factor", factorID), ("otp", code)]
        )
        #expect(done.location == "/account?done=totp")
        #expect(try harness.store.factor(id: factorID)?.kind == "totp")
        let notice = try #require(harness.messages("email").last)
        #expect(notice["text"]?.stringValue?.contains("authenticator app") == true)
        #expect(try harness.auditRecords().contains { $0.kind == AuditKind.factorAdded.rawValue })
        harness.assertLogsHold(none: [code, Base32.encode(seed)])
    }

    @Test func addTOTP_wrongCode_staysPending() throws {
        let harness = try Harness()
        var browser = harness.freshBrowser()
        let csrf = harness.accountCSRF(&browser)
        let started = browser.send(.post, "/account/totp", form: [("csrf", csrf)])
        let factorID = try #require(browser.send(.get, started.location ?? "").hiddenField("factor"))
        let answer = browser.send(
            .post,
            "/account/totp/confirm",
            form: [("csrf", csrf), ("factor", factorID), ("otp", "000000")]
        )
        #expect(answer.status == 400)
        #expect(try harness.store.factor(id: factorID)?.kind == "totp_pending")
    }

    @Test func pendingFactor_isNeverOffered() throws {
        let harness = try Harness()
        try harness.removeTOTP()
        try harness.addContact("sms_pending")
        var browser = harness.browser()
        let (_, state) = harness.passwordThenState(&browser)
        let location = try #require(state?["redirect_to"]?.stringValue)
        #expect(queryParameters(location)["error"] == "unmet_authentication_requirements")
    }

    @Test func addPhone_confirmedByTheCodeSentToIt() throws {
        let harness = try Harness.withDelivery()
        var browser = harness.freshBrowser()
        let csrf = harness.accountCSRF(&browser)
        let started = browser.send(.post, "/account/phone", form: [("csrf", csrf), ("phone", "+44 7700 900123")])
        #expect(started.location?.hasPrefix("/account/confirm?factor=") == true)
        let factorID = try #require(started.location.map(queryParameters)?["factor"])
        #expect(try harness.store.factor(id: factorID)?.label == "•••• 0123")
        #expect(harness.messages().last?["to"] == "+447700900123")
        let code = try #require(harness.lastCode())

        let wrong = browser.send(
            .post,
            "/account/confirm",
            form: [("csrf", csrf), ("factor", factorID), ("otp", "999999")]
        )
        #expect(wrong.status == 400 || code == "999999")
        let done = browser.send(.post, "/account/confirm", form: [("csrf", csrf), ("factor", factorID), ("otp", code)])
        #expect(done.location == "/account?done=phone")
        #expect(try harness.store.factor(id: factorID)?.kind == "sms")
    }

    @Test func addPhone_badNumber_isRefusedAndChangesNothing() throws {
        let harness = try Harness.withDelivery()
        var browser = harness.freshBrowser()
        let csrf = harness.accountCSRF(&browser)
        let before = try harness.snapshot()
        let answer = browser.send(.post, "/account/phone", form: [("csrf", csrf), ("phone", "07700 900123\r\nBcc: x")])
        #expect(answer.status == 400)
        #expect(try harness.snapshot() == before)
    }

    @Test func addEmail_withoutATransport_isRefused() throws {
        let harness = try Harness()
        var browser = harness.freshBrowser()
        let csrf = harness.accountCSRF(&browser)
        let answer = browser.send(.post, "/account/email", form: [("csrf", csrf), ("email", "alice@example.org")])
        #expect(answer.status == 400)
        #expect(try harness.factors("email_pending").isEmpty)
    }

    @Test func recoveryCodes_shownOnce_oldOnesStopWorking() throws {
        let harness = try Harness()
        let old = try harness.recoveryCodes()
        var browser = harness.freshBrowser()
        let csrf = harness.accountCSRF(&browser)
        let page = browser.send(.post, "/account/recovery", form: [("csrf", csrf)])
        #expect(page.status == 200)
        #expect(page.headers["Cache-Control"] == "no-store")
        let shown = page.text.components(separatedBy: "<code>").dropFirst().compactMap {
            $0.components(separatedBy: "</code>").first
        }
        #expect(shown.count == 10)
        #expect(Set(shown).isDisjoint(with: old))
        let hash = harness.provider.recoveryCodeHash(old[0])
        #expect(try !harness.store.consumeRecoveryCode(userID: harness.alice.id, hash: hash, now: harness.clock.now))
        #expect(
            try harness.store.consumeRecoveryCode(
                userID: harness.alice.id,
                hash: harness.provider.recoveryCodeHash(shown[0]),
                now: harness.clock.now
            )
        )
        harness.assertLogsHold(none: shown)
    }

    @Test func removeMethod_onlyTheUsersOwn() throws {
        let harness = try Harness()
        let bob = try harness.admin.addUser(name: "bob", password: Harness.password)
        _ = try harness.admin.addTOTP(userName: "bob", secret: nil)
        let bobsFactor = try #require(try harness.store.factors(userID: bob.id).first)
        var browser = harness.freshBrowser()
        let csrf = harness.accountCSRF(&browser)
        let refused = browser.send(.post, "/account/remove", form: [("csrf", csrf), ("id", bobsFactor.id)])
        #expect(refused.status == 404)
        #expect(try harness.store.factor(id: bobsFactor.id) != nil)

        let own = try #require(try harness.factors("totp").first)
        let removed = browser.send(.post, "/account/remove", form: [("csrf", csrf), ("id", own.id)])
        #expect(removed.location == "/account?done=removed")
        #expect(try harness.factors("totp").isEmpty)
        #expect(try harness.auditRecords().contains { $0.kind == AuditKind.factorRemoved.rawValue })
    }

    @Test func registerSecurityKey_thenUseIt() throws {
        let harness = try Harness()
        var browser = harness.freshBrowser()
        let csrf = harness.accountCSRF(&browser)
        let started = browser.send(.post, "/account/webauthn", form: [("csrf", csrf), ("kind", "security_key")])
        #expect(started.location == "/account/webauthn?kind=security_key")
        let page = browser.send(.get, started.location ?? "")
        #expect(page.headers["Content-Security-Policy"]?.contains("script-src 'self'") == true)
        let challenge = try #require(Self.attribute("data-challenge", in: page.text))
        let userID = try #require(Self.attribute("data-user-id", in: page.text))
        #expect(userID != Base64URL.encode(Array(harness.alice.id.utf8)))

        let key = try SoftAuthenticator()
        var ceremony = harness.ceremony(["challenge": .string(challenge)], flags: [.userPresent])
        ceremony.userHandle = Base64URL.decode(userID)
        let registration = try key.registration(ceremony)
        let finish = browser.send(
            .post,
            "/account/webauthn/finish",
            form: [
                ("csrf", csrf), ("ceremony", page.hiddenField("ceremony") ?? ""), ("kind", "security_key"),
                ("label", "Blue key"), ("credential_id", Base64URL.encode(key.credentialID)),
                ("client_data", Base64URL.encode(registration.clientDataJSON)),
                ("attestation_object", Base64URL.encode(registration.attestationObject)), ("transports", "usb"),
            ]
        )
        #expect(finish.location == "/account?done=security_key")
        let stored = try #require(try harness.store.webAuthnCredential(credentialID: key.credentialID))
        #expect(stored.label == "Blue key")
        #expect(stored.kind == "security_key")
        #expect(!stored.backupEligible)

        // The same ceremony again is refused: its challenge was used.
        let again = browser.send(
            .post,
            "/account/webauthn/finish",
            form: [
                ("csrf", csrf), ("ceremony", page.hiddenField("ceremony") ?? ""), ("kind", "security_key"),
                ("client_data", Base64URL.encode(registration.clientDataJSON)),
                ("attestation_object", Base64URL.encode(registration.attestationObject)),
            ]
        )
        #expect(again.status == 400)
        #expect(try harness.store.webAuthnCredentials(userID: harness.alice.id).count == 1)
    }

    @Test func registerPasskey_wrongOrigin_isRefused() throws {
        let harness = try Harness()
        var browser = harness.freshBrowser()
        let csrf = harness.accountCSRF(&browser)
        let page = browser.send(.get, "/account/webauthn?kind=passkey")
        let challenge = try #require(Self.attribute("data-challenge", in: page.text))
        let key = try SoftAuthenticator()
        var ceremony = harness.ceremony(["challenge": .string(challenge)])
        ceremony.origin = "https://phish.example"
        let registration = try key.registration(ceremony)
        let finish = browser.send(
            .post,
            "/account/webauthn/finish",
            form: [
                ("csrf", csrf), ("ceremony", page.hiddenField("ceremony") ?? ""), ("kind", "passkey"),
                ("client_data", Base64URL.encode(registration.clientDataJSON)),
                ("attestation_object", Base64URL.encode(registration.attestationObject)),
            ]
        )
        #expect(finish.status == 400)
        #expect(try harness.store.webAuthnCredentials(userID: harness.alice.id).isEmpty)
    }

    @Test func rememberDevice_lowersTheRiskAndCanBeForgotten() throws {
        let harness = try Harness()
        var browser = harness.freshBrowser()
        let csrf = harness.accountCSRF(&browser)
        let remembered = browser.send(.post, "/account/device", form: [("csrf", csrf), ("action", "remember")])
        #expect(remembered.location == "/account?done=remembered")
        let devices = try harness.store.devices(userID: harness.alice.id)
        #expect(devices.first?.rememberedUntil != nil)
        #expect(devices.first?.label == "A browser")

        let handle = AccountPage.handle(try #require(devices.first).deviceIDHash)
        let forgotten = browser.send(
            .post,
            "/account/device",
            form: [("csrf", csrf), ("action", "forget"), ("device", handle)]
        )
        #expect(forgotten.location == "/account?done=forgotten")
        #expect(try harness.store.devices(userID: harness.alice.id).first?.rememberedUntil == nil)
    }

    /// The value of the first `name="..."` data attribute in `html`.
    static func attribute(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "\(name)=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
