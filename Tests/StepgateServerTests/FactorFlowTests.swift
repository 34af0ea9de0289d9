import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore
import StepgateTestSupport
import Testing

@testable import StepgateServer

/// The second step of a flow with each factor: the ways offered, recovery codes, SMS and e-mail
/// codes, and security keys and passkeys; one test per rejection path.
@Suite struct FactorFlowTests {
    @Test func secondStep_offersEveryEnrolledWay_mostConvenientFirst() throws {
        let harness = try Harness.withDelivery()
        let sms = try harness.addContact()
        _ = try harness.recoveryCodes()
        var browser = harness.browser()
        let (_, state) = harness.passwordThenState(&browser)
        #expect(state?["next"] == "otp")
        let choices = state?["options"]?.arrayValue?.compactMap { $0["choice"]?.stringValue }
        #expect(choices == ["otp", "sms:\(sms)", "recovery"])
    }

    @Test func secondStep_levelWithoutSMS_doesNotOfferIt() throws {
        let harness = try Harness.withDelivery { configuration in
            var levels = configuration.assurance.levels
            levels[1].requirement = [[.pwd], [.otp]]
            configuration.assurance = try! AssurancePolicy(levels: levels)  // two valid levels edited
        }
        try harness.addContact()
        var browser = harness.browser()
        let (_, state) = harness.passwordThenState(&browser)
        #expect(state?["options"]?.arrayValue?.count == 1)
        #expect(state?["next"] == "otp")
    }

    // MARK: Recovery codes

