import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore
import Testing

@testable import StepgateServer

extension Harness {
    /// Every audit record, after the queue has been written.
    func auditRecords() throws -> [AuditRecord] {
        provider.auditLog.flush()
        return try store.auditRecords(after: 0, limit: 10_000)
    }
}

/// What the provider's flows put in the audit log, in what order, and what they keep out.
@Suite struct AuditTests {
    @Test func signIn_recordsKindsInOrderWithIdentifiers() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let request = ClientRequest(acr: "aal2", maxAge: 300)

        let location = harness.signIn(&browser, request)
        #expect(harness.redeem(location, request).status == 200)

        let records = try harness.auditRecords()
        #expect(
            records.map(\.kind) == [
                "flow.started", "stepup.succeeded", "stepup.succeeded", "code.issued", "tokens.issued",
            ]
        )
        #expect(AuditChain.verify(records) == nil)
        let started = try #require(records.first)
        #expect(started.fields[AuditKey.requestedACR] == "aal2")
        #expect(started.fields[AuditKey.maxAge] == "300")
        #expect(started.fields[AuditKey.clientID] == "app")
        #expect(started.fields[AuditKey.requestID] == "test")
        #expect(records[1].fields[AuditKey.stepUpMethod] == "pwd")
        #expect(records[1].fields[AuditKey.subject] == harness.alice.id)
        #expect(records[2].fields[AuditKey.stepUpMethod] == "otp")
        #expect(records[2].fields[AuditKey.acr] == "aal2")
        #expect(records[3].fields[AuditKey.amr] == "pwd otp mfa")
        #expect(records[4].fields[AuditKey.grantType] == "authorization_code")
        #expect(records.allSatisfy { $0.time == harness.clock.now })
    }

    @Test func satisfiedSession_recordsOnlyTheCode() throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        let before = try harness.auditRecords().count

        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))

        #expect(try harness.auditRecords().dropFirst(before).map(\.kind) == ["code.issued"])
    }

    @Test(arguments: [
        ("alice", "wrong-password-xyz", "wrong_password"),
        ("nobody", Harness.password, "unknown_user"),
    ])
    func wrongPassword_recordsFailureWithReasonOnly(user: String, password: String, reason: String) throws {
        let harness = try Harness()
        var browser = harness.browser()
        let page = harness.open(&browser, harness.authorize(&browser, ClientRequest()).location)

        _ = harness.answer(&browser, page, harness.passwordFields(password, user: user))

        let failed = try #require(try harness.auditRecords().last)
        #expect(failed.kind == "stepup.failed")
        #expect(failed.fields[AuditKey.reason] == reason)
        #expect(failed.fields[AuditKey.stepUpMethod] == "pwd")
        #expect(failed.fields[AuditKey.subject] == (user == "alice" ? harness.alice.id : nil))
        #expect(!failed.fieldsJSON.contains(user == "alice" ? password : user))
    }

    @Test func disabledUser_recordsFailure() throws {
        let harness = try Harness()
        try harness.admin.disableUser(name: "alice")
        var browser = harness.browser()
        let page = harness.open(&browser, harness.authorize(&browser, ClientRequest()).location)

        _ = harness.answer(&browser, page, harness.passwordFields())

        #expect(try harness.auditRecords().last?.fields[AuditKey.reason] == "user_disabled")
    }

    @Test func wrongAndReplayedCodes_recordTheirReasons() throws {
        let harness = try Harness()
        var first = harness.browser()
        _ = harness.signIn(&first, ClientRequest(acr: "aal2"))
        var browser = harness.browser()
        let page = harness.open(&browser, harness.authorize(&browser, ClientRequest()).location)
        let otpPage = harness.answer(&browser, page, harness.passwordFields())
        let wrongCode = harness.totp() == "000000" ? "111111" : "000000"

        _ = harness.answer(&browser, otpPage, [("otp", wrongCode)])
        _ = harness.answer(&browser, otpPage, [("otp", harness.totp())])

        let failures = try harness.auditRecords().filter { $0.kind == "stepup.failed" }
        // The current code was used by the first browser; matchingStep skips used steps.
        #expect(failures.map { $0.fields[AuditKey.reason] } == ["wrong_code", "wrong_code"])
        #expect(failures.allSatisfy { $0.fields[AuditKey.stepUpMethod] == "otp" })
    }

    @Test func exhaustedFlow_recordsFailuresThenExhaustion() throws {
        let harness = try Harness { $0.flowMaxAttempts = 2 }
        var browser = harness.browser()
        let page = harness.open(&browser, harness.authorize(&browser, ClientRequest()).location)

        _ = harness.answer(&browser, page, harness.passwordFields("nope-1"))
        _ = harness.answer(&browser, page, harness.passwordFields("nope-2"))

        #expect(
            try harness.auditRecords().map(\.kind) == [
                "flow.started", "stepup.failed", "stepup.failed", "flow.exhausted",
            ]
        )
    }

    @Test func replayAndReuseAndLogout_areRecorded() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let request = ClientRequest(acr: "aal1")
        let location = harness.signIn(&browser, request)
        let tokens = try #require(harness.redeem(location, request).jsonBody)
        let refresh = tokens["refresh_token"]?.stringValue ?? ""
        var client = harness.browser()
        let form = [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "app")]
        #expect(client.send(.post, "/token", form: form).status == 200)
        #expect(client.send(.post, "/token", form: form).status == 400)
        #expect(harness.redeem(location, request).status == 400)
        let csrf = browser.send(.get, "/logout").hiddenField("csrf") ?? ""
        #expect(browser.send(.post, "/logout", form: [("csrf", csrf)]).status == 200)

        let records = try harness.auditRecords()
        #expect(
            records.map(\.kind).suffix(5) == [
                "tokens.issued", "tokens.issued", "refresh.reuse_detected", "code.replayed", "session.ended",
            ]
        )
        #expect(records.last?.fields[AuditKey.subject] == harness.alice.id)
        #expect(records.first { $0.kind == "refresh.reuse_detected" }?.fields[AuditKey.count] == "2")
        #expect(AuditChain.verify(records) == nil)
    }

    /// The log-hygiene test's flow, with every secret looked for in every audit record.
    @Test func noSecretReachesTheAuditLog() throws {
        let harness = try Harness()
        var secrets = [Harness.password, Harness.rpSecret, "wrong-password-xyz", Base32.encode(Harness.totpSecret)]
        var browser = harness.browser()
        let request = ClientRequest(acr: "aal2", maxAge: 300)

        let start = harness.authorize(&browser, request)
        secrets += Array(browser.cookies.values)
        let page = harness.open(&browser, start.location)
        secrets.append(page.hiddenField("csrf") ?? "")
        _ = harness.answer(&browser, page, harness.passwordFields("wrong-password-xyz"))
        _ = harness.answer(&browser, page, harness.passwordFields("typed-into-name", user: "secret-looking-name"))
        let otpPage = harness.answer(&browser, page, harness.passwordFields())
        secrets += Array(browser.cookies.values)
        let wrongCode = harness.totp() == "000000" ? "111111" : "000000"
        _ = harness.answer(&browser, otpPage, [("otp", wrongCode)])
        let done = harness.answer(&browser, otpPage, [("otp", harness.totp())])
        secrets += Array(browser.cookies.values)
        secrets += [harness.totp(), wrongCode, request.verifier, "typed-into-name", "secret-looking-name"]
        secrets.append(queryParameters(done.location ?? "")["code"] ?? "")
        let tokens = try #require(harness.redeem(done.location, request).jsonBody)
        _ = harness.redeem(done.location, request)
        let refresh = tokens["refresh_token"]?.stringValue ?? ""
        secrets += [refresh, tokens["access_token"]?.stringValue ?? "", tokens["id_token"]?.stringValue ?? ""]
        var client = harness.browser()
        let form = [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "app")]
        let rotated = client.send(.post, "/token", form: form).jsonBody?["refresh_token"]?.stringValue ?? ""
        secrets.append(rotated)
        _ = client.send(.post, "/token", form: form)
        let csrf = browser.send(.get, "/logout").hiddenField("csrf") ?? ""
        secrets.append(csrf)
        _ = browser.send(.post, "/logout", form: [("csrf", csrf)])

        let records = try harness.auditRecords()
        // Hashes and times are digits and hex: a 6-digit code may turn up inside them by chance,
        // so short secrets are looked for in what records carry (kind and fields), long ones in
        // everything the tail prints.
        let carried = records.map { $0.kind + " " + $0.fieldsJSON }.joined(separator: "\n")
        let printed = records.map { String(decoding: $0.json.serialized(), as: UTF8.self) }.joined(separator: "\n")
        #expect(records.count >= 10)
        #expect(Set(records.map(\.kind)).count >= 7)
        for secret in secrets where !secret.isEmpty {
            #expect(!carried.contains(secret), "a secret reached an audit record")
            if secret.utf8.count >= 12 { #expect(!printed.contains(secret), "a secret reached the audit tail") }
        }
    }
}
