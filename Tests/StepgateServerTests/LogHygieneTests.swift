import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import Testing

@testable import StepgateServer

/// Runs flows, their failures and their replays with a captured log, then looks for every secret.
@Suite struct LogHygieneTests {
    @Test func noSecretReachesTheLog() throws {
        let harness = try Harness()
        var secrets = [Harness.password, Harness.rpSecret, "wrong-password-xyz", Base32.encode(Harness.totpSecret)]
        var browser = harness.browser()
        let request = ClientRequest(acr: "aal2", maxAge: 300)

        let start = harness.authorize(&browser, request)
        secrets += Array(browser.cookies.values)
        let page = harness.open(&browser, start.location)
        secrets.append(page.hiddenField("csrf") ?? "")
        _ = harness.answer(&browser, page, harness.passwordFields("wrong-password-xyz"))
        let otpPage = harness.answer(&browser, page, harness.passwordFields())
        secrets += Array(browser.cookies.values)
        let wrongCode = harness.totp() == "000000" ? "111111" : "000000"
        _ = harness.answer(&browser, otpPage, [("otp", wrongCode)])
        let done = harness.answer(&browser, otpPage, [("otp", harness.totp())])
        secrets += [harness.totp(), wrongCode, request.verifier]
        let code = queryParameters(done.location ?? "")["code"] ?? ""
        secrets.append(code)
        let tokens = try #require(harness.redeem(done.location, request).jsonBody)
        _ = harness.redeem(done.location, request)
        let refresh = tokens["refresh_token"]?.stringValue ?? ""
        secrets += [refresh, tokens["access_token"]?.stringValue ?? "", tokens["id_token"]?.stringValue ?? ""]
        var client = harness.browser()
        _ = client.send(
            .post,
            "/token",
            form: [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "app")]
        )
        _ = client.send(
            .post,
            "/token",
            form: [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "app")]
        )
        _ = client.send(
            .post,
            "/introspect",
            form: [("token", refresh), ("client_id", "rp"), ("client_secret", Harness.rpSecret)]
        )
        _ = client.send(
            .get,
            "/userinfo",
            headers: [("Authorization", "Bearer " + (tokens["access_token"]?.stringValue ?? ""))]
        )
        _ = client.send(
            .post,
            "/token",
            form: [
                ("grant_type", "authorization_code"), ("client_id", "rp"),
                ("client_secret", "guess-" + Harness.rpSecret),
            ]
        )
        secrets.append("guess-" + Harness.rpSecret)

        #expect(harness.logs.entries.count > 10)
        harness.assertLogsHold(none: secrets)
        #expect(harness.logs.text.contains("step-up answer rejected"))
        #expect(harness.logs.text.contains("authorization code replayed"))
        #expect(harness.logs.text.contains("refresh token reused; family revoked"))
    }

    @Test func secretHoldingTypesPrintRedacted() throws {
        let harness = try Harness()
        let key = try MasterKey.load(harness.configuration, random: SystemRandom())
        #expect("\(key)" == "MasterKey(<redacted>)")
        #expect(!"\(TOTP(secret: Harness.totpSecret))".contains("1234"))
        #expect(
            "\(HTTPRequest(method: .post, path: "/token", query: "code=secret", body: Array("x".utf8)))"
                == "POST /token"
        )
    }
}