    @Test func recoveryCode_completesTheStep_once() throws {
        let harness = try Harness()
        let codes = try harness.recoveryCodes()
        var browser = harness.browser()
        let request = ClientRequest(prompt: "login")
        let (flow, _) = harness.passwordThenState(&browser, request)
        let done = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(flow), "step": "recovery", "recovery_code": .string(codes[0].lowercased())]
        )
        #expect(done.jsonBody?["status"] == "complete")
        let location = done.jsonBody?["redirect_to"]?.stringValue
        let tokens = harness.redeem(location, request).jsonBody
        #expect(try harness.claims(tokens?["id_token"]?.stringValue)["amr"] == ["pwd", "recovery", "mfa"])
        #expect(try harness.store.recoveryCodeCount(userID: harness.alice.id).unused == 9)
        let used = try harness.auditRecords().filter { $0.kind == AuditKind.recoveryCodeUsed.rawValue }
        #expect(used.count == 1)
        #expect(used.first?.fields[AuditKey.remaining] == "9")

        var other = harness.browser()
        let (secondFlow, _) = harness.passwordThenState(&other)
        let again = other.send(
            .post,
            "/api/login",
            json: ["flow": .string(secondFlow), "step": "recovery", "recovery_code": .string(codes[0])]
        )
        #expect(again.status == 400)
        #expect(again.jsonBody?["error"] == "authentication_failed")
        harness.assertLogsHold(none: codes)
    }

    @Test func recoveryCode_wrong_isTheUniformFailure() throws {
        let harness = try Harness()
        _ = try harness.recoveryCodes()
        var browser = harness.browser()
        let (flow, _) = harness.passwordThenState(&browser)
        let wrong = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(flow), "step": "recovery", "recovery_code": "AAAAA-AAAAA"]
        )
        #expect(wrong.status == 400)
        #expect(wrong.jsonBody?["error"] == "authentication_failed")
        #expect(try harness.store.recoveryCodeCount(userID: harness.alice.id).unused == 10)
    }

    @Test func recoveryCode_notOfferedWhenNoneIsLeft_isIgnored() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let (flow, _) = harness.passwordThenState(&browser)
        let before = try harness.snapshot()
        let answer = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(flow), "step": "recovery", "recovery_code": "AAAAA-AAAAA"]
        )
        #expect(answer.status == 400)
        #expect(try harness.snapshot() == before)
    }

    // MARK: SMS and e-mail codes

    @Test func smsCode_sentThroughTheOutbox_acceptedOnce() throws {
        let harness = try Harness.withDelivery()
        try harness.removeTOTP()
        let sms = try harness.addContact()
        var browser = harness.browser()
        let request = ClientRequest(prompt: "login")
        let (flow, state) = harness.passwordThenState(&browser, request)
        #expect(state?["next"] == "sms")
        #expect(state?["code_sent"] == false)

        let sent = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(flow), "step": "sms", "factor": .string(sms), "send": true]
        )
        #expect(sent.jsonBody?["code_sent"] == true)
        let message = try #require(harness.messages().last)
        #expect(message["to"] == "+447700900123")
        let code = try #require(harness.lastCode())
        #expect(try harness.store.factor(id: sms)?.sealedSecret.contains(Array("+447700900123".utf8)) == false)

        let done = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(flow), "step": "sms", "factor": .string(sms), "otp": .string(code)]
        )
        #expect(done.jsonBody?["status"] == "complete")
        let tokens = harness.redeem(done.jsonBody?["redirect_to"]?.stringValue, request).jsonBody
        #expect(try harness.claims(tokens?["id_token"]?.stringValue)["amr"] == ["pwd", "sms", "mfa"])
        harness.assertLogsHold(none: [code, "+447700900123"])
    }

    @Test func smsCode_replayedInAnotherFlow_isRefused() throws {
        let harness = try Harness.withDelivery()
        try harness.removeTOTP()
        let sms = try harness.addContact()
        var browser = harness.browser()
        let (flow, _) = harness.passwordThenState(&browser)
        _ = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(flow), "step": "sms", "factor": .string(sms), "send": true]
        )
        let code = try #require(harness.lastCode())
        _ = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(flow), "step": "sms", "factor": .string(sms), "otp": .string(code)]
        )

        harness.clock.advance(by: 1)
        let (second, _) = harness.passwordThenState(&browser)
        let replay = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(second), "step": "sms", "factor": .string(sms), "otp": .string(code)]
        )
        #expect(replay.status == 400)
        #expect(replay.jsonBody?["error"] == "authentication_failed")
    }

    @Test func smsCode_fromAnotherBrowser_isRefused() throws {
        let harness = try Harness.withDelivery()
        try harness.removeTOTP()
        let sms = try harness.addContact()
        var browser = harness.browser()
        let (flow, _) = harness.passwordThenState(&browser)
        _ = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(flow), "step": "sms", "factor": .string(sms), "send": true]
        )
        let code = try #require(harness.lastCode())

        var thief = harness.browser()
        let (otherFlow, _) = harness.passwordThenState(&thief)
        let stolen = thief.send(
            .post,
            "/api/login",
            json: ["flow": .string(otherFlow), "step": "sms", "factor": .string(sms), "otp": .string(code)]
        )
        #expect(stolen.status == 400)
        #expect(stolen.jsonBody?["status"] == "pending")
    }

    @Test func smsCode_wrongAnswersRunOut() throws {
        let harness = try Harness.withDelivery()
        try harness.removeTOTP()
        let sms = try harness.addContact()
        var browser = harness.browser()
        let (flow, _) = harness.passwordThenState(&browser)
        _ = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(flow), "step": "sms", "factor": .string(sms), "send": true]
        )
        let code = try #require(harness.lastCode())
        let wrong = code == "000000" ? "111111" : "000000"
        for _ in 0..<harness.configuration.otpMaxAttempts {
            _ = browser.send(
                .post,
                "/api/login",
                json: ["flow": .string(flow), "step": "sms", "factor": .string(sms), "otp": .string(wrong)]
            )
        }
        let late = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(flow), "step": "sms", "factor": .string(sms), "otp": .string(code)]
        )
        #expect(late.jsonBody?["status"] == "pending")
    }

    @Test func smsCode_expires() throws {
        let harness = try Harness.withDelivery { $0.otpLifetime = 120 }
        try harness.removeTOTP()
        let sms = try harness.addContact()
        var browser = harness.browser()
        let (flow, _) = harness.passwordThenState(&browser)
        _ = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(flow), "step": "sms", "factor": .string(sms), "send": true]
        )
        let code = try #require(harness.lastCode())
        harness.clock.advance(by: harness.configuration.otpLifetime)
        let late = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(flow), "step": "sms", "factor": .string(sms), "otp": .string(code)]
        )
        #expect(late.status == 400)
        #expect(late.jsonBody?["status"] == "pending")
    }

    @Test func smsCode_resendIsThrottled() throws {
        let harness = try Harness.withDelivery()
        try harness.removeTOTP()
        let sms = try harness.addContact()
        var browser = harness.browser()
        let (flow, _) = harness.passwordThenState(&browser)
        let send: JSONValue = ["flow": .string(flow), "step": "sms", "factor": .string(sms), "send": true]
        _ = browser.send(.post, "/api/login", json: send)
        let held = browser.send(.post, "/api/login", json: send)
        #expect(held.jsonBody?["notice"]?.stringValue?.contains("moment ago") == true)
        #expect(harness.messages().count == 1)
        harness.clock.advance(by: harness.configuration.otpResendInterval)
        _ = browser.send(.post, "/api/login", json: send)
        #expect(harness.messages().count == 2)
    }

    @Test func code_forAFactorOfAnotherUser_isNotSent() throws {
        let harness = try Harness.withDelivery()
        try harness.removeTOTP()
        _ = try harness.addContact()
        let bob = try harness.admin.addUser(name: "bob", password: Harness.password)
        let bobsPhone = "f_bob"
        try harness.store.insertFactor(
            FactorRecord(
                id: bobsPhone,
                userID: bob.id,
                kind: "sms",
                sealedSecret: try harness.provider.masterKey.seal(Array("+15550001111".utf8), purpose: "sms:f_bob"),
                lastUsedStep: nil,
                createdAt: harness.clock.now
            )
        )
        var browser = harness.browser()
        let (flow, _) = harness.passwordThenState(&browser)
        _ = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(flow), "step": "sms", "factor": .string(bobsPhone), "send": true]
        )
        #expect(harness.messages().isEmpty)
    }

    @Test func sameChannelTwice_isOneFactor() throws {
        let harness = try Harness.withDelivery { configuration in
            var levels = configuration.assurance.levels
            levels[1].requirement = [[.pwd], [.sms, .email], [.sms, .email]]
            configuration.assurance = try! AssurancePolicy(levels: levels)  // a valid edit of the standard levels
        }
        try harness.removeTOTP()
        let first = try harness.addContact()
        try harness.addContact("sms", "+447700900999", label: "•••• 0999")
        var browser = harness.browser()
        let (flow, _) = harness.passwordThenState(&browser)
        _ = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(flow), "step": "sms", "factor": .string(first), "send": true]
        )
        let code = try #require(harness.lastCode())
        let after = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(flow), "step": "sms", "factor": .string(first), "otp": .string(code)]
        )
        // The second phone is the same channel: the level cannot be met, and no token is issued.
        let location = try #require(after.jsonBody?["redirect_to"]?.stringValue)
        #expect(queryParameters(location)["error"] == "unmet_authentication_requirements")
    }

    // MARK: Security keys and passkeys

    @Test func webAuthn_assertionCompletesTheStep() throws {
        let harness = try Harness()
        let key = try SoftAuthenticator()
        _ = try harness.addCredential(key)
        var browser = harness.browser()
        let request = ClientRequest(prompt: "login")
        let (flow, state) = harness.passwordThenState(&browser, request)
        #expect(state?["next"] == "webauthn")
        let options = state?["public_key"]
        #expect(options?["rpId"] == "id.example")
        #expect(
            options?["allowCredentials"]?.arrayValue?.first?["id"]?.stringValue == Base64URL.encode(key.credentialID)
        )
        let ceremonyID = try #require(state?["ceremony"]?.stringValue)

        let assertion = try key.assertion(harness.ceremony(options, flags: [.userPresent]))
        let done = browser.send(
            .post,
            "/api/login",
            json: Harness.webAuthnAnswer(flow: flow, ceremonyID: ceremonyID, assertion)
        )
        #expect(done.jsonBody?["status"] == "complete")
        let tokens = harness.redeem(done.jsonBody?["redirect_to"]?.stringValue, request).jsonBody
        #expect(try harness.claims(tokens?["id_token"]?.stringValue)["amr"] == ["pwd", "hwk", "mfa"])
        #expect(try harness.store.webAuthnCredential(credentialID: key.credentialID)?.signCount == 1)
    }

    @Test func webAuthn_userVerifyingDeviceBoundKeyMeetsAAL3() throws {
        let harness = try Harness()
        let key = try SoftAuthenticator()
        _ = try harness.addCredential(key, kind: "passkey")
        var browser = harness.browser()
        let request = ClientRequest(acr: "aal3", prompt: "login")
        let (flow, state) = harness.passwordThenState(&browser, request)
        #expect(state?["public_key"]?["userVerification"] == "required")
        let assertion = try key.assertion(harness.ceremony(state?["public_key"]))
        let done = browser.send(
            .post,
            "/api/login",
            json: Harness.webAuthnAnswer(flow: flow, ceremonyID: state?["ceremony"]?.stringValue ?? "", assertion)
        )
        let tokens = harness.redeem(done.jsonBody?["redirect_to"]?.stringValue, request).jsonBody
        let claims = try harness.claims(tokens?["id_token"]?.stringValue)
        #expect(claims["acr"] == "aal3")
        #expect(claims["amr"] == ["pwd", "hwk", "pin", "mfa"])
    }

    @Test func webAuthn_withoutUserVerification_doesNotMeetAAL3() throws {
        let harness = try Harness()
        let key = try SoftAuthenticator()
        _ = try harness.addCredential(key)
        var browser = harness.browser()
        let (flow, state) = harness.passwordThenState(&browser, ClientRequest(acr: "aal3"))
        let assertion = try key.assertion(harness.ceremony(state?["public_key"], flags: [.userPresent]))
        let answer = browser.send(
            .post,
            "/api/login",
            json: Harness.webAuthnAnswer(flow: flow, ceremonyID: state?["ceremony"]?.stringValue ?? "", assertion)
        )
        #expect(answer.status == 400)
        #expect(answer.jsonBody?["error"] == "authentication_failed")
    }

    @Test func webAuthn_syncedPasskeyIsNotOfferedForAAL3() throws {
        let harness = try Harness()
        try harness.removeTOTP()
        _ = try harness.addCredential(try SoftAuthenticator(), kind: "passkey", backupEligible: true)
        var browser = harness.browser()
        let (_, state) = harness.passwordThenState(&browser, ClientRequest(acr: "aal3"))
        let location = try #require(state?["redirect_to"]?.stringValue)
        #expect(queryParameters(location)["error"] == "unmet_authentication_requirements")
    }

    @Test func webAuthn_wrongOrigin_isRefused() throws {
        let harness = try Harness()
        let key = try SoftAuthenticator()
        _ = try harness.addCredential(key)
        var browser = harness.browser()
        let (flow, state) = harness.passwordThenState(&browser)
        var ceremony = harness.ceremony(state?["public_key"])
        ceremony.origin = "https://id.example.evil.test"
        let answer = browser.send(
            .post,
            "/api/login",
            json: Harness.webAuthnAnswer(
                flow: flow,
                ceremonyID: state?["ceremony"]?.stringValue ?? "",
                try key.assertion(ceremony)
            )
        )
        #expect(answer.jsonBody?["error"] == "authentication_failed")
        #expect(try harness.store.webAuthnCredential(credentialID: key.credentialID)?.signCount == 0)
    }

    @Test func webAuthn_replayedAssertion_isRefused() throws {
        let harness = try Harness()
        let key = try SoftAuthenticator()
        _ = try harness.addCredential(key)
        var browser = harness.browser()
        let (flow, state) = harness.passwordThenState(&browser)
        let body = Harness.webAuthnAnswer(
            flow: flow,
            ceremonyID: state?["ceremony"]?.stringValue ?? "",
            try key.assertion(harness.ceremony(state?["public_key"]))
        )
        #expect(browser.send(.post, "/api/login", json: body).jsonBody?["status"] == "complete")

        harness.clock.advance(by: 1)
        let (second, _) = harness.passwordThenState(&browser)
        var replay = body.objectValue ?? [:]
        replay["flow"] = .string(second)
        let answer = browser.send(.post, "/api/login", json: .object(replay))
        #expect(answer.jsonBody?["error"] == "authentication_failed")
    }

    @Test func webAuthn_counterGoingBack_disablesTheCredential() throws {
        let harness = try Harness.withDelivery()
        try harness.addContact("email", "alice@example.org", label: "a•••@example.org")
        let key = try SoftAuthenticator()
        _ = try harness.addCredential(key, signCount: 10)
        var browser = harness.browser()
        let (flow, state) = harness.passwordThenState(&browser)
        let cloned = try key.assertion(harness.ceremony(state?["public_key"], signCount: 7))
        let answer = browser.send(
            .post,
            "/api/login",
            json: Harness.webAuthnAnswer(flow: flow, ceremonyID: state?["ceremony"]?.stringValue ?? "", cloned)
        )
        #expect(answer.jsonBody?["error"] == "authentication_failed")
        let stored = try harness.store.webAuthnCredential(credentialID: key.credentialID)
        #expect(stored?.disabledReason == "counter_regressed")
        #expect(stored?.signCount == 10)
        let kinds = try harness.auditRecords().map(\.kind)
        #expect(kinds.contains(AuditKind.credentialCounterRegressed.rawValue))
        #expect(harness.messages("email").last?["text"]?.stringValue?.contains("switched off") == true)
    }

    @Test func webAuthn_credentialOfAnotherUser_isRefused() throws {
        let harness = try Harness()
        let alicesKey = try SoftAuthenticator()
        _ = try harness.addCredential(alicesKey)
        var mallorysKey = try SoftAuthenticator()
        mallorysKey.credentialID = Array(200..<232)
        let mallory = try harness.admin.addUser(name: "mallory", password: Harness.password)
        var record = try harness.addCredential(mallorysKey)
        _ = try harness.store.deleteWebAuthnCredential(id: record.id, userID: harness.alice.id)
        record.userID = mallory.id
        try harness.store.insertWebAuthnCredential(record)

        var browser = harness.browser()
        let (flow, state) = harness.passwordThenState(&browser)
        let answer = browser.send(
            .post,
            "/api/login",
            json: Harness.webAuthnAnswer(
                flow: flow,
                ceremonyID: state?["ceremony"]?.stringValue ?? "",
                try mallorysKey.assertion(harness.ceremony(state?["public_key"]))
            )
        )
        #expect(answer.jsonBody?["error"] == "authentication_failed")
    }

    @Test func webAuthn_ceremonyOfAnotherBrowser_isRefused() throws {
        let harness = try Harness()
        let key = try SoftAuthenticator()
        _ = try harness.addCredential(key)
        var browser = harness.browser()
        let (_, state) = harness.passwordThenState(&browser)
        var other = harness.browser()
        let (otherFlow, _) = harness.passwordThenState(&other)
        let answer = other.send(
            .post,
            "/api/login",
            json: Harness.webAuthnAnswer(
                flow: otherFlow,
                ceremonyID: state?["ceremony"]?.stringValue ?? "",
                try key.assertion(harness.ceremony(state?["public_key"]))
            )
        )
        #expect(answer.jsonBody?["error"] == "authentication_failed")
        #expect(try harness.store.webAuthnCredential(credentialID: key.credentialID)?.signCount == 0)
    }
}
